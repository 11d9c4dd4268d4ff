import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { fixtureStream, type GenerateFlags, planGenerate } from '../plan/generate-plan.js';
import { randomSeed } from '../random/rng.js';
import { type CliIO, PROCESS_IO, writeStreamed } from './io.js';

/**
 * Write generated calls as a fixture, every field spelled out, so replaying
 * it sends exactly these calls. One seed, one file, byte for byte; written as
 * the calls are generated, so the first is out at once for any --count.
 */
export async function generateCommand(flags: GenerateFlags, io: CliIO = PROCESS_IO): Promise<number> {
  const plan = planGenerate(flags, Date.now, randomSeed);
  if (!plan.out) {
    await writeStreamed(io.stdout, fixtureStream(plan));
    return 0;
  }
  const file = createWriteStream(plan.out);
  const complete = await writeStreamed(file, fixtureStream(plan));
  file.end();
  await finished(file);
  if (!complete) throw new Error(`--out ${plan.out}: the file closed before every call was written`);
  return 0;
}
