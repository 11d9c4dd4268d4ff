/**
 * The human-readable parts of an Exchange NDR in the languages Dutch,
 * German and French senders meet daily. Exchange (on-premises with a
 * language pack, and Exchange Online for a tenant or mailbox in that
 * language) translates the subject prefix, the headings and the friendly
 * paragraph; the `#550 5.1.1 RESOLVER... ##` line, the message/delivery-status
 * part and the returned headers stay as they are (Microsoft: "The SMTP
 * response is never rewritten by Exchange ... always US-ASCII", de-DE
 * Exchange 2013 NDR page, MicrosoftDocs "Unzustellbarkeitsberichte").
 *
 * Sources, per string:
 * - nl: subject `Onbestelbaar:` and the headings are the markers Sisimai 5
 *   reads Dutch Microsoft 365 NDRs by (sisimai/p5-sisimai
 *   lib/Sisimai/Lhost/Office365.pm, sisimai/go-sisimai lhost/office365.go,
 *   taken from its set-of-emails samples); `Onbestelbaar: ` also in the
 *   frankframework NDR test (an outlook.com NDR, "Onbestelbaar 1").
 * - de: subject `Unzustellbar:` (NDR filters in public code, e.g. a bounce
 *   classifier test "Unzustellbar: Newsletter"); "Diagnoseinformationen für
 *   Administratoren:" (a public Outlook script that cuts German NDRs at that
 *   line; Microsoft's de-DE postmaster page); "Generierender Server" and
 *   "Ursprüngliche Nachrichtenkopfzeilen" (Microsoft's de-DE Exchange 2013
 *   page on NDR sections); "Fehler bei der Nachrichtenzustellung" (public
 *   IMAP bounce filters that search German NDR bodies for it).
 * - fr: subject `Non remis :` and "Échec de la remise pour ces
 *   destinataires ou groupes :", "Nous n’avons pas trouvé l’adresse de
 *   courrier que vous avez entrée.", "Informations de diagnostic pour les
 *   administrateurs :" (a French NDR quoted in a public parser's test);
 *   "Serveur de génération :" and "En-têtes de message d'origine :"
 *   (sisimai Lhost/Exchange2007.pm fr-FR markers; a public Exchange 2013
 *   admin note quoting the NDR).
 * The friendly paragraphs other than the French "not found" sentence are
 * our translations of the en-US texts (no public sample found); they are
 * marked `translated` below.
 */

/** What an Exchange NDR writes in one language. */
export interface NdrLanguage {
  /** Style name suffix and Content-Language. */
  code: 'en' | 'nl' | 'de' | 'fr';
  contentLanguage: string;
  /** Subject prefix, with its separator (`Non remis : ` has a space before the colon). */
  subject: string;
  failedTo: string;
  forAdmins: string;
  generatingServer: string;
  originalHeaders: string;
  /** The friendly paragraph for a status. */
  friendly: (status: string) => string;
}

/** The en-US texts: Exchange 2013-2019 and Microsoft's NDR pages. */
const EN: NdrLanguage = {
  code: 'en',
  contentLanguage: 'en-US',
  subject: 'Undeliverable: ',
  failedTo: 'Delivery has failed to these recipients or groups:',
  forAdmins: 'Diagnostic information for administrators:',
  generatingServer: 'Generating server: ',
  originalHeaders: 'Original message headers:',
  friendly: (status) => {
    if (status === '5.1.1' || status === '5.1.10')
      return "The email address you entered couldn't be found. Please check the recipient's email address and try to resend the message. If the problem continues, please contact your helpdesk.";
    if (status === '5.2.2')
      return "The recipient's mailbox is full and can't accept messages now. Please try resending this message later, or contact the recipient directly.";
    if (status === '4.4.7')
      return "The recipient's email system couldn't be reached before the message expired. Please try resending the message later.";
    return "Your message wasn't delivered. Please contact your helpdesk with the information below.";
  },
};

const NL: NdrLanguage = {
  code: 'nl',
  contentLanguage: 'nl-NL',
  subject: 'Onbestelbaar: ',
  failedTo: 'Uw bericht kan niet worden bezorgd bij de volgende geadresseerden of groepen:',
  forAdmins: 'Diagnostische gegevens voor beheerders:',
  generatingServer: 'Bronserver: ',
  originalHeaders: 'Oorspronkelijke berichtkoppen:',
  // translated
  friendly: (status) => {
    if (status === '5.1.1' || status === '5.1.10')
      return 'Het e-mailadres dat u hebt ingevoerd, is niet gevonden. Controleer het e-mailadres van de geadresseerde en verzend het bericht opnieuw. Neem contact op met de helpdesk als het probleem zich blijft voordoen.';
    if (status === '5.2.2')
      return 'Het postvak van de geadresseerde is vol en kan op dit moment geen berichten ontvangen. Verzend het bericht later opnieuw of neem rechtstreeks contact op met de geadresseerde.';
    if (status === '4.4.7')
      return 'Het e-mailsysteem van de geadresseerde kon niet worden bereikt voordat het bericht is verlopen. Verzend het bericht later opnieuw.';
    return 'Uw bericht is niet bezorgd. Neem contact op met de helpdesk en geef de onderstaande gegevens door.';
  },
};

const DE: NdrLanguage = {
  code: 'de',
  contentLanguage: 'de-DE',
  subject: 'Unzustellbar: ',
  failedTo: 'Fehler bei der Nachrichtenzustellung an folgende Empfänger oder Gruppen:',
  forAdmins: 'Diagnoseinformationen für Administratoren:',
  generatingServer: 'Generierender Server: ',
  originalHeaders: 'Ursprüngliche Nachrichtenkopfzeilen:',
  // translated
  friendly: (status) => {
    if (status === '5.1.1' || status === '5.1.10')
      return 'Die eingegebene E-Mail-Adresse wurde nicht gefunden. Überprüfen Sie die E-Mail-Adresse des Empfängers, und senden Sie die Nachricht erneut. Wenden Sie sich an Ihr Helpdesk, wenn das Problem weiterhin besteht.';
    if (status === '5.2.2')
      return 'Das Postfach des Empfängers ist voll und kann zurzeit keine Nachrichten annehmen. Senden Sie die Nachricht später erneut, oder wenden Sie sich direkt an den Empfänger.';
    if (status === '4.4.7')
      return 'Das E-Mail-System des Empfängers war nicht erreichbar, bevor die Nachricht abgelaufen ist. Senden Sie die Nachricht später erneut.';
    return 'Ihre Nachricht wurde nicht zugestellt. Wenden Sie sich mit den folgenden Informationen an Ihr Helpdesk.';
  },
};

const FR: NdrLanguage = {
  code: 'fr',
  contentLanguage: 'fr-FR',
  subject: 'Non remis : ',
  failedTo: 'Échec de la remise pour ces destinataires ou groupes :',
  forAdmins: 'Informations de diagnostic pour les administrateurs :',
  generatingServer: 'Serveur de génération : ',
  originalHeaders: "En-têtes de message d'origine :",
  friendly: (status) => {
    // The first sentence is a real sample's; the rest translated.
    if (status === '5.1.1' || status === '5.1.10')
      return 'Nous n’avons pas trouvé l’adresse de courrier que vous avez entrée. Vérifiez l’adresse du destinataire et renvoyez le message. Si le problème persiste, contactez votre support technique.';
    if (status === '5.2.2')
      return 'La boîte aux lettres du destinataire est pleine et ne peut pas recevoir de messages pour le moment. Renvoyez le message plus tard ou contactez directement le destinataire.';
    if (status === '4.4.7')
      return 'Le système de messagerie du destinataire n’a pas pu être joint avant l’expiration du message. Renvoyez le message plus tard.';
    return 'Votre message n’a pas été remis. Contactez votre support technique avec les informations ci-dessous.';
  },
};

export const NDR_LANGUAGES = { en: EN, nl: NL, de: DE, fr: FR } as const;
