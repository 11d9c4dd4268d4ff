import type { Fake } from '../../random/fake.js';
import { jobTitle, personName } from '../../random/words.js';
import type { AutoReplyText, OooLanguage } from './types.js';

export const LOCALES: Record<OooLanguage, string> = { en: 'en-GB', nl: 'nl-NL', de: 'de-DE', fr: 'fr-FR' };

const day = (ms: number, lang: OooLanguage, weekday = false): string =>
  new Date(ms).toLocaleDateString(LOCALES[lang], {
    ...(weekday ? { weekday: 'long' } : {}),
    day: 'numeric',
    month: 'long',
    ...(weekday ? {} : { year: 'numeric' }),
    timeZone: 'UTC',
  });

/** What one language needs: the pieces a person picks from when writing. */
interface Phrases {
  /** Exchange/Outlook's own localised prefix (not the person's words). */
  exchangePrefix: string;
  ownSubjects: ReadonlyArray<(back: string) => string>;
  greetings: readonly string[];
  away: ReadonlyArray<(back: string, backDay: string) => string>;
  contact: ReadonlyArray<(colleague: string, email: string) => string>;
  closings: readonly string[];
}

// Contact addresses stay inside sentences: a line holding only an address
// makes Sisimai 4.25 read a null-sender reply as a DSN for that address.
const PHRASES: Record<OooLanguage, Phrases> = {
  en: {
    exchangePrefix: 'Automatic reply:',
    ownSubjects: [() => 'Out of office', (b) => `Out of the office until ${b}`, () => 'On holiday'],
    greetings: ['Hello,', 'Hi,', 'Dear sender,', ''],
    away: [
      (b) => `Thank you for your email. I am out of the office until ${b} with limited access to email.`,
      (_b, d) =>
        `I'm currently on annual leave and will be back on ${d}. I will reply to your message as soon as possible after my return.`,
      (b) => `Thanks for your message. I am away and will not be reading email until ${b}.`,
    ],
    contact: [
      (c) => `For urgent matters, please contact ${c} at our main office.`,
      (c, e) => `If your question cannot wait, please get in touch with my colleague ${c} (${e}).`,
      (_c, e) => `For anything urgent, please email ${e} and someone from the team will help you.`,
    ],
    closings: ['Best regards,', 'Kind regards,', 'Thanks,', 'Cheers,'],
  },
  nl: {
    exchangePrefix: 'Automatisch antwoord:',
    ownSubjects: [() => 'Afwezig', (b) => `Afwezig tot en met ${b}`, () => 'Vakantie'],
    greetings: ['Beste afzender,', 'Hallo,', 'Goedendag,', ''],
    away: [
      (b) =>
        `Bedankt voor je bericht. Ik ben tot en met ${b} afwezig en lees in die periode beperkt mijn e-mail.`,
      (_b, d) => `Ik ben met vakantie en vanaf ${d} weer op kantoor. Uw e-mail wordt niet doorgestuurd.`,
      (b) => `Dank voor uw e-mail. Tot ${b} ben ik niet bereikbaar; daarna reageer ik zo snel mogelijk.`,
    ],
    contact: [
      (c) => `Voor dringende zaken kunt u contact opnemen met mijn collega ${c}.`,
      (c, e) => `Is het dringend? Mail dan naar ${c} via ${e}.`,
      (_c, e) => `Voor spoedeisende vragen kun je terecht bij ${e}.`,
    ],
    closings: ['Met vriendelijke groet,', 'Groet,', 'Hartelijke groet,', 'Mvg,'],
  },
  de: {
    exchangePrefix: 'Automatische Antwort:',
    ownSubjects: [() => 'Abwesenheitsnotiz', () => 'Nicht im Büro', (b) => `Urlaub bis ${b}`],
    greetings: ['Sehr geehrte Damen und Herren,', 'Hallo,', 'Guten Tag,', ''],
    away: [
      (b) =>
        `vielen Dank für Ihre Nachricht. Ich bin bis einschließlich ${b} nicht im Büro und habe nur eingeschränkt Zugriff auf meine E-Mails.`,
      (_b, d) => `ich bin im Urlaub und ab ${d} wieder erreichbar. Ihre E-Mail wird nicht weitergeleitet.`,
      (b) => `danke für deine Mail. Bis zum ${b} bin ich außer Haus und lese keine E-Mails.`,
    ],
    contact: [
      (c) => `In dringenden Fällen wenden Sie sich bitte an ${c}.`,
      (c, e) => `Bei eiligen Anliegen erreichen Sie ${c} unter ${e}.`,
      (_c, e) => `Für dringende Fragen schreiben Sie bitte an ${e}.`,
    ],
    closings: ['Mit freundlichen Grüßen', 'Viele Grüße', 'Beste Grüße', 'Freundliche Grüße'],
  },
  fr: {
    exchangePrefix: 'Réponse automatique :',
    ownSubjects: [() => 'Absence', () => 'Absent du bureau', (b) => `Congés jusqu'au ${b}`],
    greetings: ['Bonjour,', 'Madame, Monsieur,', ''],
    away: [
      (b) =>
        `Merci pour votre message. Je suis absent(e) jusqu'au ${b} inclus, avec un accès limité à mes e-mails.`,
      (_b, d) =>
        `Je suis actuellement en congés et serai de retour le ${d}. Je traiterai votre message dès mon retour.`,
      (b) =>
        `Je suis en déplacement jusqu'au ${b} et ne pourrai pas répondre à votre courriel avant cette date.`,
    ],
    contact: [
      (c) => `En cas d'urgence, vous pouvez contacter ${c} au secrétariat.`,
      (c, e) => `Pour toute demande urgente, merci de vous adresser à ${c} (${e}).`,
      (_c, e) => `Pour les questions urgentes, écrivez à ${e}, l'équipe vous répondra.`,
    ],
    closings: ['Cordialement,', 'Bien cordialement,', 'Bien à vous,', 'Merci et à bientôt,'],
  },
};

/** Exchange/Outlook's own localised prefix for a language. */
export const exchangePrefix = (lang: OooLanguage): string => PHRASES[lang].exchangePrefix;

/** The recipient's language: the domain's country first, else a wide mix. */
export function pickLanguage(fake: Fake, domain: string): OooLanguage {
  const tld = domain.slice(domain.lastIndexOf('.') + 1);
  if ((tld === 'nl' || tld === 'de' || tld === 'fr') && fake.rng.chance(0.8)) return tld;
  return fake.rng.weighted(
    [
      ['en', 40],
      ['nl', 20],
      ['de', 20],
      ['fr', 20],
    ] as const,
    ([, w]) => w,
  )[0];
}

/** Where to write instead: the colleague's own address or a shared role mailbox. */
export function contactAddress(
  fake: Fake,
  first: string,
  last: string,
  domain: string,
  roles: readonly string[],
): string {
  return fake.rng.chance(0.5)
    ? `${first}.${last}@${domain}`
        .normalize('NFKD')
        .toLowerCase()
        .replace(/[^a-z0-9.@-]/g, '')
    : `${fake.rng.pick(roles)}@${domain}`;
}

/**
 * One person's out-of-office text, put together the way people write
 * them: optional greeting, when they are back, who to ask, a signature.
 */
export function writeOutOfOffice(
  fake: Fake,
  lang: OooLanguage,
  back: number,
  name: string,
  domain: string,
): AutoReplyText {
  const p = PHRASES[lang];
  const { rng } = fake;
  const backText = day(back, lang);
  const { first, last } = personName(rng);
  const colleague = `${first} ${last}`;
  const email = contactAddress(fake, first, last, domain, ['info', 'office', 'support', 'sales']);
  const greeting = rng.pick(p.greetings);
  let away = rng.pick(p.away)(backText, day(back, lang, true));
  // German letters go on in lower case after the greeting's comma; without one, capitalise.
  if (!greeting) away = away[0]!.toUpperCase() + away.slice(1);
  const signature = rng.chance(0.3) ? `${name}\n${jobTitle(rng)}` : name.split(' ')[0]!;
  const body = [
    greeting,
    away,
    rng.pick(p.contact)(colleague, email),
    `${rng.pick(p.closings)}\n${signature}`,
  ]
    .filter(Boolean)
    .join('\n\n');
  return {
    lang,
    language: LOCALES[lang],
    subjectPrefix: p.exchangePrefix,
    ...(rng.chance(0.6) ? { ownSubject: rng.pick(p.ownSubjects)(backText) } : {}),
    body: `${body}\n`,
    back,
  };
}
