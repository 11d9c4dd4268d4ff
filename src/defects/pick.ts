import { createRng, deriveSeed } from '../random/rng.js';
import { applyDefects } from './apply.js';
import { DEFECT_KINDS, DEFECTS, type DefectKind } from './kinds.js';

/**
 * `--defects P`: a percentage (`5%`, `100%`) or a fraction (`0.05`, `1`) of
 * bounces; undefined when the text is neither or lies outside 0..100%.
 */
export function parseDefectShare(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?|\.\d+)(%?)$/.exec(text.trim());
  if (!m) return undefined;
  const share = Number(m[1]) / (m[2] ? 100 : 1);
  return share >= 0 && share <= 1 ? share : undefined;
}

/** Apart from the scenario's own draws, so a run with defects keeps every other byte of its bounces. */
const DEFECT_STREAM = 0xdefec7;

const WEIGHT = new Map(DEFECTS.map((d) => [d.kind, d.weight]));

/** A bounce's message with its defects, and the message before them. */
export interface DefectiveMessage {
  kinds: DefectKind[];
  mime: string;
}

/**
 * The defects of one bounce: a pure function of the run seed, the scenario
 * instance and the call's place in it. With probability `share` the message
 * gets one kind, drawn by the reference set's weights among the kinds it
 * has something for; otherwise (or when none applies) none.
 */
export function pickDefects(
  mime: string,
  share: number,
  seed: number,
  instance: number,
  position: number,
): DefectiveMessage | undefined {
  const rng = createRng(deriveSeed(deriveSeed(seed, instance) ^ DEFECT_STREAM, position));
  if (!(rng.next() < share)) return undefined;
  // Weighted draws, each kind the message has nothing for set aside: the same odds as one
  // draw among the kinds that apply, at one edit in most cases instead of all of them.
  let pool: readonly DefectKind[] = DEFECT_KINDS;
  while (pool.length) {
    const kind = rng.weighted(pool, (k) => WEIGHT.get(k)!);
    const applied = applyDefects(mime, [kind]);
    if (applied.ok) return { kinds: [kind], mime: applied.mime };
    pool = pool.filter((k) => k !== kind);
  }
  return undefined;
}
