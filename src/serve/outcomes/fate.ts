import type { Rng } from '../../random/rng.js';
import { SCENARIOS } from '../../scenarios/catalogue.js';
import type { OutcomeRules } from './rules.js';

/** The domain whose local parts name their fate. */
export const SIMULATOR_DOMAIN = 'simulator.smtpeter.test';

/** What can happen to a recipient, besides any scenario of the catalogue. */
export const OUTCOMES = [
  'delivered',
  'bounce',
  'softbounce',
  'ooto',
  'complaint',
  'opened',
  'clicked',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const isOutcome = (name: string): name is Outcome => (OUTCOMES as readonly string[]).includes(name);

/** An outcome or a scenario of the catalogue. */
export function isFate(name: string): boolean {
  return isOutcome(name) || SCENARIOS.some((s) => s.name === name);
}

/**
 * The fate a simulator address names (`bounce+order-17@simulator.smtpeter.test`
 * → `bounce`: the +label is ignored so VERP-style matching can be tested),
 * or undefined for any other address or an unknown name.
 */
export function simulatorFate(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  if (at < 0 || address.slice(at + 1).toLowerCase() !== SIMULATOR_DOMAIN) return undefined;
  const local = address.slice(0, at).toLowerCase();
  const plus = local.indexOf('+');
  const name = plus < 0 ? local : local.slice(0, plus);
  return isFate(name) ? name : undefined;
}

/**
 * Why a simulator address is refused: its local part names no fate, so it is
 * a typo (`bouncee@`), which must not pass as a delivery. Undefined for a
 * fate's address and for every address at another domain.
 */
export function unknownFate(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  if (at < 0 || address.slice(at + 1).toLowerCase() !== SIMULATOR_DOMAIN || simulatorFate(address))
    return undefined;
  const name = address.slice(0, at).split('+')[0];
  return `'${name}' at ${SIMULATOR_DOMAIN} names no fate: give ${OUTCOMES.join(', ')} or a scenario of \`smtpeter-sim scenarios\``;
}

/** A recipient's fate: its simulator name, else the first matching rule's weighted draw, else delivered. */
export function fateOf(address: string, rules: OutcomeRules, rng: Rng): string {
  const named = simulatorFate(address);
  if (named) return named;
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  for (const rule of rules) if (rule.matches(address.toLowerCase(), domain)) return rule.table.pick(rng);
  return 'delivered';
}
