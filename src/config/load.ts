import { dirname, resolve } from 'node:path';
import { cosmiconfig } from 'cosmiconfig';
import { FORMATS } from '../encode/body.js';
import { DIALECTS } from '../encode/dialect.js';
import { UsageError } from '../model/errors.js';
import { JITTERS } from '../run/retry-policy.js';

/** Keys a config file may set, with the type each must have. */
const SCHEMA: Record<string, 'string' | 'string[]' | 'headers' | 'seed' | 'scalar' | readonly string[]> = {
  url: 'string',
  failureUrl: 'string',
  bounceUrl: 'string',
  format: FORMATS,
  dialect: DIALECTS,
  key: 'string',
  publicKey: 'string',
  copernicaId: 'string',
  keyId: 'string',
  tags: 'string[]',
  headers: 'headers',
  seed: 'seed',
  signedHeaders: ['live', 'documented'],
  digestCase: ['lower', 'upper'],
  // Retries (fire and replay) and delivery disorder (fire): the flags' syntax, checked when used.
  retries: 'scalar',
  retryBase: 'scalar',
  retryMax: 'scalar',
  retryJitter: JITTERS,
  retrySchedule: 'scalar',
  duplicate: 'scalar',
  reorder: 'scalar',
  delay: 'scalar',
};

export type ConfigKey = keyof typeof SCHEMA;
export type ConfigValue = string | string[] | Record<string, string>;

export interface LoadedConfig {
  values: Partial<Record<ConfigKey, ConfigValue>>;
  /** The file they came from, if any. */
  filepath?: string;
}

const PATH_KEYS = new Set(['key', 'publicKey']);

function checkValue(file: string, key: string, value: unknown): ConfigValue {
  const type = SCHEMA[key];
  const bad = (what: string): never => {
    throw new UsageError(`${file}: '${key}' must be ${what}, got ${JSON.stringify(value)}`);
  };
  if (type === 'string') return typeof value === 'string' && value ? value : bad('a non-empty string');
  if (type === 'seed')
    return typeof value === 'string' || typeof value === 'number' ? String(value) : bad('a number or string');
  if (type === 'scalar')
    return (typeof value === 'string' && value) || typeof value === 'number'
      ? String(value)
      : bad('a number or a non-empty string');
  if (type === 'string[]') {
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
      return bad('an array of strings');
    return value as string[];
  }
  if (type === 'headers') {
    if (!value || typeof value !== 'object' || Array.isArray(value))
      return bad('an object of header names to values');
    for (const v of Object.values(value))
      if (typeof v !== 'string') bad('an object of header names to string values');
    return value as Record<string, string>;
  }
  if (Array.isArray(type))
    return typeof value === 'string' && type.includes(value) ? value : bad(`one of ${type.join(', ')}`);
  return bad('known');
}

/**
 * Find and check the config (`smtpeter-sim` in package.json, `.smtpeter-simrc`
 * JSON/YAML, `smtpeter-sim.config.{js,mjs,cjs}`). A malformed file or an
 * unknown key is a UsageError naming the file.
 */
export async function loadConfig(cwd: string, explicitPath?: string): Promise<LoadedConfig> {
  const explorer = cosmiconfig('smtpeter-sim', { stopDir: cwd });
  let result: Awaited<ReturnType<typeof explorer.search>>;
  try {
    result = explicitPath ? await explorer.load(resolve(cwd, explicitPath)) : await explorer.search(cwd);
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { filepath?: string };
    if (e.code === 'ENOENT') throw new UsageError(`--config ${explicitPath}: no such file`);
    const firstLine = (e.message ?? String(err)).split('\n')[0];
    throw new UsageError(`config: ${firstLine}`);
  }
  if (!result || result.isEmpty) return { values: {} };
  const file = result.filepath;
  const raw = result.config as unknown;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new UsageError(`${file}: config must be an object`);
  const values: LoadedConfig['values'] = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!(key in SCHEMA))
      throw new UsageError(`${file}: unknown key '${key}' (known: ${Object.keys(SCHEMA).join(', ')})`);
    let checked = checkValue(file, key, value);
    // Key paths are relative to the config file, not to where the tool runs.
    if (PATH_KEYS.has(key) && typeof checked === 'string') checked = resolve(dirname(file), checked);
    values[key as ConfigKey] = checked;
  }
  return { values, filepath: file };
}

export const CONFIG_KEYS = Object.keys(SCHEMA) as ConfigKey[];
