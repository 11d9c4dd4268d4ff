import { JsonSyntaxError, parseJsonWithLines } from '../../fixture-file/json-positions.js';
import { formPairs } from '../../receive/parse.js';
import { ApiError } from '../errors.js';

/** A request body as data: JSON, or form fields with PHP-style brackets (`recipients[]`, `dsn[envid]`). */
export function parseRequestBody(contentType: string | undefined, body: Buffer): Record<string, unknown> {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const text = body.toString('utf8');
  if (type === 'application/x-www-form-urlencoded') return parseForm(text);
  if (type !== '' && type !== 'application/json' && !type.endsWith('+json'))
    throw new ApiError(
      415,
      `unsupported Content-Type '${type}': send application/json or application/x-www-form-urlencoded`,
    );
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    try {
      parseJsonWithLines(text);
    } catch (err) {
      if (err instanceof JsonSyntaxError)
        throw new ApiError(400, `invalid JSON at line ${err.line}, column ${err.column}: ${err.message}`);
    }
    throw new ApiError(400, 'invalid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ApiError(400, 'invalid JSON: the body must be an object of fields');
  return value as Record<string, unknown>;
}

/** `a[]=1&a[]=2&d[x]=y&n[0][k]=v` → `{a: ['1','2'], d: {x: 'y'}, n: [{k: 'v'}]}`. */
export function parseForm(text: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of formPairs(text)) {
    const m = /^([^[\]]+)((?:\[[^\]]*\])*)$/.exec(key);
    const path = m ? [m[1]!, ...[...m[2]!.matchAll(/\[([^\]]*)\]/g)].map((x) => x[1]!)] : [];
    // `__proto__` would be Object.prototype's slot: set there, a field reaches every object in the process.
    if (!m || path.includes('__proto__')) throw new ApiError(400, `invalid form field name '${key}'`);
    let node: Record<string, unknown> | unknown[] = root;
    for (const [i, part] of path.entries()) {
      const last = i === path.length - 1;
      const nextIsList = !last && (path[i + 1] === '' || /^\d+$/.test(path[i + 1]!));
      const holder = node as Record<string, unknown>;
      const slot = Array.isArray(node) && part === '' ? String(node.length) : part;
      // Own slots only: `constructor` or `toString` given once is not taken already.
      const taken = Object.hasOwn(holder, slot);
      // PHP would keep the last of two; a recipient given twice would be dropped without a word.
      // Once as a value and once as a list or object (`to=a&to[]=b`) is the same mistake.
      if (taken && (last || typeof holder[slot] !== 'object'))
        throw new ApiError(
          400,
          `form field '${key}' given twice: a list is written '${m[1]}[]=...&${m[1]}[]=...'`,
        );
      if (last) holder[slot] = value;
      else {
        if (!taken) holder[slot] = nextIsList ? [] : {};
        node = holder[slot] as Record<string, unknown> | unknown[];
      }
    }
  }
  return root;
}
