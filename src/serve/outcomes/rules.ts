import { readFileSync } from 'node:fs';
import { JsonSyntaxError, parseJsonWithLines } from '../../fixture-file/json-positions.js';
import { UsageError } from '../../model/errors.js';
import { WeightedTable } from '../../random/rng.js';
import { isFate } from './fate.js';

/** One rule of an outcomes file: which recipients, and their fates by weight. */
export interface OutcomeRule {
  /** What the file said, for messages. */
  label: string;
  matches(address: string, domain: string): boolean;
  table: WeightedTable<string>;
}
export type OutcomeRules = readonly OutcomeRule[];

/**
 * An outcomes file (JSON): `{"rules": [{"domain": "example.com" | "pattern": "*@test.*",
 * "outcomes": {"bounce": 2, "softbounce": 5, "ooto": 1, "opened": 20, "clicked": 3, "delivered": 69}}]}`.
 * The first rule that matches a recipient decides; weights need not sum to 100,
 * and what a rule's weights leave of 100 is `delivered`.
 */
export function parseOutcomes(text: string, file: string): OutcomeRules {
  let parsed: ReturnType<typeof parseJsonWithLines>;
  try {
    parsed = parseJsonWithLines(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError)
      throw new UsageError(`--outcomes ${file}:${err.line}: not JSON: ${err.message} (column ${err.column})`);
    throw err;
  }
  const rules = (parsed.value as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rules)) throw new UsageError(`--outcomes ${file}: expected {"rules": [...]}`);
  // Each message names the file, the line of the rule's value, and the field.
  return rules.map((raw, i) => {
    const line = parsed.lines.get(`$.rules[${i}]`);
    return parseRule(raw, `--outcomes ${file}${line ? `:${line}` : ''}: rules[${i}]`);
  });
}

export function loadOutcomes(file: string): OutcomeRules {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(
      `--outcomes ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  return parseOutcomes(text, file);
}

function parseRule(raw: unknown, where: string): OutcomeRule {
  if (typeof raw !== 'object' || raw === null) throw new UsageError(`${where}: expected an object`);
  const { domain, pattern, outcomes } = raw as Record<string, unknown>;
  if ((domain === undefined) === (pattern === undefined))
    throw new UsageError(`${where}: give either "domain" or "pattern"`);
  if (typeof outcomes !== 'object' || outcomes === null || Array.isArray(outcomes))
    throw new UsageError(`${where}.outcomes: expected an object of fate → weight`);
  const entries: [string, number][] = [];
  let total = 0;
  for (const [fate, weight] of Object.entries(outcomes)) {
    if (!isFate(fate)) throw new UsageError(`${where}.outcomes.${fate}: not an outcome or a scenario name`);
    if (typeof weight !== 'number' || !(weight >= 0))
      throw new UsageError(`${where}.outcomes.${fate}: expected a weight of 0 or more`);
    entries.push([fate, weight]);
    total += weight;
  }
  if (total < 100 && !('delivered' in outcomes)) entries.push(['delivered', 100 - total]);
  if (!entries.some(([, w]) => w > 0)) throw new UsageError(`${where}.outcomes: every weight is 0`);
  const table = new WeightedTable(entries);
  if (typeof domain === 'string') {
    const d = domain.toLowerCase();
    return { label: `domain ${d}`, matches: (_a, dom) => dom === d, table };
  }
  if (typeof pattern !== 'string' || pattern === '')
    throw new UsageError(`${where}.pattern: expected a glob such as *@example.*`);
  const re = globRegExp(pattern.toLowerCase());
  return { label: `pattern ${pattern}`, matches: (a) => re.test(a), table };
}

/** `*` any run of characters, `?` one; the rest literal. */
function globRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}
