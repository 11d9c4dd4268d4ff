import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../../src/serve/errors.js';
import { parseForm } from '../../../src/serve/rest/body.js';

/** The 400 line parseForm refuses `text` with. */
function refusal(text: string): string {
  try {
    parseForm(text);
  } catch (err) {
    assert.ok(err instanceof ApiError, `${text}: ${(err as Error).message}`);
    assert.equal(err.status, 400);
    return err.message;
  }
  assert.fail(`${text}: accepted`);
}

describe('parseForm (REST form bodies)', () => {
  it('reads PHP-style brackets into lists and objects', () => {
    assert.deepEqual(parseForm('a[]=1&a[]=2&d[x]=y&n[0][k]=v&s=t'), {
      a: ['1', '2'],
      d: { x: 'y' },
      n: [{ k: 'v' }],
      s: 't',
    });
  });

  it('takes a field named like an Object method once (constructor, toString, a list item length)', () => {
    assert.deepEqual(
      { ...parseForm('constructor=c&toString=t&d[valueOf]=v&a[0]=x&a[1]=y') },
      { constructor: 'c', toString: 't', d: { valueOf: 'v' }, a: ['x', 'y'] },
    );
  });

  it('refuses a field given twice, also once as a value and once as a list or object (was a 500)', () => {
    const twice = "form field 'to' given twice: a list is written 'to[]=...&to[]=...'";
    assert.equal(refusal('to=a&to=b'), twice);
    assert.equal(refusal('to[]=a&to=b'), twice);
    assert.equal(
      refusal('to=a&to[]=b'),
      "form field 'to[]' given twice: a list is written 'to[]=...&to[]=...'",
    );
    assert.equal(
      refusal('dsn[notify]=x&dsn[notify][a]=y'),
      "form field 'dsn[notify][a]' given twice: a list is written 'dsn[]=...&dsn[]=...'",
    );
  });

  it('refuses __proto__ in a field name: it reached Object.prototype (every object of the process)', () => {
    for (const text of ['__proto__[polluted]=yes', 'd[__proto__][polluted]=yes', '__proto__=x'])
      assert.equal(refusal(text), `invalid form field name '${text.split('=')[0]}'`);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });
});
