import type { Command } from 'commander';
import { UsageError } from '../model/errors.js';

/** commander argParsers: how a flag's text is collected before the plan reads it. */

/** commander argParser: an empty value (`--seed ''`) is refused, naming the flag. */
export const nonEmpty =
  (flag: string) =>
  (value: string): string => {
    if (value.trim() === '') throw new UsageError(`${flag}: expected a value, got an empty one`);
    return value;
  };

/** Collect a repeatable flag. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * A flag given one of the command's own flags as its value (`--seed --dry-run`):
 * its value was left out and commander took the next flag as it, which would
 * drop that flag silently (a dry run that sends). Refused, naming both.
 */
export function refuseFlagAsValue(command: Command): void {
  const flags = new Set(command.options.flatMap((o) => [o.long, o.short]).filter((f) => f !== undefined));
  for (const option of command.options) {
    const value: unknown = command.getOptionValue(option.attributeName());
    for (const v of Array.isArray(value) ? value : [value])
      if (typeof v === 'string' && flags.has(v))
        throw new UsageError(
          `${option.long ?? option.short}: expected a value, got the flag '${v}' (was the value left out?)`,
        );
  }
}
