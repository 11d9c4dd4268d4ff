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
