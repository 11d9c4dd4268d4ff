import type { Fake } from '../../random/fake.js';
import { personName } from '../../random/words.js';
import { contactAddress, exchangePrefix, LOCALES } from './texts.js';
import type { AutoReplyText, OooLanguage } from './types.js';

interface DepartureWords {
  subjects: ReadonlyArray<(name: string) => string>;
  /** The sentence that says the person has gone (their name, the company). */
  gone: ReadonlyArray<(name: string, company: string) => string>;
  /** Where to write instead: a colleague and an address, always inside a sentence. */
  instead: ReadonlyArray<(colleague: string, email: string) => string>;
  closings: readonly string[];
}

/**
 * "Has left the company" replies, set on the leaver's mailbox by the
 * person before leaving or by IT afterwards. People write their own, so
 * these are the shapes the public templates give, in each language's usual
 * words (sources: IONOS Digital Guide "Auto-reply email templates for
 * terminated or departing employees" (en, and its de/nl/fr editions);
 * businesswritingblog.com "Out of Office When You Are Leaving a Company"
 * (2008); lebenslauf.net "Abwesenheitsnotiz: Beispiel 7, Kündigung";
 * trialog-magazin.de "Abwesenheitsnotiz bei Urlaub, Elternzeit und
 * Kündigung"). Three or more wordings each, as the test requires.
 */
const DEPARTURES: Record<OooLanguage, DepartureWords> = {
  en: {
    subjects: [(n) => `${n} has left the company`, () => 'No longer with the company', () => 'Farewell'],
    gone: [
      (n, c) =>
        `Thank you for your email. ${n} is no longer with ${c} and this mailbox is no longer monitored.`,
      (_n, c) => `I have left ${c} and will not be reading messages sent to this address.`,
      (n) => `Please note that ${n} no longer works here; your message has not been forwarded.`,
    ],
    instead: [
      (c, e) => `Please contact ${c} at ${e} for assistance.`,
      (c, e) => `My responsibilities have been taken over by ${c}, who can be reached at ${e}.`,
      (_c, e) => `For any questions, please write to ${e} and a colleague will help you.`,
    ],
    closings: ['Kind regards,', 'Best regards,', 'Thank you,'],
  },
  nl: {
    subjects: [(n) => `${n} is niet meer werkzaam bij ons`, () => 'Uit dienst', () => 'Niet meer in dienst'],
    gone: [
      (n, c) =>
        `Bedankt voor uw e-mail. ${n} is niet meer werkzaam bij ${c}; deze mailbox wordt niet meer gelezen.`,
      (_n, c) => `Ik ben niet langer in dienst bij ${c}. Uw bericht wordt niet doorgestuurd.`,
      (n) => `Let op: ${n} is uit dienst getreden en ontvangt uw bericht niet meer.`,
    ],
    instead: [
      (c, e) => `Neemt u voor vragen contact op met ${c} via ${e}.`,
      (c, e) => `Mijn werkzaamheden zijn overgenomen door ${c}, bereikbaar via ${e}.`,
      (_c, e) => `Stuur uw bericht opnieuw naar ${e}, dan helpt een collega u verder.`,
    ],
    closings: ['Met vriendelijke groet,', 'Vriendelijke groet,', 'Hartelijke groet,'],
  },
  de: {
    subjects: [
      (n) => `${n} ist nicht mehr im Unternehmen`,
      () => 'Nicht mehr im Unternehmen tätig',
      () => 'Ausgeschieden',
    ],
    gone: [
      (n, c) =>
        `Vielen Dank für Ihre Nachricht. ${n} ist nicht mehr bei ${c} tätig; dieses Postfach wird nicht mehr gelesen.`,
      (_n, c) => `Ich bin aus ${c} ausgeschieden. Ihre E-Mail wird nicht weitergeleitet.`,
      (n) => `Bitte beachten Sie, dass ${n} nicht mehr im Unternehmen ist.`,
    ],
    instead: [
      (c, e) => `Bitte wenden Sie sich an ${c} unter ${e}.`,
      (c, e) => `Meine Aufgaben hat ${c} übernommen, erreichbar unter ${e}.`,
      (_c, e) => `Senden Sie Ihre Anfrage bitte an ${e}, ein Kollege hilft Ihnen gerne weiter.`,
    ],
    closings: ['Mit freundlichen Grüßen', 'Freundliche Grüße', 'Viele Grüße'],
  },
  fr: {
    subjects: [
      (n) => `${n} a quitté l'entreprise`,
      () => "Ne fait plus partie de l'entreprise",
      () => 'Départ',
    ],
    gone: [
      (n, c) =>
        `Merci pour votre message. ${n} ne fait plus partie de ${c} et cette adresse n'est plus consultée.`,
      (_n, c) => `J'ai quitté ${c} ; votre message ne sera pas transféré.`,
      (n) => `Veuillez noter que ${n} n'est plus en poste.`,
    ],
    instead: [
      (c, e) => `Merci de contacter ${c} à l'adresse ${e}.`,
      (c, e) => `Mes dossiers ont été repris par ${c}, joignable à l'adresse ${e}.`,
      (_c, e) => `Pour toute question, écrivez à ${e}, un collègue vous répondra.`,
    ],
    closings: ['Cordialement,', 'Bien cordialement,', 'Bien à vous,'],
  },
};

/** One departed person's reply: who left, who to write to, a signature of the company. */
export function writeDeparture(
  fake: Fake,
  lang: OooLanguage,
  now: number,
  name: string,
  domain: string,
  company: string,
): AutoReplyText {
  const p = DEPARTURES[lang];
  const { rng } = fake;
  const { first, last } = personName(rng);
  const colleague = `${first} ${last}`;
  const email = contactAddress(fake, first, last, domain, ['info', 'office', 'sales', 'service']);
  const body = [
    rng.pick(p.gone)(name, company),
    rng.pick(p.instead)(colleague, email),
    `${rng.pick(p.closings)}\n${company}`,
  ].join('\n\n');
  return {
    lang,
    language: LOCALES[lang],
    subjectPrefix: exchangePrefix(lang),
    ...(rng.chance(0.7) ? { ownSubject: rng.pick(p.subjects)(name) } : {}),
    body: `${body}\n`,
    // The reply stays on until the mailbox is closed, months on.
    back: now + rng.int(60, 180) * 86_400_000,
  };
}
