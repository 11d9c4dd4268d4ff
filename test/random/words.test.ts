import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRng } from '../../src/random/rng.js';
import { companyLabel } from '../../src/random/words.js';

describe('company labels', () => {
  test("an apostrophe joins a name (O'Conner → oconner), never leaving a one-letter word", () => {
    const rng = createRng(7);
    let joined = 0;
    for (let i = 0; i < 200_000; i++) {
      const label = companyLabel(rng);
      assert.match(label, /^[a-z0-9]+(-[a-z0-9]+)+$/, label);
      for (const word of label.split('-')) assert.ok(word.length > 1, `one-letter word in ${label}`);
      if (/(^|-)(o|d)(connell|conner|hara|keefe|kon|reilly|amore)(-|$)/.test(label)) joined++;
    }
    // Faker's seven apostrophe names out of ~475 come up often in 200,000 labels.
    assert.ok(joined > 100, `apostrophe names seen ${joined} times`);
  });
});
