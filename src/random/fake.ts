import { base, en, Faker, type Randomizer } from '@faker-js/faker';
import { createRng, type Rng } from './rng.js';

/**
 * Faker driven by our own Rng, so one seed governs both faker's draws and
 * ours, and re-seeding per event is cheap (no Mersenne Twister set-up).
 */
function rngRandomizer(): Randomizer & { rng: Rng } {
  // Faker calls next() detached from its object, so no `this` here.
  const state = {
    rng: createRng(0),
    next: (): number => state.rng.next(),
    seed: (seed: number | number[]): void => {
      state.rng = createRng(Array.isArray(seed) ? (seed[0] ?? 0) : seed);
    },
  };
  return state;
}

export interface Fake {
  readonly rng: Rng;
  readonly faker: Faker;
}

/** One reusable faker; `reseed` points it at event i's stream. */
export class FakeSource implements Fake {
  private readonly randomizer = rngRandomizer();
  readonly faker = new Faker({ locale: [en, base], randomizer: this.randomizer });
  get rng(): Rng {
    return this.randomizer.rng;
  }
  reseed(seed: number): this {
    this.randomizer.seed(seed);
    return this;
  }
}
