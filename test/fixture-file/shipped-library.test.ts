/**
 * The shipped library (fixtures/): generated files are what the code makes
 * from its seed; hand-written ones (data) load; all validate against the
 * published schema.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { Ajv } from 'ajv';
import { loadFixtures } from '../../src/fixture-file/load.js';
import { fixtureSchema } from '../../src/fixture-file/schema.js';
import { fixtureLibrary, HAND_WRITTEN_FIXTURES } from '../../src/fixture-file/shipped-library.js';
import { ROOT } from '../helpers/cli.js';

const FIXTURES = join(ROOT, 'fixtures');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

describe('shipped fixture library', () => {
  test('fixtures/ is what `npm run fixtures` generates (same seed, same content) and the hand-written files', () => {
    const expected = fixtureLibrary();
    const committed = walk(FIXTURES).map((f) => relative(FIXTURES, f));
    assert.deepEqual(
      committed.sort(),
      [...expected.keys(), ...HAND_WRITTEN_FIXTURES].sort(),
      'run `npm run fixtures`',
    );
    assert.ok(
      HAND_WRITTEN_FIXTURES.every((path) => !expected.has(path)),
      'generated files are not hand-written',
    );
    for (const [path, text] of expected) {
      const onDisk = readFileSync(join(FIXTURES, path), 'utf8');
      // JSON is reformatted by biome; compare the values.
      if (path.endsWith('.json')) assert.deepEqual(JSON.parse(onDisk), JSON.parse(text), path);
      else assert.equal(onDisk, text, path);
    }
  });

  test('every JSON fixture and every NDJSON line validates against the published schema (ajv)', () => {
    const schema = JSON.parse(readFileSync(join(FIXTURES, 'fixture.schema.json'), 'utf8')) as { $id: string };
    assert.deepEqual(schema, fixtureSchema());
    const ajv = new Ajv({ allErrors: true, strictTypes: false, allowUnionTypes: true });
    ajv.addSchema(schema);
    const file = ajv.getSchema(schema.$id)!;
    const entry = ajv.getSchema(`${schema.$id}#/definitions/entry`)!;
    let checked = 0;
    for (const path of walk(FIXTURES)) {
      if (path.endsWith('.schema.json') || path.endsWith('.eml')) continue;
      const text = readFileSync(path, 'utf8');
      if (path.endsWith('.ndjson')) {
        for (const line of text.split('\n').filter(Boolean)) {
          assert.ok(entry(JSON.parse(line)), `${path}: ${ajv.errorsText(entry.errors)}`);
          checked++;
        }
      } else {
        assert.ok(file(JSON.parse(text)), `${path}: ${ajv.errorsText(file.errors)}`);
        checked++;
      }
    }
    assert.ok(checked > 100);
  });

  test('the shipped library loads without a problem', () => {
    const loaded = loadFixtures([FIXTURES], ROOT);
    assert.deepEqual(loaded.problems, []);
    assert.ok(loaded.calls.length > 100);
  });

  test('the campaign: 1,000 messages, 2% hard, 5% soft, 1% out-of-office', () => {
    const lines = readFileSync(join(FIXTURES, 'sequences', 'campaign-1000.ndjson'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const byMessage = new Map<string, Record<string, unknown>[]>();
    for (const l of lines)
      byMessage.set(l['message'] as string, [...(byMessage.get(l['message'] as string) ?? []), l]);
    const kinds = { hard: 0, soft: 0, ooo: 0 };
    for (const calls of byMessage.values()) {
      const last = calls[calls.length - 1]!;
      if (calls.some((c) => c['type'] === 'bounce') && !calls.some((c) => c['action'] === 'failed'))
        kinds.ooo++;
      else if (calls.some((c) => c['action'] === 'failed')) kinds.hard++;
      else if (last['action'] === 'failure') kinds.soft++;
      const ids = new Set(calls.map((c) => c['id']));
      assert.equal(ids.size, 1, 'one message, one id');
    }
    assert.deepEqual(kinds, { hard: 20, soft: 50, ooo: 10 });
    const at = lines.map((l) => Number.parseInt(l['at'] as string, 10));
    assert.deepEqual(
      at,
      [...at].sort((a, b) => a - b),
      'in send order',
    );
  });
});
