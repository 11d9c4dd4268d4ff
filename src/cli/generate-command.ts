import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { fixtureStream, type GenerateFlags, planGenerate } from '../plan/generate-plan.js';
import { randomSeed } from '../random/rng.js';
import { wholeFileTarget } from '../report/whole-file.js';
import { onInterrupt } from './interrupt-signals.js';
import { type CliIO, PROCESS_IO, writeStreamed } from './io.js';

/** The chunks until `signal` aborts. */
function* until<T>(chunks: Iterable<T>, signal: AbortSignal): Iterable<T> {
  for (const chunk of chunks) {
    if (signal.aborted) return;
    yield chunk;
  }
}

/**
 * Write generated calls as a fixture, every field spelled out, so replaying
 * it sends exactly these calls. One seed, one file, byte for byte; written as
 * the calls are generated, so the first is out at once for any --count.
 * `--out` is streamed into a file beside it and renamed over it when whole:
 * Ctrl-C (or a full disk) leaves the old file or none, never a fixture cut
 * off mid-call that replay would refuse. A FIFO or a device is written
 * straight into.
 */
export async function generateCommand(flags: GenerateFlags, io: CliIO = PROCESS_IO): Promise<number> {
  const plan = planGenerate(flags, Date.now, randomSeed);
  if (!plan.out) {
    await writeStreamed(io.stdout, fixtureStream(plan));
    return 0;
  }
  // Beside the target and renamed over it when whole (a FIFO or a device: straight into it).
  const whole = wholeFileTarget(plan.out);
  const temporary = whole?.temporary;
  const stop = new AbortController();
  const release = onInterrupt(stop, async () => {});
  try {
    const file = createWriteStream(temporary ?? plan.out);
    const complete = await writeStreamed(file, until(fixtureStream(plan), stop.signal));
    file.end();
    await finished(file);
    if (stop.signal.aborted) {
      if (temporary) rmSync(temporary, { force: true });
      io.stderr.write(
        `smtpeter-sim: interrupted: --out ${plan.out} ${temporary ? 'not written' : 'cut off'}\n`,
      );
      return 1;
    }
    if (!complete) throw new Error(`--out ${plan.out}: the file closed before every call was written`);
    if (whole) renameSync(whole.temporary, whole.target);
    return 0;
  } catch (err) {
    if (temporary) rmSync(temporary, { force: true });
    throw err;
  } finally {
    release();
  }
}
