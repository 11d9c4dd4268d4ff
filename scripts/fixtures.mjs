// Regenerate fixtures/ from the built library (npm run fixtures): same seed, same files.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixtureLibrary } from '../dist/src/fixture-file/shipped-library.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
rmSync(root, { recursive: true, force: true });
for (const [path, content] of fixtureLibrary()) {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}
process.stdout.write(`wrote ${fixtureLibrary().size} files to fixtures/\n`);
