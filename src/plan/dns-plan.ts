import { createPublicKey } from 'node:crypto';
import { DnsZone, readZoneFile } from '../dns/zone.js';
import { UsageError } from '../model/errors.js';
import { DEFAULT_KEY_ID } from '../sign/keyring.js';
import { defaultKeyDir, ensureDefaultKeyPair, loadPrivateKey } from '../sign/keys.js';
import { keyIdName, wholeNumberIn } from './flag-values.js';

export interface DnsFlags {
  dnsPort?: string;
  dnsZone?: string;
  /** A private key to publish too, at --key-id. */
  key?: string;
  keyId?: string;
}

/** A responder to start: its port on 127.0.0.1 and the records it serves. */
export interface DnsPlan {
  port: number;
  zone: DnsZone;
  /** Where the published keys come from, for the start-up line. */
  sources: string[];
}

/** The default port: 53 needs privileges, and 5353 is free where no mDNS daemon runs. */
export const DEFAULT_DNS_PORT = 5353;

export function dnsPort(text: string | undefined, fallback = DEFAULT_DNS_PORT): number {
  return text === undefined
    ? fallback
    : wholeNumberIn('--dns-port', text, 0, 65535, 'a port 0-65535 (0 = any free port)');
}

/**
 * What the responder publishes: the key folder's selectors (the current
 * one and those in their grace period, re-read as they rotate), `--key` at
 * `--key-id`, and a zone file's records.
 */
export function planDns(flags: DnsFlags, clock: () => number = Date.now): DnsPlan {
  const port = dnsPort(flags.dnsPort);
  ensureDefaultKeyPair();
  const dir = defaultKeyDir();
  const zone = new DnsZone(dir, clock);
  const sources = [`key folder ${dir}`];
  if (flags.keyId !== undefined) keyIdName('--key-id', flags.keyId);
  if (flags.key) {
    zone.publishKey(flags.keyId ?? DEFAULT_KEY_ID, createPublicKey(loadPrivateKey(flags.key)));
    sources.push(`--key ${flags.key}`);
  } else if (flags.keyId !== undefined)
    throw new UsageError('--key-id: names the key of --key; give --key too');
  if (flags.dnsZone) sources.push(`${readZoneFile(flags.dnsZone, zone)} record(s) of ${flags.dnsZone}`);
  return { port, zone, sources };
}
