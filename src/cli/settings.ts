import { loadConfig } from '../config/load.js';
import type { Settings } from '../config/settings.js';
import type { FireFlags } from '../plan/fire-plan.js';
import { type ExtraSettings, type SendFlags, settingsFrom } from '../plan/send-plan.js';

/** The config file found from the current folder (or `--config`), with the flags over it. */
export async function loadSettings(flags: SendFlags, extra: ExtraSettings = {}): Promise<Settings> {
  return settingsFrom(flags, await loadConfig(process.cwd(), flags.config), extra);
}

/** fire's settings: the send flags and the settings only fire has (tags, seed, disorder). */
export function loadFireSettings(flags: FireFlags): Promise<Settings> {
  return loadSettings(flags, {
    tags: flags.tag,
    seed: flags.seed,
    duplicate: flags.duplicate,
    reorder: flags.reorder,
    delay: flags.delay,
  });
}
