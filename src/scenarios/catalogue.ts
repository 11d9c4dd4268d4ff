import { UsageError } from '../model/errors.js';
import { AUTOREPLY_SCENARIOS } from './autoreply/scenarios.js';
import { DSN_SCENARIOS } from './dsn/scenarios.js';
import { ENGAGEMENT_SCENARIOS } from './engagement/scenarios.js';
import { MODERATION_SCENARIOS } from './moderation/scenarios.js';
import { NONSTANDARD_SCENARIOS } from './nonstandard/scenarios.js';
import { SYNC_SCENARIOS } from './sync/scenarios.js';
import type { Scenario, ScenarioInfo } from './types.js';

/** Every scenario. A new one is a new entry in its section's file. */
export const SCENARIOS: readonly Scenario[] = [
  ...SYNC_SCENARIOS,
  ...DSN_SCENARIOS,
  ...NONSTANDARD_SCENARIOS,
  ...AUTOREPLY_SCENARIOS,
  ...MODERATION_SCENARIOS,
  ...ENGAGEMENT_SCENARIOS,
];

/**
 * What a run that names no kind, scenario or mix draws from: the failure and
 * bounce scenarios, as before the other kinds existed (a seed keeps making
 * the same calls).
 */
export const DEFAULT_SCENARIOS: readonly Scenario[] = SCENARIOS.filter((s) =>
  s.calls.every((t) => t === 'failure' || t === 'bounce'),
);

export function findScenario(name: string): Scenario {
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found) {
    throw new UsageError(
      `--scenario: unknown scenario '${name}' (see 'smtpeter-sim scenarios' for the list)`,
    );
  }
  return found;
}

export function scenarioInfo(s: Scenario): ScenarioInfo {
  const { build: _build, styleWeight: _weight, callsVary: _vary, ...info } = s;
  return info;
}
