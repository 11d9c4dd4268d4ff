import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { JsonSyntaxError, parseJsonWithLines } from '../fixture-file/json-positions.js';
import { UsageError } from '../model/errors.js';
import { defaultKeyDir } from '../sign/keys.js';

/** What clients log in with: the REST access token and the SMTP user and password. */
export interface Credentials {
  token: string;
  smtpUser: string;
  smtpPass: string;
}

/** Beside the key folder: `~/.config/smtpeter-sim/serve.json` (or under XDG_CONFIG_HOME). */
export function defaultCredentialsFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(dirname(defaultKeyDir(env)), 'serve.json');
}

/**
 * The credentials kept in `file`, made on first use (mode 0600), as the
 * signing key is: a client configured once keeps working across restarts.
 */
export function keptCredentials(file: string = defaultCredentialsFile()): Credentials & { created: boolean } {
  if (existsSync(file)) return { ...readCredentials(file), created: false };
  const made: Credentials = {
    token: randomBytes(20).toString('hex'),
    smtpUser: `smtpeter-${randomBytes(3).toString('hex')}`,
    smtpPass: randomBytes(12).toString('base64url'),
  };
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(made, null, 2)}\n`, { mode: 0o600 });
  } catch (err) {
    throw new UsageError(
      `${file}: cannot keep the serve credentials (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  return { ...made, created: true };
}

/**
 * The kept credentials, or a UsageError naming the file and what is wrong:
 * a broken file is the user's to mend, not to be replaced (clients configured
 * with what it held would stop working).
 */
function readCredentials(file: string): Credentials {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(
      `${file}: cannot read the serve credentials (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  let kept: unknown;
  try {
    kept = parseJsonWithLines(text).value;
  } catch (err) {
    // jsonc-parser's words and position: JSON.parse's message quotes the file, line breaks and all.
    const where = err instanceof JsonSyntaxError ? `:${err.line}:${err.column}` : '';
    const what = err instanceof JsonSyntaxError ? err.message : 'not JSON';
    throw new UsageError(`${file}${where}: ${what}; mend it, or remove it and serve makes new credentials`);
  }
  if (typeof kept !== 'object' || kept === null || Array.isArray(kept))
    throw new UsageError(`${file}: expected a JSON object with token, smtpUser and smtpPass`);
  const c = kept as Record<string, unknown>;
  for (const field of ['token', 'smtpUser', 'smtpPass'])
    if (typeof c[field] !== 'string' || c[field] === '')
      throw new UsageError(
        `${file}: ${field}: expected a non-empty string, got ${JSON.stringify(c[field] ?? null)}`,
      );
  return {
    token: c['token'] as string,
    smtpUser: c['smtpUser'] as string,
    smtpPass: c['smtpPass'] as string,
  };
}

/** Credentials given in full are used as they are; otherwise the kept ones, with any given part over them. */
export function resolveCredentials(
  given: Partial<Credentials>,
  file?: string,
): { credentials: Credentials; created: boolean } {
  if (given.token && given.smtpUser && given.smtpPass)
    return {
      credentials: { token: given.token, smtpUser: given.smtpUser, smtpPass: given.smtpPass },
      created: false,
    };
  const kept = keptCredentials(file);
  return {
    credentials: {
      token: given.token || kept.token,
      smtpUser: given.smtpUser || kept.smtpUser,
      smtpPass: given.smtpPass || kept.smtpPass,
    },
    created: kept.created,
  };
}
