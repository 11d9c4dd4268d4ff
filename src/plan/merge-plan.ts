import type { Threshold } from '../metrics/thresholds.js';
import { UsageError } from '../model/errors.js';
import { type MergedRun, mergeRunStates, readRunStates, shardProblem } from '../report/run-state.js';
import { threshold } from './fire-plan.js';

export interface MergeFlags {
  json?: boolean;
  out?: string;
  threshold?: string[];
}

export interface MergePlan {
  merged: MergedRun;
  /** --threshold given to merge, else the shards' own. */
  thresholds: Threshold[];
  json: boolean;
  out?: string;
}

/** Shard reports → one run, every file checked (one line naming it, exit 2) before anything is printed. */
export function planMerge(files: readonly string[], flags: MergeFlags): MergePlan {
  const states = readRunStates(files);
  const problem = shardProblem(states, files);
  if (problem) throw new UsageError(problem);
  const merged = mergeRunStates(states);
  const texts = flags.threshold?.length ? flags.threshold : merged.thresholds;
  return {
    merged,
    thresholds: texts.map(threshold),
    json: flags.json ?? false,
    ...(flags.out ? { out: flags.out } : {}),
  };
}
