import type { KeyObject } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../model/errors.js';
import { publishedKeys } from '../sign/keyring.js';
import { dkimRecord } from '../sign/keys.js';
import type { TxtLookup } from './responder.js';

const lower = (name: string): string => name.toLowerCase().replace(/\.$/, '');

/**
 * Records the responder holds: fixed ones (`--key`, a zone file, a check's
 * attacker) and, when given a key folder, its published selectors, read
 * again whenever its keyring changes (fire --rotate-every, `keys rotate`
 * in another process).
 */
export class DnsZone {
  private readonly fixed = new Map<string, string[]>();
  private keyringStamp = '';
  private keyringRecords = new Map<string, string[]>();

  constructor(
    private readonly keyDir?: string,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Add a TXT value at `name` (several values at one name are several records). */
  add(name: string, value: string): this {
    const key = lower(name);
    this.fixed.set(key, [...(this.fixed.get(key) ?? []), value]);
    return this;
  }

  /** Publish a public key's DKIM record at a keyId. */
  publishKey(keyId: string, publicKey: KeyObject): this {
    return this.add(keyId, dkimRecord(publicKey));
  }

  /** Take a name's records away: it answers NXDOMAIN from now on. */
  remove(name: string): void {
    this.fixed.delete(lower(name));
  }

  readonly lookup: TxtLookup = (name) => {
    const key = lower(name);
    return this.fixed.get(key) ?? this.fromKeyring().get(key);
  };

  /** Every name and its values, for the command's start-up listing. */
  names(): [string, string[]][] {
    return [...new Map([...this.fromKeyring(), ...this.fixed])];
  }

  private fromKeyring(): Map<string, string[]> {
    if (!this.keyDir) return this.keyringRecords;
    const file = join(this.keyDir, 'keyring.json');
    const now = this.clock();
    // Re-read when the ring changed, and at least once a second (grace periods end by the clock).
    const stamp = `${existsSync(file) ? statSync(file).mtimeMs : 0}@${Math.floor(now / 1000)}`;
    if (stamp !== this.keyringStamp) {
      this.keyringStamp = stamp;
      this.keyringRecords = new Map(
        publishedKeys(this.keyDir, now).map((k) => [lower(k.keyId), [dkimRecord(k.publicKey)]]),
      );
    }
    return this.keyringRecords;
  }
}

/** Record types a zone file may name that the responder does not serve: said so, not 'expected TXT'. */
const OTHER_TYPES = new Set(['A', 'AAAA', 'CNAME', 'MX', 'NS', 'SOA', 'SRV', 'PTR', 'CAA', 'SPF', 'DNAME']);

/**
 * A zone file's TXT records, BIND-like, one a line: `name [ttl] [IN] TXT
 * "text" ["more text" ...]` (the strings are joined); `;` starts a comment.
 * A line it cannot read is a UsageError naming the file and line.
 */
export function readZoneFile(path: string, zone: DnsZone, flag = '--dns-zone'): number {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`${flag} ${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let count = 0;
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/^((?:[^";]|"[^"]*")*);.*$/, '$1').trim();
    if (!line) continue;
    const m = /^(\S+)\s+(?:\d+\s+)?(?:IN\s+)?TXT\s+((?:"[^"]*"\s*)+)$/i.exec(line);
    if (!m) {
      const type = /^\S+\s+(?:\d+\s+)?(?:IN\s+)?([A-Za-z]+)/.exec(line)?.[1];
      throw new UsageError(
        type && OTHER_TYPES.has(type.toUpperCase())
          ? `${flag} ${path}:${i + 1}: only TXT records are served, not ${type.toUpperCase()}`
          : `${flag} ${path}:${i + 1}: expected name TXT "text", got '${raw.trim()}'`,
      );
    }
    const value = [...m[2]!.matchAll(/"([^"]*)"/g)].map((s) => s[1]).join('');
    zone.add(m[1]!, value);
    count++;
  }
  return count;
}
