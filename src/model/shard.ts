/** The K-th (0-based) of N disjoint slices of a run (`fire --shard K/N`). */
export interface Shard {
  index: number;
  count: number;
}
