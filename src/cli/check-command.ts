import { createPublicKey } from 'node:crypto';
import { createCheckContext } from '../check/build.js';
import { checksFor } from '../check/checks.js';
import { runChecks, score } from '../check/run.js';
import type { CheckDns } from '../check/types.js';
import { startDnsResponder } from '../dns/responder.js';
import { DnsZone } from '../dns/zone.js';
import { type CheckFlags, planCheck } from '../plan/check-plan.js';
import { ANSWER_BYTES } from '../plan/fire-plan.js';
import { checkHeader, checkJson, checkLines, checkSummary } from '../report/check-report.js';
import { colourFor } from '../report/colour.js';
import type { SigningConfig } from '../run/request.js';
import { createTransport } from '../transport/create.js';
import { type CliIO, PROCESS_IO } from './io.js';
import { portError } from './listen-command.js';
import { loadSettings } from './settings.js';

/** Exit code: 0 every required check passed, 1 otherwise. UsageErrors propagate (exit 2). */
export async function checkCommand(flags: CheckFlags, io: CliIO = PROCESS_IO): Promise<number> {
  const out = io.stdout;
  const c = colourFor(out);
  const plan = planCheck(flags, await loadSettings(flags, { publicKey: flags.publicKey }));
  const { url, dialect, format, signing, extraHeaders } = plan;
  const info = { url: url.href, dialect, format, copernicaId: signing.copernicaId, keyId: signing.keyId };
  if (!plan.json) {
    if (plan.notice) io.stderr.write(`${plan.notice}\n`);
    out.write(`${checkHeader(info, c)}\n\n`);
  }
  const dns = plan.dnsPort !== undefined ? await checkResponder(plan.dnsPort, signing) : undefined;
  if (!plan.json)
    io.stderr.write(
      dns
        ? `DNS for the keyId checks on ${dns.responder.server} (UDP and TCP, TTL 0): point the receiver's resolver there\n`
        : "keyId checks skipped: give --dns-port and point the receiver's resolver at it\n",
    );
  // A failed check shows the receiver's answer: a handful of requests, so every answer is kept.
  const http = createTransport(plan.transport.kind, {
    connections: 2,
    ...plan.transport,
    keepAnswer: ANSWER_BYTES,
  });
  try {
    const ctx = createCheckContext({
      url,
      signing,
      format,
      dialect,
      ...(Object.keys(extraHeaders).length ? { extraHeaders } : {}),
      ...(dns ? { dns: dns.checkDns } : {}),
    });
    const results = await runChecks(
      checksFor(plan.kinds),
      ctx,
      (req) => http.post(req.url, req.headers, req.body),
      (r) => {
        if (!plan.json) out.write(`${checkLines(r, c)}\n`);
      },
    );
    const s = score(results);
    if (plan.json) out.write(`${JSON.stringify(checkJson(info, s, results), null, 2)}\n`);
    else out.write(`\n${checkSummary(s, c)}\n`);
    return s.ok ? 0 : 1;
  } finally {
    await http.close();
    await dns?.responder.close();
  }
}

/** The run's key published at its keyId; the checks add and withdraw theirs. TTL 0: nothing may be cached. */
async function checkResponder(port: number, signing: SigningConfig) {
  const zone = new DnsZone().publishKey(signing.keyId, createPublicKey(signing.privateKey));
  const responder = await startDnsResponder({ port, lookup: zone.lookup, ttl: 0 }).catch(
    (e: NodeJS.ErrnoException) => {
      throw portError(e, '--dns-port', port, '127.0.0.1');
    },
  );
  const checkDns: CheckDns = {
    publish: (keyId, publicKey) => {
      zone.remove(keyId);
      zone.publishKey(keyId, publicKey);
    },
    withdraw: (keyId) => zone.remove(keyId),
  };
  return { responder, checkDns };
}
