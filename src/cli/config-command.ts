import { loadConfig } from '../config/load.js';
import { CONFIG_KEYS } from '../config/schema.js';
import { Settings } from '../config/settings.js';
import { type CliIO, PROCESS_IO } from './io.js';

const DEFAULTS: Record<string, string> = {
  format: 'form',
  dialect: 'smtpeter',
  copernicaId: 'environment-1234 (account-1234 for marketing-suite)',
  keyId: 'smtpeter-sim._domainkey.copernica.com',
  signedHeaders: 'live',
  digestCase: 'lower',
  key: '(generated: smtpeter-sim keys show)',
  url: '(embedded receiver)',
  retries: '0',
  retryBase: '500ms',
  retryMax: '30s (none with retrySchedule)',
  retryJitter: 'full',
};

/** `config`: effective values and where each came from. */
export async function configCommand(
  flags: { config?: string; json?: boolean },
  io: CliIO = PROCESS_IO,
): Promise<number> {
  const loaded = await loadConfig(process.cwd(), flags.config);
  const settings = new Settings({}, loaded);
  const rows = CONFIG_KEYS.map((key) => {
    const s = settings.get(key, DEFAULTS[key]);
    return { key, value: s?.value ?? null, source: s?.source ?? 'unset' };
  });
  if (flags.json) {
    io.stdout.write(`${JSON.stringify({ file: loaded.filepath ?? null, settings: rows }, null, 2)}\n`);
    return 0;
  }
  io.stdout.write(`config file: ${loaded.filepath ?? '(none found)'}\n`);
  for (const r of rows) {
    const value = r.value === null ? '-' : typeof r.value === 'string' ? r.value : JSON.stringify(r.value);
    io.stdout.write(`${r.key.padEnd(14)} ${value.padEnd(48)} ${r.source}\n`);
  }
  return 0;
}
