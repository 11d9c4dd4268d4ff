import type { Scenario } from '../types.js';
import { buildSync } from './build.js';
import { SYNC_SPECS } from './specs.js';

export const SYNC_SCENARIOS: Scenario[] = SYNC_SPECS.map((spec) => {
  // A Map, not a property lookup by style name on each spec's own object: one shape at the call site.
  const wordings = new Map(Object.entries(spec.styles));
  return {
    name: spec.name,
    summary: spec.summary,
    kind: 'sync',
    calls: ['failure'],
    mode: 'sync',
    reason: spec.reason,
    states: [spec.state],
    styles: Object.keys(spec.styles),
    weight: spec.weight,
    action: spec.action,
    build: (input) => buildSync(spec, wordings, input),
  };
});
