import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cosmiconfig } from 'cosmiconfig';
import { FORMATS } from '../encode/body.js';
import { DIALECTS } from '../encode/dialect.js';
import { JsonSyntaxError, parseJsonWithLines } from '../fixture-file/json-positions.js';
import { UsageError } from '../model/errors.js';
import { JITTERS } from '../run/retry-policy.js';

/** Keys a config file may set, with the type each must have. */
const SCHEMA: Record<string, 'string' | 'string[]' | 'headers' | 'seed' | 'scalar' | readonly string[]> = {
  url: 'string',
  failureUrl: 'string',
  bounceUrl: 'string',
  deliveryUrl: 'string',
  openUrl: 'string',
  clickUrl: 'string',
  abuseUrl: 'string',
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
    return (typeof value === 'string' && value.trim()) || typeof value === 'number'
      ? String(value)
      : bad('a number or a non-empty string');
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

type LoadFailure = Error & { code?: string; reason?: string; mark?: { position: number; buffer?: string } };

/**
 * 1-based line and column of `position` in `text`. js-yaml puts an error at
 * the end of the stream past a newline it adds itself (line 2 of a one-line
 * file): such a position is the end of the last line instead.
 */
function lineColumn(text: string, position: number): { line: number; column: number } {
  const end = text.trimEnd().length;
  const p = Math.min(position, end);
  const before = text.slice(0, p);
  return { line: before.split('\n').length, column: p - before.lastIndexOf('\n') };
}

/**
 * Why a config file did not load, on one line: the file, the line (and
 * column) where the parser knows it, and the parser's reason, never its code
 * frame (cosmiconfig's messages start with a bare `YAML Error in FILE:` line).
 */
async function loadError(e: LoadFailure, file: string): Promise<UsageError> {
  // YAML (js-yaml): the reason and a 0-based mark.
  if (e.reason && e.mark) {
    const at = lineColumn(e.mark.buffer ?? readFileSync(file, 'utf8'), e.mark.position);
    return new UsageError(`${file}:${at.line}: not YAML: ${e.reason} (column ${at.column})`);
  }
  // JSON (parse-json): its message is a code frame; the fixtures' parser says where and why in words.
  if (e.name === 'JSONError') {
    try {
      parseJsonWithLines(readFileSync(file, 'utf8'));
    } catch (j) {
      if (j instanceof JsonSyntaxError)
        return new UsageError(`${file}:${j.line}: not JSON: ${j.message} (column ${j.column})`);
    }
  }
  // JS: what loading threw. On Node 20 cosmiconfig's require() fallback can hide an
  // ES module's own error behind an internal one; importing the file again shows it.
  let cause: Error = e;
  if (e.code === 'ERR_INTERNAL_ASSERTION' && /\.[cm]?js$/.test(file))
    cause = await import(`${pathToFileURL(file).href}?reason`).then(
      () => e,
      (x: Error) => x,
    );
  // The file's line, where the stack has it (`FILE:LINE` atop a CommonJS syntax error, `(FILE:LINE:COL)` in a frame).
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const line = new RegExp(`${escaped}:(\\d+)`).exec(cause.stack ?? '')?.[1];
  const reason = (cause.message ?? String(cause))
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l && !/^(YAML|JSON) Error in /.test(l) && !/^(>?\s*\d+\s*\||\|)/.test(l));
  return new UsageError(
    `${file}${line ? `:${line}` : ''}: cannot load: ${cause.name === 'SyntaxError' ? 'syntax error: ' : ''}${reason ?? cause.name}`,
  );
}

/**
 * Find and check the config (`smtpeter-sim` in package.json, `.smtpeter-simrc`
 * JSON/YAML, `smtpeter-sim.config.{js,mjs,cjs}`). A malformed file or an
 * unknown key is a UsageError naming the file.
 */
export async function loadConfig(cwd: string, explicitPath?: string): Promise<LoadedConfig> {
  let result: Awaited<ReturnType<ReturnType<typeof cosmiconfig>['search']>>;
  try {
    // Making the explorer already reads package.json (for a meta config): inside the try.
    const explorer = cosmiconfig('smtpeter-sim', { stopDir: cwd });
    result = explicitPath ? await explorer.load(resolve(cwd, explicitPath)) : await explorer.search(cwd);
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { filepath?: string };
    if (e.code === 'ENOENT') throw new UsageError(`--config ${explicitPath}: no such file`);
    throw await loadError(e, e.filepath ?? (explicitPath ? resolve(cwd, explicitPath) : 'config'));
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
