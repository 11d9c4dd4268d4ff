import {
  type AbuseEvent,
  type BounceEvent,
  CALL_TYPES,
  type CallType,
  type ClickEvent,
  type DeliveryEvent,
  type FailureEvent,
  type OpenEvent,
  type SimCall,
} from '../model/events.js';

/**
 * The three payload shapes Copernica has used for the same events. A dialect
 * is a mapping applied at encoding time, never a second set of generators.
 */
export const DIALECTS = ['smtpeter', 'smtpeter-feedback-loop', 'marketing-suite'] as const;
export type Dialect = (typeof DIALECTS)[number];

interface DialectInfo {
  name: Dialect;
  label: string;
  /** Wire fields per kind it carries, in documented order; a kind it lacks it cannot carry. */
  fields: Partial<Record<CallType, readonly string[]>>;
  /** Per kind, the fields a call may lack (a failure's code/extended/description, ...). */
  optional: Partial<Record<CallType, readonly string[]>>;
  signedByDefault: boolean;
  /** X-Copernica-ID default when signed. */
  defaultCopernicaId: string;
}

const FAILURE_OPTIONAL = ['code', 'extended', 'description'] as const;

/**
 * The webhook dialect's fields for every kind. Where published versions of
 * a page disagree, the union (README "Wire format"): open's `timestamp` (one
 * version), click's `url` next to `original` and its time fields (an older
 * version lists `url` and no times), abuse's `type` (one version lacks it).
 */
const WEBHOOK_FIELDS: Record<CallType, readonly string[]> = {
  failure: [
    'id',
    'type',
    'timestamp',
    'time',
    'recipient',
    'action',
    'state',
    'code',
    'extended',
    'description',
    'tags',
  ],
  bounce: ['id', 'type', 'timestamp', 'time', 'recipient', 'envelope', 'mime', 'tags'],
  delivery: ['id', 'type', 'timestamp', 'time', 'recipient', 'code', 'extended', 'description', 'tags'],
  open: ['id', 'type', 'timestamp', 'time', 'recipient', 'ip', 'useragent', 'referer', 'tags'],
  click: [
    'id',
    'type',
    'timestamp',
    'time',
    'recipient',
    'ip',
    'original',
    'url',
    'useragent',
    'referer',
    'tags',
  ],
  abuse: ['id', 'type', 'emailfrom', 'mime'],
};

export const DIALECT_INFO: Record<Dialect, DialectInfo> = {
  smtpeter: {
    name: 'smtpeter',
    label: 'SMTPeter webhooks (2017 on)',
    fields: WEBHOOK_FIELDS,
    optional: {
      failure: FAILURE_OPTIONAL,
      delivery: ['extended'],
      open: ['useragent', 'referer'],
      click: ['useragent', 'referer'],
    },
    signedByDefault: true,
    defaultCopernicaId: 'environment-1234',
  },
  // The feedback-loop pages document failure and bounce calls only: the
  // other kinds are refused there rather than sent in a field set no
  // version of those pages describes (README "Dialects").
  'smtpeter-feedback-loop': {
    name: 'smtpeter-feedback-loop',
    label: 'SMTPeter feedback loops (before 2017)',
    fields: {
      failure: ['id', 'recipient', 'state', 'code', 'extended', 'description'],
      bounce: ['id', 'recipient', 'mailfrom', 'rcptto', 'mime'],
    },
    optional: { failure: FAILURE_OPTIONAL },
    signedByDefault: false,
    defaultCopernicaId: 'environment-1234',
  },
  'marketing-suite': {
    name: 'marketing-suite',
    label: 'Copernica Marketing Suite / Publisher feedback loops',
    fields: {
      failure: ['id', 'recipient', 'state', 'code', 'extended', 'description', 'tags'],
      bounce: ['id', 'recipient', 'mailfrom', 'rcptto', 'mime', 'tags'],
    },
    optional: { failure: FAILURE_OPTIONAL },
    signedByDefault: true,
    defaultCopernicaId: 'account-1234',
  },
};

/** The kinds a dialect has a documented field set for. */
export function dialectCarries(dialect: Dialect, type: CallType): boolean {
  return DIALECT_INFO[dialect].fields[type] !== undefined;
}

/**
 * One line for a kind a dialect cannot carry, or undefined when it can.
 * `where` names the flag or file position that asked for it.
 */
export function uncarriedKind(dialect: Dialect, type: CallType, where: string): string | undefined {
  if (dialectCarries(dialect, type)) return undefined;
  const carried = CALL_TYPES.filter((t) => dialectCarries(dialect, t)).join(' and ');
  return `${where}: dialect ${dialect} carries ${carried} calls only, not ${type} (${type} calls exist in --dialect smtpeter)`;
}

/** The wire fields of a kind in a dialect (empty when it cannot carry it). */
export function dialectFields(dialect: Dialect, type: CallType): readonly string[] {
  return DIALECT_INFO[dialect].fields[type] ?? [];
}

/** Whether a wire field of a kind may be absent in a dialect. */
export function isOptionalField(dialect: Dialect, type: CallType, name: string): boolean {
  return DIALECT_INFO[dialect].optional[type]?.includes(name) ?? false;
}

/** One field of a payload: a string, the integer `time`, or the tags array. */
/** A field's value; bytes for a captured message that is not UTF-8 (carried as they are). */
export type FieldValue = string | number | readonly string[] | Uint8Array;
export type Payload = Array<readonly [string, FieldValue]>;

/** Every field either event type has, for reading one by name. */
type EventFields = Partial<
  Omit<FailureEvent, 'type'> &
    Omit<BounceEvent, 'type'> &
    Omit<DeliveryEvent, 'type'> &
    Omit<OpenEvent, 'type'> &
    Omit<ClickEvent, 'type'> &
    Omit<AbuseEvent, 'type'>
>;
type Reader = (call: SimCall) => FieldValue | undefined;
const fields = (call: SimCall): EventFields => call.event;

/**
 * How each wire field is read from a call: named property reads, not
 * `event[name]` (a lookup by a changing key was a tenth of the time it
 * takes to make a failure call).
 */
const READERS: Record<string, Reader> = {
  id: (c) => c.event.id,
  type: (c) => c.event.type,
  timestamp: (c) => c.event.timestamp,
  time: (c) => c.event.time,
  recipient: (c) => c.event.recipient,
  tags: (c) => c.event.tags,
  action: (c) => fields(c).action,
  state: (c) => fields(c).state,
  code: (c) => fields(c).code,
  extended: (c) => fields(c).extended,
  description: (c) => fields(c).description,
  envelope: (c) => fields(c).envelope,
  mime: (c) => fields(c).mimeBytes ?? fields(c).mime,
  rcptto: (c) => fields(c).envelope,
  mailfrom: (c) => c.mailfrom ?? '',
  ip: (c) => fields(c).ip,
  useragent: (c) => fields(c).useragent,
  referer: (c) => fields(c).referer,
  original: (c) => fields(c).original,
  url: (c) => fields(c).url,
  emailfrom: (c) => fields(c).emailfrom,
};

function readers(names: readonly string[]): ReadonlyArray<readonly [string, Reader]> {
  return names.map((name) => {
    const read = READERS[name];
    if (!read) throw new Error(`no reader for wire field '${name}'`);
    return [name, read] as const;
  });
}

/** One dialect's wire fields for one kind: names and readers side by side, read by index. */
interface FieldTable {
  names: readonly string[];
  read: readonly Reader[];
}

function fieldTable(dialect: Dialect, type: CallType): FieldTable | undefined {
  if (!dialectCarries(dialect, type)) return undefined;
  const pairs = readers(dialectFields(dialect, type));
  return { names: pairs.map(([name]) => name), read: pairs.map(([, read]) => read) };
}

/**
 * Per dialect, per kind (in CALL_TYPES order), its field table: a Map by
 * dialect and a switch-free index by kind, not two lookups by changing keys
 * and a destructuring loop (those were two thirds of toPayload's time).
 */
const FIELD_TABLES = new Map<string, ReadonlyMap<string, FieldTable | undefined>>(
  DIALECTS.map((d) => [d, new Map(CALL_TYPES.map((t) => [t, fieldTable(d, t)]))]),
);

/** The last table looked up, and for what: a run encodes call after call of one dialect and mostly one kind. */
let last: { dialect: Dialect; type: CallType; table: FieldTable } | undefined;

function tableOf(call: SimCall, dialect: Dialect): FieldTable {
  const type = call.event.type;
  if (last !== undefined && last.type === type && last.dialect === dialect) return last.table;
  const table = FIELD_TABLES.get(dialect)?.get(type);
  if (table === undefined) throw new Error(uncarriedKind(dialect, type, 'encode'));
  last = { dialect, type, table };
  return table;
}

/**
 * The fields of a call in a dialect without a payload made of them: the
 * wire names in their documented order (the dialect's own array, the same
 * for every call of the kind), each one's value written into `values` at its
 * index (undefined: an absent optional). What the form encoder reads: no
 * `[name, value]` pair per field per call.
 */
export function readFields(
  call: SimCall,
  dialect: Dialect,
  values: Array<FieldValue | undefined>,
): readonly string[] {
  const { names, read } = tableOf(call, dialect);
  for (let i = 0; i < read.length; i++) values[i] = read[i]!(call);
  return names;
}

/** The fields of a call in a dialect, in its documented order; absent optionals omitted. */
export function toPayload(call: SimCall, dialect: Dialect = 'smtpeter'): Payload {
  const { names, read } = tableOf(call, dialect);
  const out: Payload = [];
  for (let i = 0; i < read.length; i++) {
    const value = read[i]!(call);
    if (value !== undefined) out.push([names[i]!, value]);
  }
  return out;
}
