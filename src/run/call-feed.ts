import type { Delivery } from './disorder.js';

/** The next delivery: now, later (a worker still building), or none (`undefined`). */
export type NextDelivery<C> = () => Delivery<C> | undefined | Promise<Delivery<C> | undefined>;

/** A source of deliveries read one at a time, that remembers when it ran dry. */
export class CallFeed<C> {
  /** The source said it has no more. */
  exhausted = false;

  constructor(private readonly source: NextDelivery<C>) {}

  /** The next call; a promise only when the source has none ready yet. */
  next(): Delivery<C> | undefined | Promise<Delivery<C> | undefined> {
    if (this.exhausted) return undefined;
    const next = this.source();
    return next instanceof Promise ? next.then(this.noMore) : this.noMore(next);
  }

  private readonly noMore = (d: Delivery<C> | undefined): Delivery<C> | undefined => {
    if (d === undefined) this.exhausted = true;
    return d;
  };
}
