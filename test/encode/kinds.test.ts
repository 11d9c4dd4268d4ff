import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeCall } from '../../src/encode/body.js';
import { DIALECTS, dialectCarries, toPayload, uncarriedKind } from '../../src/encode/dialect.js';
import { EventGenerator, SEEDED_EPOCH } from '../../src/generate/events.js';
import { CALL_TYPES, type CallType, ENGAGEMENT_TYPES, type SimCall } from '../../src/model/events.js';
import { formFields } from '../helpers/capture-server.js';
import { LATER_KIND_FIELDS } from '../helpers/wire-fields.js';

/** The expected wire fields and which of them may be absent. */
const EXPECTED = Object.fromEntries(
  Object.entries(LATER_KIND_FIELDS).map(([kind, list]) => [
    kind,
    {
      fields: list.map((f) => f.replace('?', '')),
      optional: list.filter((f) => f.endsWith('?')).map((f) => f.replace('?', '')),
    },
  ]),
) as Record<(typeof ENGAGEMENT_TYPES)[number], { fields: string[]; optional: string[] }>;

function calls(type: CallType, n: number): SimCall[] {
  return new EventGenerator({ seed: 5, clock: (i) => SEEDED_EPOCH + i * 1000, type }).take(n);
}

describe('the later kinds on the wire (smtpeter dialect)', () => {
  for (const kind of ENGAGEMENT_TYPES) {
    test(`${kind}: exactly its fields, in order, form and JSON`, () => {
      const { fields, optional } = EXPECTED[kind];
      const seenOptional = new Set<string>();
      for (const call of calls(kind, 60)) {
        assert.equal(call.event.type, kind);
        const form = encodeCall(call, 'form');
        assert.equal(form.contentType, 'application/x-www-form-urlencoded');
        const keys = [...formFields(form.body).keys()];
        const present = fields.filter((f) => keys.includes(f));
        assert.deepEqual(keys, present, 'form keys in wire order, nothing else');
        for (const f of fields) if (!keys.includes(f)) assert.ok(optional.includes(f), `${kind} lacks ${f}`);
        for (const f of optional) if (keys.includes(f)) seenOptional.add(f);

        const json = encodeCall(call, 'json');
        assert.equal(json.contentType, 'application/json');
        const object = JSON.parse(json.body.toString()) as Record<string, unknown>;
        assert.deepEqual(
          Object.keys(object),
          keys.map((k) => k.replace('[]', '')),
        );
        assert.equal(object['type'], kind);
        if ('time' in object) {
          assert.equal(typeof object['time'], 'number');
          assert.ok(Array.isArray(object['tags']));
        }
        for (const [k, v] of Object.entries(object))
          if (k !== 'time' && k !== 'tags') assert.equal(typeof v, 'string', `${kind}.${k}`);
      }
      // Every optional field is sent where the client or server gave one (Gmail's proxy: no referer).
      if (kind === 'open' || kind === 'click') assert.ok(seenOptional.has('useragent'), kind);
      if (kind === 'delivery') assert.ok(seenOptional.has('extended'));
    });
  }

  test('failure and bounce keep their field sets in every dialect', () => {
    for (const dialect of DIALECTS) {
      assert.ok(dialectCarries(dialect, 'failure') && dialectCarries(dialect, 'bounce'), dialect);
      const [failure] = calls('failure', 1);
      assert.equal(toPayload(failure!, dialect)[0]![0], 'id');
    }
  });

  test('the feedback-loop dialects refuse the later kinds in one line naming the dialect', () => {
    for (const dialect of DIALECTS.filter((d) => d !== 'smtpeter'))
      for (const kind of ENGAGEMENT_TYPES) {
        const line = uncarriedKind(dialect, kind, '--type');
        assert.equal(
          line,
          `--type: dialect ${dialect} carries failure and bounce calls only, not ${kind} (${kind} calls exist in --dialect smtpeter)`,
        );
        assert.throws(() => toPayload(calls(kind, 1)[0]!, dialect), /carries failure and bounce calls only/);
      }
    for (const kind of CALL_TYPES) assert.equal(uncarriedKind('smtpeter', kind, '--type'), undefined);
  });
});
