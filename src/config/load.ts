import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { cosmiconfig } from 'cosmiconfig';
import { JsonSyntaxError, parseJsonWithLines } from '../fixture-file/json-positions.js';
import { UsageError } from '../model/errors.js';
import { CONFIG_KEYS, CONFIG_SCHEMA, type ConfigKey } from './schema.js';

export type { ConfigKey } from './schema.js';
export type ConfigValue = string | string[] | Record<string, string>;

export interface LoadedConfig {
  values: Partial<Record<ConfigKey, ConfigValue>>;
  /** The file they came from, if any. */
  filepath?: string;
}

const PATH_KEYS = new Set(['key', 'publicKey']);

/**
 * The schema's validator, made when a config file is found: loading Ajv and
 * compiling took a third of a CPU second, before the first line of every
 * command (`fire --dry-run | head -1`), most of which run with no config file.
 */
let validator: ValidateFunction | undefined;
async function configValidator(): Promise<ValidateFunction> {
  validator ??= new (await import('ajv')).Ajv({ allErrors: true, verbose: true }).compile(CONFIG_SCHEMA);
  return validator;
}

/**
 * A config file's values, checked against its JSON Schema: the first
 * problem (in the file's key order) is one UsageError naming the file and the key.
 */
function checkConfig(file: string, raw: unknown, validateConfig: ValidateFunction): LoadedConfig['values'] {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new UsageError(`${file}: config must be an object`);
  const record = raw as Record<string, unknown>;
  if (!validateConfig(record)) {
    const keys = Object.keys(record);
    const keyOf = (e: ErrorObject): string =>
      e.keyword === 'additionalProperties' && e.instancePath === ''
        ? String(e.params['additionalProperty'])
        : e.instancePath.split('/')[1]!;
    const first = [...(validateConfig.errors ?? [])].sort(
      (a, b) => keys.indexOf(keyOf(a)) - keys.indexOf(keyOf(b)),
    )[0]!;
    throw configError(file, keyOf(first), record[keyOf(first)], first);
  }
  // Seeds and the flags' syntax may be numbers in a file: the settings hold text.
  return Object.fromEntries(
    Object.entries(record).map(([key, value]) => [key, typeof value === 'number' ? String(value) : value]),
  ) as LoadedConfig['values'];
}

function configError(file: string, key: string, value: unknown, e: ErrorObject): UsageError {
  if (!(key in CONFIG_SCHEMA.properties))
    return new UsageError(`${file}: unknown key '${key}' (known: ${CONFIG_KEYS.join(', ')})`);
  // A value's own description (a header's), else its key's.
  const what =
    (e.instancePath.split('/').length > 2
      ? (e.parentSchema as { description?: string }).description
      : undefined) ?? CONFIG_SCHEMA.properties[key as ConfigKey].description;
  return new UsageError(`${file}: '${key}' must be ${what}, got ${JSON.stringify(value)}`);
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
  const values = checkConfig(file, result.config as unknown, await configValidator());
  // Key paths are relative to the config file, not to where the tool runs.
  for (const key of PATH_KEYS) {
    const path = values[key as ConfigKey];
    if (typeof path === 'string') values[key as ConfigKey] = resolve(dirname(file), path);
  }
  return { values, filepath: file };
}
