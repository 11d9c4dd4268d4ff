import type { MessageOptions } from '../mail/message.js';
import { UsageError } from '../model/errors.js';
import type { CallType, SimCall } from '../model/events.js';
import { FakeSource } from '../random/fake.js';
import { deriveSeed, WeightedTable } from '../random/rng.js';
import { DEFAULT_SCENARIOS, findScenario, SCENARIOS } from '../scenarios/catalogue.js';
import { styleWeight } from '../scenarios/style-weights.js';
import type { Scenario } from '../scenarios/types.js';

export interface GenerateOptions {
  seed: number;
  /** Event time (ms) of the i-th scenario instance. */
  clock: (index: number) => number;
  /** Only calls of this type (a DSN scenario then yields one of its two calls). */
  type?: CallType;
  /** One scenario by name, or weighted names. */
  scenario?: string;
  mix?: ReadonlyArray<{ scenario?: string; type?: CallType; weight: number }>;
  style?: string;
  recipient?: string;
  domain?: string;
  tags?: string[];
  /** Size of an attachment in returned messages (heavy bounces), bytes. */
  attachmentBytes?: number;
}

/** One `mix` entry: its weight, the call type it asks for, its scenarios by weight. */
interface MixEntry {
  weight: number;
  type?: CallType;
  scenarios: WeightedTable<Scenario>;
}

/** Catalogue sections whose scenarios tell one message's story in several calls of several kinds. */
const STORIES = new Set<Scenario['kind']>(['engagement', 'complaint']);

/** The scenario kinds whose bounce returns the original message (where --attachment-size goes). */
const RETURNS_MESSAGE = new Set<Scenario['kind']>(['dsn', 'nonstandard']);

/**
 * --style that none of the scenarios left (by --type, --scenario) is written
 * in: say whether the style exists at all, and the styles that do exist here.
 */
function styleError(style: string, left: Scenario[], options: GenerateOptions): UsageError {
  const styles = [...new Set(left.flatMap((s) => s.styles))].sort();
  if (!SCENARIOS.some((s) => s.styles.includes(style)))
    return new UsageError(
      `--style: no scenario is written in style '${style}' (styles: ${styles.join(', ')})`,
    );
  if (options.scenario)
    return new UsageError(
      `--style: scenario ${options.scenario} is not written in style '${style}' (its styles: ${styles.join(', ')})`,
    );
  return new UsageError(
    `--style: no ${options.type} scenario is written in style '${style}' (${options.type} styles: ${styles.join(', ')})`,
  );
}

/**
 * Turns (seed, clock, options) into calls. Scenario instance i depends only
 * on deriveSeed(seed, i), so any slice of a run can be rebuilt alone.
 */
export class EventGenerator {
  private readonly fake = new FakeSource();
  private readonly candidates: WeightedTable<Scenario>;
  /** `mix`: per entry, its scenarios and the call type it asks for. */
  private readonly mixEntries: MixEntry[] = [];
  private readonly mixTable: WeightedTable<MixEntry> | undefined;
  /** Each scenario's styles by their weights, summed once (weights are fixed). */
  private readonly styleTables = new Map<Scenario, WeightedTable<string>>();
  /** The same for every instance: built once. */
  private readonly messageOptions: MessageOptions;

  constructor(private readonly options: GenerateOptions) {
    // Without a kind, scenario or mix, the failure and bounce scenarios only (as ever).
    let candidates: Scenario[] = options.scenario
      ? [findScenario(options.scenario)]
      : options.type || options.mix?.length
        ? [...SCENARIOS]
        : [...DEFAULT_SCENARIOS];
    if (options.type) {
      const type = options.type;
      candidates = candidates.filter((s) => s.calls.includes(type));
      if (candidates.length === 0 && options.scenario) {
        throw new UsageError(
          `--scenario: '${options.scenario}' produces no ${type} call (it produces ${findScenario(options.scenario!).calls.join(', ')})`,
        );
      }
      if (candidates.length === 0) throw new UsageError(`--type: no scenario makes ${type} calls`);
    }
    if (options.style) {
      const style = options.style;
      const before = candidates;
      candidates = candidates.filter((s) => s.styles.includes(style));
      if (candidates.length === 0) throw styleError(style, before, options);
    }
    if (
      options.attachmentBytes &&
      ((options.type && options.type !== 'bounce') || !candidates.some((s) => RETURNS_MESSAGE.has(s.kind)))
    )
      throw new UsageError(
        `--attachment-size: only bounce calls that return the message (DSNs, non-standard bounces) carry it; ${
          options.type && options.type !== 'bounce'
            ? `--type ${options.type} makes none`
            : options.scenario
              ? `--scenario ${options.scenario} makes none`
              : `style '${options.style}' writes none`
        }`,
      );
    this.candidates = WeightedTable.of(candidates, (s) => s.weight);
    this.messageOptions = {
      ...(options.recipient ? { recipient: options.recipient } : {}),
      ...(options.domain ? { domain: options.domain } : {}),
      ...(options.tags ? { tags: options.tags } : {}),
    };
    if (options.mix?.length) {
      // A type entry covers that type's scenarios not named elsewhere in the mix.
      const named = new Set(options.mix.flatMap((e) => (e.scenario ? [e.scenario] : [])));
      for (const e of options.mix) {
        let scenarios = e.scenario
          ? [findScenario(e.scenario)]
          : candidates.filter((s) => !named.has(s.name) && (!e.type || s.calls.includes(e.type)));
        if (e.type) scenarios = scenarios.filter((s) => s.calls.includes(e.type!));
        if (options.style) scenarios = scenarios.filter((s) => s.styles.includes(options.style!));
        if (scenarios.length === 0)
          throw new UsageError(`--mix: '${e.scenario ?? e.type}' matches no scenario`);
        this.mixEntries.push({
          weight: e.weight,
          ...(e.type ? { type: e.type } : {}),
          scenarios: WeightedTable.of(scenarios, (s) => s.weight),
        });
      }
    }
    this.mixTable = this.mixEntries.length ? WeightedTable.of(this.mixEntries, (e) => e.weight) : undefined;
  }

  /** The calls of scenario instance `index`, filtered by type. */
  instance(index: number): SimCall[] {
    const seed = deriveSeed(this.options.seed, index);
    const fake = this.fake.reseed(seed);
    if (this.mixTable) return this.mixed(this.mixTable, index, fake);
    const scenario = this.candidates.pick(fake.rng);
    const calls = this.build(scenario, index, fake);
    const type = this.options.type;
    return type ? calls.filter((c) => c.event.type === type) : calls;
  }

  /** One scenario instance: the style (the scenario's own weights first), then its calls. */
  private build(scenario: Scenario, index: number, fake: ReturnType<FakeSource['reseed']>): SimCall[] {
    const style = this.options.style ?? this.styleTable(scenario).pick(fake.rng);
    return scenario.build({
      fake,
      now: this.options.clock(index),
      style,
      message: this.messageOptions,
      attachmentBytes: this.options.attachmentBytes ?? 0,
    });
  }

  private styleTable(scenario: Scenario): WeightedTable<string> {
    let table = this.styleTables.get(scenario);
    if (!table) {
      table = WeightedTable.of(scenario.styles, scenario.styleWeight ?? styleWeight);
      this.styleTables.set(scenario, table);
    }
    return table;
  }

  /**
   * With `mix`: one call per instance, of the entry's type (else the bounce,
   * else the only call); a story named by itself gives all its calls.
   */
  private mixed(
    table: WeightedTable<MixEntry>,
    index: number,
    fake: ReturnType<FakeSource['reseed']>,
  ): SimCall[] {
    const entry = table.pick(fake.rng);
    const scenario = entry.scenarios.pick(fake.rng);
    const calls = this.build(scenario, index, fake);
    if (!entry.type && STORIES.has(scenario.kind)) return calls;
    const want = entry.type ?? 'bounce';
    const call = calls.find((c) => c.event.type === want) ?? calls[0];
    return call ? [call] : [];
  }

  /** An endless stream of calls, scenario instance after instance. */
  *calls(): Generator<SimCall> {
    for (let i = 0; ; i++) yield* this.instance(i);
  }

  /** The first `count` calls. */
  take(count: number): SimCall[] {
    const out: SimCall[] = [];
    for (const call of this.calls()) {
      if (out.length >= count) break;
      out.push(call);
    }
    return out;
  }
}

/** Fixed base time for seeded runs, so a seed reproduces every byte. */
export const SEEDED_EPOCH = Date.UTC(2026, 0, 15, 9, 30, 0);

/** Event clock: real time, or a fixed base advancing one second per instance. */
export function eventClock(base: number | 'now', realClock: () => number): (index: number) => number {
  if (base === 'now') return () => realClock();
  return (index) => base + index * 1000;
}
