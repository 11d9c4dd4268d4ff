import { startDnsResponder } from '../dns/responder.js';
import { type DnsFlags, planDns } from '../plan/dns-plan.js';
import { untilStopped } from './interrupt-signals.js';
import { type CliIO, PROCESS_IO } from './io.js';
import { portError } from './listen-command.js';

/** `dns`: serve the signing keys as DKIM TXT records until SIGINT/SIGTERM. */
export async function dnsCommand(flags: DnsFlags, io: CliIO = PROCESS_IO): Promise<number> {
  const plan = planDns(flags);
  const responder = await startDnsResponder({ port: plan.port, lookup: plan.zone.lookup }).catch(
    (e: NodeJS.ErrnoException) => {
      throw portError(e, '--dns-port', plan.port, '127.0.0.1');
    },
  );
  const stopped = untilStopped();
  io.stderr.write(
    `DNS on ${responder.server} (UDP and TCP), keys from ${plan.sources.join(', ')}; Ctrl-C to stop\n`,
  );
  for (const [name, values] of plan.zone.names())
    for (const value of values) io.stdout.write(`${name}. TXT "${value}"\n`);
  await stopped;
  await responder.close();
  return 0;
}
