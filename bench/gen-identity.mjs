#!/usr/bin/env node
/**
 * Byte-identity check for generation speed work (issue 19 (d)): hashes what
 * `generate` writes and what every call encodes to (form and JSON, every
 * dialect) for every scenario × style and for whole mixes, over several
 * seeds. Needs `npm run build`.
 *
 *   node bench/gen-identity.mjs --write /tmp/ids.json   # record (on the base commit)
 *   node bench/gen-identity.mjs --check /tmp/ids.json   # compare; exit 1 on any difference
 *
 * Fixtures are the other half: `npm run fixtures && git diff --exit-code fixtures/`.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => join(ROOT, 'dist', 'src', p);
const { EventGenerator, SEEDED_EPOCH } = await import(dist('generate/events.js'));
const { encodeCall } = await import(dist('encode/body.js'));
const { DIALECTS } = await import(dist('encode/dialect.js'));
const { SCENARIOS } = await import(dist('scenarios/catalogue.js'));
const { planGenerate, fixtureText } = await import(dist('plan/generate-plan.js'));

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const SEEDS = ['1', '2', '7', '1000003'];
const PER_STYLE = Number(flag('per-style') ?? '30');
const PER_MIX = Number(flag('per-mix') ?? '2000');

/** Hash of the fixture text `generate` writes and of every encoding of the same calls. */
function hashOf(flags, options) {
  const h = createHash('sha256');
  h.update(
    fixtureText(
      planGenerate(
        { ...flags, format: 'ndjson' },
        () => SEEDED_EPOCH,
        () => 1,
      ),
    ),
  );
  const plan = planGenerate(
    { ...flags, format: 'ndjson' },
    () => SEEDED_EPOCH,
    () => 1,
  );
  for (const call of new EventGenerator({ ...plan.options, ...options }).take(Number(flags.count)))
    for (const dialect of DIALECTS)
      for (const format of ['form', 'json']) {
        let body;
        try {
          body = encodeCall(call, format, dialect).body;
        } catch (e) {
          body = Buffer.from(String(e.message)); // a dialect that does not carry this call type
        }
        h.update(body);
      }
  return h.digest('hex');
}

const hashes = {};
for (const seed of SEEDS) {
  for (const s of SCENARIOS)
    for (const style of s.styles)
      hashes[`${seed} ${s.name} ${style}`] = hashOf({
        seed,
        scenario: s.name,
        style,
        count: String(PER_STYLE),
      });
  const mixes = [
    {},
    { mix: 'campaign' },
    { type: 'failure' },
    { type: 'bounce' },
    { audience: 'nl' },
    { audience: 'de' },
    { audience: 'us' },
    { domain: 'example.nl', tag: ['a', 'b'] },
    { recipient: 'jan@example.com' },
  ];
  for (const m of mixes)
    hashes[`${seed} mix ${JSON.stringify(m)}`] = hashOf({ seed, count: String(PER_MIX), ...m });
  hashes[`${seed} attachment`] = hashOf({ seed, count: '300', type: 'bounce' }, { attachmentBytes: 20_000 });
}

const write = flag('write');
const check = flag('check');
if (write) {
  writeFileSync(write, `${JSON.stringify(hashes, null, 1)}\n`);
  process.stdout.write(`${Object.keys(hashes).length} hashes written to ${write}\n`);
} else if (check) {
  const want = JSON.parse(readFileSync(check, 'utf8'));
  const bad = Object.keys(want).filter((k) => want[k] !== hashes[k]);
  const missing = Object.keys(hashes).filter((k) => !(k in want));
  for (const k of bad) process.stdout.write(`DIFFERENT ${k}\n`);
  process.stdout.write(
    `${Object.keys(want).length - bad.length}/${Object.keys(want).length} identical` +
      (missing.length ? ` (${missing.length} new keys not in the record)` : '') +
      '\n',
  );
  process.exitCode = bad.length ? 1 : 0;
} else {
  process.stdout.write(`${createHash('sha256').update(JSON.stringify(hashes)).digest('hex')}\n`);
}
