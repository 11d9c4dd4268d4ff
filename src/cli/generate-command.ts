import { writeFileSync } from 'node:fs';
import { fixtureText, type GenerateFlags, planGenerate } from '../plan/generate-plan.js';
import { randomSeed } from '../random/rng.js';

/**
 * Write generated calls as a fixture, every field spelled out, so replaying
 * it sends exactly these calls. One seed, one file, byte for byte.
 */
export function generateCommand(flags: GenerateFlags): number {
  const plan = planGenerate(flags, Date.now, randomSeed);
  const text = fixtureText(plan);
  if (plan.out) writeFileSync(plan.out, text);
  else process.stdout.write(text);
  return 0;
}
