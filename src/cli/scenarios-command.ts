import type { CallType } from '../model/events.js';
import { colourFor } from '../report/colour.js';
import { SCENARIOS, scenarioInfo } from '../scenarios/catalogue.js';
import { type CliIO, PROCESS_IO } from './io.js';

/** `scenarios`: the catalogue as a table, or `--json`. */
export function scenariosCommand(flags: { json?: boolean; type?: string }, io: CliIO = PROCESS_IO): number {
  const list = SCENARIOS.filter((s) => !flags.type || s.calls.includes(flags.type as CallType));
  if (flags.json) {
    io.stdout.write(`${JSON.stringify(list.map(scenarioInfo), null, 2)}\n`);
    return 0;
  }
  const c = colourFor(io.stdout);
  const rows = list.map((s) => [
    s.name,
    s.calls.join('+'),
    s.mode,
    s.reason,
    s.states.join(',') || '-',
    s.styles.join(','),
  ]);
  const head = ['NAME', 'CALLS', 'MODE', 'REASON', 'STATES', 'STYLES'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string =>
    r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
  io.stdout.write(`${c.bold(line(head))}\n${rows.map(line).join('\n')}\n`);
  io.stdout.write(`\n${list.length} scenarios. Details: smtpeter-sim scenarios --json\n`);
  return 0;
}
