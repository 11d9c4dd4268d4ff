import { availableParallelism } from 'node:os';
import { systemClock } from '../model/time.js';
import { type FireFlags, type FirePlan, planFire, targetOrFail } from '../plan/fire-plan.js';
import { DRY_RUN_URL } from '../plan/send-plan.js';
import { randomSeed } from '../random/rng.js';
import { deliveries } from '../run/disorder.js';
import { buildRequest, renderRequest } from '../run/request.js';
import { type CliIO, PROCESS_IO, writeStreamed } from './io.js';
import { loadFireSettings } from './settings.js';

/** Exit code: 0 all 2xx, 1 otherwise. UsageErrors propagate (exit 2). */
export async function fireCommand(flags: FireFlags, io: CliIO = PROCESS_IO): Promise<number> {
  // Shard processes (metrics merging, the live line) load only with --processes: a dry run's first line is not kept waiting.
  if (flags.processes !== undefined) {
    const { fireProcesses, processCount } = await import('./fire-processes.js');
    const processes = processCount(flags);
    if (processes) return fireProcesses(flags, processes, io);
  }
  const settings = await loadFireSettings(flags);
  const plan = planFire(flags, settings, { cores: availableParallelism(), now: systemClock, randomSeed });
  if (plan.output.dryRun) return printDryRun(plan, io);
  // The send path (undici, the receiver, workers, metrics) loads only for a real run: a dry run starts at once.
  return (await import('./fire-run.js')).runFire(plan, io);
}

/** `--dry-run`: the requests as they would go, nothing sent; written as they are built. */
async function printDryRun(plan: FirePlan, io: CliIO): Promise<number> {
  const { targets } = plan.send;
  // Host is signed: say which one the requests show, as a real run without a URL picks a free port.
  if (plan.embedded)
    io.stderr.write(`no --url: requests shown as sent to ${DRY_RUN_URL} (listen's default port)\n`);
  const shown = plan.embedded ? { url: new URL(DRY_RUN_URL) } : targets;
  const n = Number.isFinite(plan.load.planned) ? plan.load.planned : 1;
  function* rendered(): Generator<string> {
    for (const { item: call } of deliveries(
      plan.source.calls(),
      plan.disorder,
      plan.seed,
      n,
      (c) => c.event.id,
    )) {
      const target = targetOrFail(call.event.type, shown);
      yield `${renderRequest(buildRequest(call, target, plan.request))}\r\n\r\n`;
    }
  }
  await writeStreamed(io.stdout, rendered());
  return 0;
}
