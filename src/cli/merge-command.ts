import { writeFileSync } from 'node:fs';
import { evaluate } from '../metrics/thresholds.js';
import { fireExitCode } from '../plan/fire-plan.js';
import { type MergeFlags, type MergePlan, planMerge } from '../plan/merge-plan.js';
import { colourFor } from '../report/colour.js';
import { summaryJson, summaryText } from '../report/fire-report.js';
import { type CliIO, PROCESS_IO } from './io.js';

/**
 * `merge report-*.json`: shard reports as one run, judged like one: the
 * thresholds on the merged metrics, fire's exit codes (0, 1; 2 for a file
 * that is not a shard report). A shard of N that is missing fails the merge.
 */
export function mergeCommand(files: string[], flags: MergeFlags, io: CliIO = PROCESS_IO): number {
  return reportMerged(planMerge(files, flags), files.length, `${files.length} report(s) merged`, io);
}

/** The merged report (text or JSON, and --out), then fire's exit code; a missing shard fails it. */
export function reportMerged(plan: MergePlan, reports: number, heading: string, io: CliIO): number {
  const { summary, missing, targetRate, invalidReceived, state } = plan.merged;
  const evaluated = plan.thresholds.length
    ? evaluate(plan.thresholds, summary.metrics, summary.rateWindowMs)
    : undefined;
  const extras = {
    ...(evaluated ? { thresholds: evaluated } : {}),
    ...(targetRate !== undefined ? { targetRate } : {}),
  };
  const doc = { ...summaryJson(summary, undefined, extras), shards: reports, missing };
  if (plan.out) writeFileSync(plan.out, `${JSON.stringify({ ...doc, state }, null, 2)}\n`);
  if (plan.json) io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  else io.stdout.write(`${heading}\n${summaryText(summary, colourFor(io.stdout), extras)}\n`);
  if (missing.length) io.stderr.write(`merge: shards missing: ${missing.join(', ')}\n`);
  const code = fireExitCode({
    failed: summary.metrics.failed,
    dropped: summary.metrics.dropped,
    unsent: summary.unsent,
    interrupted: summary.interrupted,
    invalidReceived,
    ...(evaluated ? { thresholdsHeld: evaluated.every((t) => t.passed) } : {}),
  });
  return missing.length ? Math.max(code, 1) : code;
}
