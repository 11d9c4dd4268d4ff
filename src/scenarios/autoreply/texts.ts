import type { Fake } from '../../random/fake.js';
import type { AutoReplyText } from './types.js';

const date = (ms: number, locale: string): string =>
  new Date(ms).toLocaleDateString(locale, {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });

/** Out-of-office texts per language; people write them, so vary them. */
export const OOO_LANGUAGES: Record<string, (fake: Fake, back: number, name: string) => AutoReplyText> = {
  en: (fake, back, name) => ({
    language: 'en-US',
    subjectPrefix: 'Automatic reply:',
    body:
      `Thank you for your email. I am out of the office until ${date(back, 'en-US')} with limited access to email.\n\n` +
      `For urgent matters, please contact ${fake.faker.person.firstName()} ${fake.faker.person.lastName()} at our main office.\n\n` +
      `Best regards,\n${name}\n`,
  }),
};
