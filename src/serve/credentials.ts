import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
  if (existsSync(file)) {
    try {
      const c = JSON.parse(readFileSync(file, 'utf8')) as Partial<Credentials>;
      if (typeof c.token === 'string' && typeof c.smtpUser === 'string' && typeof c.smtpPass === 'string')
        return { token: c.token, smtpUser: c.smtpUser, smtpPass: c.smtpPass, created: false };
    } catch {
      // Unreadable: made anew below.
    }
  }
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
