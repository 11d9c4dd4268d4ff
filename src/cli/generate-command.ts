import { writeFileSync } from 'node:fs';
import { fixtureText, type GenerateFlags, planGenerate } from '../plan/generate-plan.js';
import { randomSeed } from '../random/rng.js';
import { type CliIO, PROCESS_IO } from './io.js';

/**
 * Write generated calls as a fixture, every field spelled out, so replaying
 * it sends exactly these calls. One seed, one file, byte for byte.
 */
export function generateCommand(flags: GenerateFlags, io: CliIO = PROCESS_IO): number {
  const plan = planGenerate(flags, Date.now, randomSeed);
  const text = fixtureText(plan);
  if (plan.out) writeFileSync(plan.out, text);
  else io.stdout.write(text);
  return 0;
}
