import { withDrawnDefects } from '../defects/call.js';
import type { Audience } from '../mail/audience.js';
import type { MessageOptions } from '../mail/message.js';
import type { CallType, SimCall } from '../model/events.js';
import type { Shard } from '../model/shard.js';
import { FakeSource } from '../random/fake.js';
import { deriveSeed, WeightedTable } from '../random/rng.js';
import { mixCallType, selectMix, selectScenarios, tellsWholeStory } from '../scenarios/select.js';
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
  /** Whose list the recipients are on (mail/audience.ts). */
  audience?: Audience;
  tags?: string[];
  /** Share of bounces (0..1) given one real-world defect (defects/kinds.ts); absent: none, no draw. */
  defects?: number;
  /** Size of an attachment in returned messages (heavy bounces), bytes. */
  attachmentBytes?: number;
  /**
   * Only scenario instances `index`, `index + count`, ... of the whole run
   * (`fire --shard`): this generator's instance m is the run's instance
   * `index + m * count`, with that instance's seed and event time.
   */
  shard?: Shard;
}

/** One `mix` entry: its weight, the call type it asks for, its scenarios by weight. */
interface MixEntry {
  weight: number;
  type?: CallType;
  scenarios: WeightedTable<Scenario>;
  /** The same scenarios as a list (what a shard counts over). */
  list: readonly Scenario[];
}

/**
 * Turns (seed, clock, options) into calls. Scenario instance i depends only
 * on deriveSeed(seed, i), so any slice of a run can be rebuilt alone.
 */
export class EventGenerator {
  private readonly fake = new FakeSource();
  private readonly candidates: WeightedTable<Scenario>;
  private readonly candidateList: readonly Scenario[];
  /** `mix`: per entry, its scenarios and the call type it asks for. */
  private readonly mixEntries: MixEntry[] = [];
  private readonly mixTable: WeightedTable<MixEntry> | undefined;
  /** Each scenario's styles by their weights, summed once (weights are fixed). */
  private readonly styleTables = new Map<Scenario, WeightedTable<string>>();
  /** The same for every instance: built once. */
  private readonly messageOptions: MessageOptions;

  constructor(private readonly options: GenerateOptions) {
    const candidates = selectScenarios(options);
    this.candidates = WeightedTable.of(candidates, (s) => s.weight);
    this.candidateList = candidates;
    this.messageOptions = {
      ...(options.recipient ? { recipient: options.recipient } : {}),
      ...(options.domain ? { domain: options.domain } : {}),
      ...(options.audience ? { audience: options.audience } : {}),
      ...(options.tags ? { tags: options.tags } : {}),
    };
    for (const e of selectMix(options, candidates))
      this.mixEntries.push({
        ...e,
        scenarios: WeightedTable.of(e.scenarios, (s) => s.weight),
        list: e.scenarios,
      });
    this.mixTable = this.mixEntries.length ? WeightedTable.of(this.mixEntries, (e) => e.weight) : undefined;
  }

  /** The calls of scenario instance `index` (of this shard), filtered by type. */
  instance(index: number): SimCall[] {
    return this.runInstance(this.runIndex(index));
  }

  /** This shard's instance `index` as the whole run's instance number. */
  private runIndex(index: number): number {
    const shard = this.options.shard;
    return shard ? shard.index + index * shard.count : index;
  }

  /** Every instance gives one call, whatever it picks: calls and instances count alike. */
  get oneCallPerInstance(): boolean {
    if (this.mixTable)
      return this.mixEntries.every((e) => e.list.every((s) => mixTake(e, s, s.calls, ofType).length === 1));
    const type = this.options.type;
    return this.candidateList.every(
      (s) => !variesInCalls(s) && (type ? s.calls.filter((t) => t === type) : s.calls).length === 1,
    );
  }

  /**
   * How many calls the whole run's instance `index` gives, without building
   * it: the scenario it picks (one draw) and the calls that scenario makes.
   */
  callsOfRunInstance(index: number): number {
    const fake = this.fake.reseed(deriveSeed(this.options.seed, index));
    if (this.mixTable) {
      // The same draws as `mixed`, in the same order; the scenario's call types stand in for its calls.
      const entry = this.mixTable.pick(fake.rng);
      const picked = entry.scenarios.pick(fake.rng);
      if (tellsWholeStory(entry, picked) && variesInCalls(picked)) return this.runInstance(index).length;
      return mixTake(entry, picked, picked.calls, ofType).length;
    }
    const scenario = this.candidates.pick(fake.rng);
    if (variesInCalls(scenario)) return this.runInstance(index).length;
    const type = this.options.type;
    return type ? scenario.calls.filter((t) => t === type).length : scenario.calls.length;
  }

  /** The whole run's instance `index`. */
  private runInstance(index: number): SimCall[] {
    const calls = this.cleanInstance(index);
    return this.options.defects === undefined
      ? calls
      : withDrawnDefects(calls, this.options.defects, this.options.seed, index);
  }

  private cleanInstance(index: number): SimCall[] {
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
      const audience = this.options.audience ?? 'global';
      const weigh = scenario.styleWeight;
      table = WeightedTable.of(scenario.styles, (s) =>
        weigh ? weigh(s, audience) : styleWeight(s, audience),
      );
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
    // A lone call is the one mixTake keeps, whatever its type: no search, no copy.
    return calls.length === 1 ? calls : mixTake(entry, scenario, calls, (c) => c.event.type);
  }

  /** An endless stream of calls, scenario instance after instance. */
  *calls(): Generator<SimCall> {
    // An index loop, not `yield*`: no array iterator per instance.
    for (let i = 0; ; i++) {
      const calls = this.instance(i);
      for (let c = 0; c < calls.length; c++) yield calls[c]!;
    }
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

const ofType = (t: CallType): CallType => t;

/**
 * What a mix entry keeps of a scenario instance's calls: the one of the
 * entry's type (else the bounce, else the first). Generic, so that a shard
 * counts an instance's calls from the scenario's call types with the same
 * rule that picks them from the built calls.
 */
function mixTake<T>(
  entry: { type?: CallType },
  scenario: Scenario,
  calls: readonly T[],
  typeOf: (call: T) => CallType,
): T[] {
  // A story named alone in a mix is told whole; otherwise one call of the instance.
  if (tellsWholeStory(entry, scenario)) return [...calls];
  const want = mixCallType(entry, scenario);
  const call = calls.find((c) => typeOf(c) === want) ?? calls[0];
  return call === undefined ? [] : [call];
}

/**
 * A story's instances make a varying number of calls (two to four opens, one
 * or two clicks), as do reports naming several recipients and delays
 * followed by their final bounce: counting them means building them.
 */
const variesInCalls = (scenario: Scenario): boolean => scenario.kind === 'engagement' || !!scenario.callsVary;

/** Fixed base time for seeded runs, so a seed reproduces every byte. */
export const SEEDED_EPOCH = Date.UTC(2026, 0, 15, 9, 30, 0);

/** Event clock: real time, or a fixed base advancing one second per instance. */
export function eventClock(base: number | 'now', realClock: () => number): (index: number) => number {
  if (base === 'now') return () => realClock();
  return (index) => base + index * 1000;
}
