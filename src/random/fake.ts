import { type Rng, Sfc32 } from './rng.js';

/**
 * What generators draw from: one Rng per event. Names and words come from
 * the tables in words.ts, picked with this same Rng, so one seed governs
 * every draw.
 */
export interface Fake {
  readonly rng: Rng;
}

/** One reusable source; `reseed` points it at event i's stream without allocating. */
export class FakeSource implements Fake {
  private readonly stream = new Sfc32(0);
  get rng(): Rng {
    return this.stream;
  }
  reseed(seed: number): this {
    this.stream.reseed(seed);
    return this;
  }
}
