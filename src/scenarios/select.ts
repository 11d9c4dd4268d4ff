import { UsageError } from '../model/errors.js';
import type { CallType } from '../model/events.js';
import { DEFAULT_SCENARIOS, findScenario, SCENARIOS } from './catalogue.js';
import type { Scenario } from './types.js';

/** What a run asks of the catalogue: --scenario, --type, --style, --mix, --attachment-size. */
export interface ScenarioFilter {
  scenario?: string;
  type?: CallType;
  style?: string;
  mix?: ReadonlyArray<{ scenario?: string; type?: CallType; weight: number }>;
  attachmentBytes?: number;
}

/** One `mix` entry: its weight, the call type it asks for, its scenarios. */
interface MixSelection {
  weight: number;
  type?: CallType;
  scenarios: Scenario[];
}

/** Catalogue sections whose scenarios tell one message's story in several calls of several kinds. */
const STORIES = new Set<Scenario['kind']>(['engagement', 'complaint']);

/** The scenario kinds whose bounce returns the original message (where --attachment-size goes). */
const RETURNS_MESSAGE = new Set<Scenario['kind']>(['dsn', 'nonstandard']);

/**
 * The scenarios a filter leaves (mix aside), read from the catalogue; a
 * UsageError naming the flag when it leaves none.
 */
export function selectScenarios(filter: ScenarioFilter): Scenario[] {
  // Without a kind, scenario or mix, the failure and bounce scenarios only (as ever).
  let candidates: Scenario[] = filter.scenario
    ? [findScenario(filter.scenario)]
    : filter.type || filter.mix?.length
      ? [...SCENARIOS]
      : [...DEFAULT_SCENARIOS];
  if (filter.type) {
    const type = filter.type;
    candidates = candidates.filter((s) => s.calls.includes(type));
    if (candidates.length === 0 && filter.scenario) {
      throw new UsageError(
        `--scenario: '${filter.scenario}' produces no ${type} call (it produces ${findScenario(filter.scenario).calls.join(', ')})`,
      );
    }
    if (candidates.length === 0) throw new UsageError(`--type: no scenario makes ${type} calls`);
  }
  if (filter.style) {
    const style = filter.style;
    const before = candidates;
    candidates = candidates.filter((s) => s.styles.includes(style));
    if (candidates.length === 0) throw styleError(style, before, filter);
  }
  if (
    filter.attachmentBytes &&
    ((filter.type && filter.type !== 'bounce') || !candidates.some((s) => RETURNS_MESSAGE.has(s.kind)))
  )
    throw new UsageError(
      `--attachment-size: only bounce calls that return the message (DSNs, non-standard bounces) carry it; ${
        filter.type && filter.type !== 'bounce'
          ? `--type ${filter.type} makes none`
          : filter.scenario
            ? `--scenario ${filter.scenario} makes none`
            : `style '${filter.style}' writes none`
      }`,
    );
  return candidates;
}

/** `mix` entries with their scenarios; a type entry covers that type's scenarios not named elsewhere in the mix. */
export function selectMix(filter: ScenarioFilter, candidates: readonly Scenario[]): MixSelection[] {
  const named = new Set(filter.mix?.flatMap((e) => (e.scenario ? [e.scenario] : [])));
  return (filter.mix ?? []).map((e) => {
    let scenarios = e.scenario
      ? [findScenario(e.scenario)]
      : candidates.filter((s) => !named.has(s.name) && (!e.type || s.calls.includes(e.type)));
    if (e.type) scenarios = scenarios.filter((s) => s.calls.includes(e.type!));
    if (filter.style) scenarios = scenarios.filter((s) => s.styles.includes(filter.style!));
    if (scenarios.length === 0) throw new UsageError(`--mix: '${e.scenario ?? e.type}' matches no scenario`);
    return { weight: e.weight, ...(e.type ? { type: e.type } : {}), scenarios };
  });
}

/** A story named in a mix by itself (no type) gives all its calls, not one. */
export function tellsWholeStory(entry: { type?: CallType }, scenario: Pick<Scenario, 'kind'>): boolean {
  return !entry.type && STORIES.has(scenario.kind);
}

/** The call a mix entry yields from a scenario instance: of the entry's type, else the bounce, else the only one. */
export function mixCallType(entry: { type?: CallType }, scenario: Pick<Scenario, 'calls'>): CallType {
  const want = entry.type ?? 'bounce';
  return scenario.calls.includes(want) ? want : scenario.calls[0]!;
}

/** Every call type a run with this filter can produce, from the catalogue (no call is built). */
export function callTypesOf(filter: ScenarioFilter): CallType[] {
  const candidates = selectScenarios(filter);
  const types = filter.mix?.length
    ? selectMix(filter, candidates).flatMap((e) =>
        e.scenarios.flatMap((s) => (tellsWholeStory(e, s) ? s.calls : [mixCallType(e, s)])),
      )
    : candidates.flatMap((s) => s.calls.filter((t) => !filter.type || t === filter.type));
  return [...new Set(types)];
}

/**
 * --style that none of the scenarios left (by --type, --scenario) is written
 * in: say whether the style exists at all, and the styles that do exist here.
 */
function styleError(style: string, left: Scenario[], filter: ScenarioFilter): UsageError {
  const styles = [...new Set(left.flatMap((s) => s.styles))].sort();
  if (!SCENARIOS.some((s) => s.styles.includes(style)))
    return new UsageError(
      `--style: no scenario is written in style '${style}' (styles: ${styles.join(', ')})`,
    );
  if (filter.scenario)
    return new UsageError(
      `--style: scenario ${filter.scenario} is not written in style '${style}' (its styles: ${styles.join(', ')})`,
    );
  return new UsageError(
    `--style: no ${filter.type} scenario is written in style '${style}' (${filter.type} styles: ${styles.join(', ')})`,
  );
}
