// Regenerate fixtures/ from the built library (npm run fixtures): same seed, same files.
// The hand-written files there (HAND_WRITTEN_FIXTURES) are data: read and
// checked here, never written. Anything else in fixtures/ is removed.
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatProblem } from '../dist/src/fixture-file/format.js';
import { loadFixtures } from '../dist/src/fixture-file/load.js';
import { fixtureLibrary, HAND_WRITTEN_FIXTURES } from '../dist/src/fixture-file/shipped-library.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });

const generated = fixtureLibrary();
const keep = new Set([...generated.keys(), ...HAND_WRITTEN_FIXTURES]);
for (const file of walk(root)) {
  const path = relative(root, file);
  if (!keep.has(path)) {
    rmSync(file);
    process.stdout.write(`removed fixtures/${path}\n`);
  }
}
for (const [path, content] of generated) {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}
// The hand-written ones must still load against the schema and catalogue the code now has.
const { problems } = loadFixtures([root], dirname(root));
if (problems.length) {
  for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
  process.exit(1);
}
process.stdout.write(
  `wrote ${generated.size} generated files to fixtures/; checked ${HAND_WRITTEN_FIXTURES.length} hand-written ones\n`,
);
