import { faker } from '@faker-js/faker/locale/en';
import { type Rng, WeightedTable } from './rng.js';

/**
 * Names and words from faker's English locale, read once at start-up and
 * picked with our own Rng. Faker's API cost ~100 µs an event (template
 * parsing, helpers.multiple, a randomizer call per draw): most of the
 * generation time. Only the English locale module is loaded (the package's
 * main entry evaluates every locale: ~40 MB of RSS). The distributions follow
 * faker's own, noted per table.
 */
const defs = faker.rawDefinitions;

/** A non-empty list of strings from the locale, or a clear error if faker's layout moved. */
function table(list: unknown, what: string): readonly string[] {
  if (!Array.isArray(list) || list.length === 0 || !list.every((s) => typeof s === 'string'))
    throw new Error(`faker's en locale has no ${what}`);
  return list;
}

/**
 * First names: faker picks a sex, then mostly (~89%) that sex's list, else
 * the gender-neutral one. One pool of all three is the same picture (the
 * neutral names a little rarer, 7%).
 */
const FIRST_NAMES: readonly string[] = [
  ...new Set([
    ...table(defs.person?.first_name?.female, 'female first names'),
    ...table(defs.person?.first_name?.male, 'male first names'),
    ...table(defs.person?.first_name?.generic, 'generic first names'),
  ]),
];
const LAST_NAMES = table(defs.person?.last_name?.generic, 'last names');

/** What is left of a name in an address: ASCII letters and digits, lower case. */
const addressForm = (name: string): string =>
  name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase();
const FIRST_ADDRESS = FIRST_NAMES.map(addressForm);
const LAST_ADDRESS = LAST_NAMES.map(addressForm);
/**
 * A name as words of a domain label: `Smith-Jones` → `smith`, `jones`. An
 * apostrophe joins (`O'Hara` → `ohara`, as in oreilly.com): split there, a
 * company `Bradtke - O'Conner` became the brand "Bradtke O".
 */
const labelWords = (name: string): string[] =>
  name
    .toLowerCase()
    .replace(/['’]/g, '')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
const LAST_LABEL = LAST_NAMES.map(labelWords);
/**
 * Per last name, made once instead of per label drawn: the whole label when
 * the name has two words itself (`smith-jones`), else its word and the dash
 * that companyLabel puts before the second name.
 */
const LAST_PAIR = LAST_LABEL.map((words) => (words.length >= 2 ? `${words[0]}-${words[1]}` : undefined));
const LAST_DASH = LAST_LABEL.map((words) => `${words[0]}-`);
const FIRST_WORD = LAST_LABEL.map((words) => `${words[0]}`);
const LEGAL_FORMS = table(defs.company?.legal_entity_type, 'legal entity types');
/** Legal forms as one label word: `LLC` → `llc`, `and Sons` → `andsons` (not a dangling `and`). */
const LEGAL_LABEL = LEGAL_FORMS.map((form) => [labelWords(form).join('')]);

/**
 * A label word back to what a company writes: `oconner` → `O'Conner`,
 * `llc` → `LLC`, `andsons` → `and Sons`. Capitalising the label word gave
 * "Schulist Llc" and "Green Andsons".
 */
const NAME_OF_WORD = new Map<string, string>(LAST_NAMES.map((name) => [labelWords(name).join(''), name]));
const LEGAL_OF_WORD = new Map<string, string>(
  // Companies write the abbreviation with its full stop.
  LEGAL_FORMS.map((form) => [labelWords(form).join(''), form === 'Inc' ? 'Inc.' : form]),
);

const CATCH_ADJECTIVES = table(defs.company?.adjective, 'catch phrase adjectives');
const CATCH_DESCRIPTORS = table(defs.company?.descriptor, 'catch phrase descriptors');
const CATCH_NOUNS = table(defs.company?.noun, 'catch phrase nouns');
const PRODUCTS = table(defs.commerce?.product_name?.product, 'products');
const PRODUCT_ADJECTIVES = table(defs.commerce?.product_name?.adjective, 'product adjectives');
const PRODUCT_MATERIALS = table(defs.commerce?.product_name?.material, 'product materials');
const DEPARTMENTS = table(defs.commerce?.department, 'commerce departments');
const CITIES = table(defs.location?.city_name, 'city names');
const STREET_SUFFIXES = table(defs.location?.street_suffix, 'street suffixes');
const JOB_DESCRIPTORS = table(defs.person?.job_descriptor, 'job descriptors');
const JOB_AREAS = table(defs.person?.job_area, 'job areas');
const JOB_TYPES = table(defs.person?.job_type, 'job types');

/** A person's name, and its letters as they go into an address. */
export interface PersonName {
  first: string;
  last: string;
  /** `first` reduced to [a-z0-9] (may be empty). */
  firstAddress: string;
  lastAddress: string;
}

/** Faker writes 5% of last names double-barrelled (`Smith-Jones`). */
const DOUBLE_BARRELLED = 0.05;

export function personName(rng: Rng): PersonName {
  const f = Math.floor(rng.next() * FIRST_NAMES.length);
  const l = Math.floor(rng.next() * LAST_NAMES.length);
  if (rng.next() >= DOUBLE_BARRELLED) {
    return {
      first: FIRST_NAMES[f]!,
      last: LAST_NAMES[l]!,
      firstAddress: FIRST_ADDRESS[f]!,
      lastAddress: LAST_ADDRESS[l]!,
    };
  }
  const l2 = Math.floor(rng.next() * LAST_NAMES.length);
  return {
    first: FIRST_NAMES[f]!,
    last: `${LAST_NAMES[l]}-${LAST_NAMES[l2]}`,
    firstAddress: FIRST_ADDRESS[f]!,
    lastAddress: LAST_ADDRESS[l]! + LAST_ADDRESS[l2]!,
  };
}

/** What drawLabel drew: the first name's index, and the second word (none when the first name has two). */
let drawnFirst = 0;
let drawnSecond: string | undefined;

/**
 * The draws of a company label (see companyLabel), kept in drawnFirst and
 * drawnSecond: no object per label, and no label made when only its first
 * word is wanted.
 */
function drawLabel(rng: Rng): void {
  const pattern = Math.floor(rng.next() * 3);
  drawnFirst = Math.floor(rng.next() * LAST_LABEL.length);
  if (LAST_PAIR[drawnFirst] !== undefined) {
    drawnSecond = undefined;
    return;
  }
  // A double-barrelled first name shows its second half next.
  const second =
    pattern === 1 && rng.next() >= DOUBLE_BARRELLED
      ? LEGAL_LABEL[Math.floor(rng.next() * LEGAL_LABEL.length)]!
      : LAST_LABEL[Math.floor(rng.next() * LAST_LABEL.length)]!;
  drawnSecond = `${second[0]}`;
}

/**
 * The first two words of a faker company name (`Smith - Jones`, `Smith LLC`,
 * `Smith, Jones and Brown`, equally likely; 5% of last names double-barrelled),
 * as a domain label: `smith-jones`, `smith-llc`. Only what the label shows is
 * drawn.
 */
export function companyLabel(rng: Rng): string {
  drawLabel(rng);
  return drawnSecond === undefined ? LAST_PAIR[drawnFirst]! : LAST_DASH[drawnFirst]! + drawnSecond;
}

/** companyLabel's first word (the label up to its first dash), from the same draws, without the label. */
export function companyLabelWord(rng: Rng): string {
  drawLabel(rng);
  return FIRST_WORD[drawnFirst]!;
}

/**
 * The company a label from companyLabel names, as it signs its mail:
 * `schulist-llc` → `Schulist LLC`, `green-andsons` → `Green and Sons`,
 * `kiehn-connelly` → `Kiehn & Connelly`. Words that are no name (a domain
 * given from outside: `acme-logistics`) are capitalised and kept apart by a
 * space.
 */
export function companyName(label: string): string {
  const words = label.split('-');
  let previous = NAME_OF_WORD.get(words[0]!);
  let out = previous ?? capitalised(words[0]!);
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    const legal = LEGAL_OF_WORD.get(word);
    const name = NAME_OF_WORD.get(word);
    if (legal !== undefined) out += ` ${legal}`;
    else if (name !== undefined && previous !== undefined) out += ` & ${name}`;
    else out += ` ${name ?? capitalised(word)}`;
    previous = name;
  }
  return out;
}

const capitalised = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/** faker.company.catchPhrase(): `Robust bifurcated framework`. */
export function catchPhrase(rng: Rng): string {
  return `${rng.pick(CATCH_ADJECTIVES)} ${rng.pick(CATCH_DESCRIPTORS)} ${rng.pick(CATCH_NOUNS)}`;
}

/** faker.commerce.productAdjective() and product(): `Rustic`, `Chair`. */
export function productAdjective(rng: Rng): string {
  return rng.pick(PRODUCT_ADJECTIVES);
}
export function product(rng: Rng): string {
  return rng.pick(PRODUCTS);
}

export function productMaterial(rng: Rng): string {
  return rng.pick(PRODUCT_MATERIALS);
}

/** faker.commerce.department(): `Garden`. */
export function department(rng: Rng): string {
  return rng.pick(DEPARTMENTS);
}

/** faker.location.city() as its name list has them: `Albuquerque`. */
export function city(rng: Rng): string {
  return rng.pick(CITIES);
}

/** faker.location.street() for a last name: `Kiehn Avenue`. */
export function street(rng: Rng): string {
  return `${rng.pick(LAST_NAMES)} ${rng.pick(STREET_SUFFIXES)}`;
}

/** faker.person.jobTitle(): `Senior Marketing Liaison`. */
export function jobTitle(rng: Rng): string {
  return `${rng.pick(JOB_DESCRIPTORS)} ${rng.pick(JOB_AREAS)} ${rng.pick(JOB_TYPES)}`;
}

/** Top-level domains of company domains, by rough share among SMTPeter's recipients. */
export const COMPANY_TLDS = new WeightedTable<string>([
  ['com', 60],
  ['net', 10],
  ['org', 8],
  ['nl', 8],
  ['de', 8],
  ['fr', 6],
]);
