import type { Command } from 'commander';

/** Flags that exclude each other: refused by commander (`.conflicts()`), in our words. */
interface Exclusive {
  /** The flag, e.g. `--mix`. */
  flag: string;
  /** The flags it cannot go with. */
  others: readonly string[];
  /** The one-line error, given the other flag. */
  says: (other: string) => string;
}

/** `--a --b` (either order) → what to say; filled as commands declare their rules. */
const MESSAGES = new Map<string, string>();

/** Declare `rules` on `cmd`: its options must be added already. */
export function addExclusive(cmd: Command, rules: readonly Exclusive[]): Command {
  const option = (long: string) => {
    const found = cmd.options.find((o) => o.long === long);
    if (!found) throw new Error(`${cmd.name()}: no option ${long}`);
    return found;
  };
  for (const rule of rules) {
    option(rule.flag).conflicts(rule.others.map((o) => option(o).attributeName()));
    for (const other of rule.others) MESSAGES.set(`${rule.flag} ${other}`, rule.says(other));
  }
  return cmd;
}

/** commander's "option '--mix <list>' cannot be used with option '--type <type>'" as our line, if it is one. */
export function exclusiveMessage(commanderMessage: string): string | undefined {
  const flag = "option '(?:-\\w, )?(--[\\w-]+)[^']*'";
  const m = new RegExp(`${flag} cannot be used with ${flag}`).exec(commanderMessage);
  if (!m) return undefined;
  return MESSAGES.get(`${m[1]} ${m[2]}`) ?? MESSAGES.get(`${m[2]} ${m[1]}`);
}

/** A mix draws its own kinds and scenarios: fire and generate alike. */
const MIX_EXCLUSIVE: Exclusive = {
  flag: '--mix',
  others: ['--type', '--scenario'],
  says: () => '--mix: give either --mix or --type/--scenario, not both',
};

/** --dry-run prints requests, not a report: --json would be ignored (fire and replay alike). */
const DRY_RUN_EXCLUSIVE: Exclusive = {
  flag: '--dry-run',
  others: ['--json'],
  says: () => '--json: --dry-run prints the HTTP requests, not a report; give one or the other',
};

/** fire: load models, what to generate, and captured messages, which each exclude some others. */
export const FIRE_EXCLUSIVE: readonly Exclusive[] = [
  { flag: '--stages', others: ['--rate'], says: () => '--stages: give either --rate or --stages, not both' },
  {
    flag: '--stages',
    others: ['--duration'],
    says: () => '--duration: --stages sets the duration; give one or the other',
  },
  {
    flag: '--rate',
    others: ['--concurrency'],
    says: () =>
      '--concurrency: is the closed model (as fast as the receiver allows); with --rate use --max-in-flight',
  },
  {
    flag: '--mime',
    others: ['--scenario', '--style', '--mta', '--mix', '--domain', '--attachment-size'],
    // --mta is --style by another name.
    says: (other) =>
      `--mime: sends the captured messages as they are; ${other === '--mta' ? '--style' : other} does not apply`,
  },
  MIX_EXCLUSIVE,
  DRY_RUN_EXCLUSIVE,
];

/** generate: a mix or one kind/scenario. */
export const GENERATE_EXCLUSIVE: readonly Exclusive[] = [MIX_EXCLUSIVE];

/** replay: one pacing. */
export const REPLAY_EXCLUSIVE: readonly Exclusive[] = [
  {
    flag: '--rate',
    others: ['--realtime', '--speed'],
    says: () => '--rate: give --rate or --realtime/--speed, not both',
  },
  DRY_RUN_EXCLUSIVE,
];
