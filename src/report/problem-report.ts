import { formatProblem, type Problem } from '../fixture-file/format.js';

/** Problems printed per file; a broken export can have thousands, and the first few say what is wrong. */
const PROBLEMS_SHOWN_PER_FILE = 20;

/**
 * The lines that report bad input (without the `smtpeter-sim: ` prefix). One
 * problem is one line ending "; nothing was sent"; several are one line each,
 * at most `perFile` per file and then how many more that file has, and a
 * last line with the total.
 */
export function problemReport(problems: readonly Problem[], perFile = PROBLEMS_SHOWN_PER_FILE): string[] {
  if (problems.length === 1) return [`${formatProblem(problems[0]!)}; nothing was sent`];
  const byFile = new Map<string, Problem[]>();
  for (const p of problems) byFile.set(p.file, [...(byFile.get(p.file) ?? []), p]);
  const lines: string[] = [];
  for (const [file, list] of byFile) {
    for (const p of list.slice(0, perFile)) lines.push(formatProblem(p));
    const more = list.length - perFile;
    if (more > 0) lines.push(`… and ${more} more problem${more === 1 ? '' : 's'} in ${file}`);
  }
  lines.push(`${problems.length} problems in the input; nothing was sent`);
  return lines;
}
