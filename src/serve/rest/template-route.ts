import { ApiError } from '../errors.js';
import type { ComposeFields } from '../message/compose.js';
import type { ServeStore } from '../store/store.js';
import type { StoredTemplate } from '../types.js';
import { CONTENT_FIELDS, composeOf, type TemplateRef } from './send-request.js';

const bad = (text: string): ApiError => new ApiError(400, text);
const ALLOWED = new Set<string>(['name', ...CONTENT_FIELDS]);

/**
 * A template as POST /v1/template (or a send's inline `template`) gives it:
 * a name and content fields, `{$variables}` left in. Checked as a send's
 * fields are, so a template that could not make a message is refused now.
 */
export function parseTemplate(body: Record<string, unknown>): Pick<StoredTemplate, 'name' | 'content'> {
  for (const k of Object.keys(body))
    if (!ALLOWED.has(k)) throw bad(`unknown template field '${k}' (name, ${CONTENT_FIELDS.join(', ')})`);
  const name = body['name'];
  if (name !== undefined && (typeof name !== 'string' || name.trim() === '' || /^\d+$/.test(name)))
    throw bad('name: expected a name that is not a number (numbers are template ids)');
  const content = Object.fromEntries(
    CONTENT_FIELDS.filter((k) => body[k] !== undefined).map((k) => [k, body[k]]),
  );
  composeOf(content);
  return { ...(name !== undefined ? { name: name as string } : {}), content };
}

/** POST /v1/template: stored, answered with its id (as SMTPeter answers: the new template's id). */
export function createTemplate(store: ServeStore, body: Record<string, unknown>, now: number): number {
  return store.addTemplate({ ...parseTemplate(body), createdAt: now }).id;
}

/**
 * The template an id or a name refers to. SMTPeter takes names that are not
 * unique ("if you always give unique names to your templates, it is also
 * possible to retrieve your template by the template's name"): a name two
 * templates share finds neither, a 409 that names their ids.
 */
function lookUp(store: ServeStore, ref: string): StoredTemplate {
  if (!/^\d+$/.test(ref)) {
    const same = store.templates().filter((t) => t.name === ref);
    if (same.length > 1)
      throw new ApiError(
        409,
        `template: ${same.length} templates are named '${ref}' (ids ${same.map((t) => t.id).join(', ')}); name it by its id, or rename one with PUT /v1/template/ID`,
      );
  }
  const t = store.template(ref);
  if (!t) throw new ApiError(404, `unknown template '${ref}'`);
  return t;
}

/** The template a path names (/v1/template/ID or /NAME), or a 404/409 that says which. */
function named(store: ServeStore, arg: string | undefined): StoredTemplate {
  if (!arg) throw new ApiError(404, 'template: give a template id or name, /v1/template/ID');
  return lookUp(store, arg);
}

/**
 * PUT /v1/template/ID: the template's content replaced as a whole by the
 * body's (checked as POST checks it), its name kept unless the body gives
 * one; answered with the id. Messages already sent keep what they were.
 */
export function replaceTemplate(
  store: ServeStore,
  arg: string | undefined,
  body: Record<string, unknown>,
): number {
  const old = named(store, arg);
  const parsed = parseTemplate(body);
  const name = parsed.name ?? old.name;
  const next = { ...(name !== undefined ? { name } : {}), content: parsed.content, createdAt: old.createdAt };
  return (store.replaceTemplate(old.id, next) ?? named(store, arg)).id;
}

/** DELETE /v1/template/ID: answered `true`; later sends naming it get a 404, its id is not given again. */
export function deleteTemplate(store: ServeStore, arg: string | undefined): true {
  const t = named(store, arg);
  store.deleteTemplate(t.id);
  return true;
}

/** GET /v1/template/ID and /v1/templates. */
export function templateRoute(store: ServeStore, method: string, arg: string | undefined): unknown {
  if (method === 'templates')
    return store.templates().map((t) => ({ id: t.id, ...(t.name ? { name: t.name } : {}) }));
  const t = named(store, arg);
  return { id: t.id, ...(t.name ? { name: t.name } : {}), ...t.content };
}

/** A template send's fields: the template's content, the send's own content fields over it. */
export function templateFields(
  store: ServeStore,
  ref: TemplateRef,
  overrides: Record<string, unknown>,
): { fields: ComposeFields; templateid?: number } {
  if (typeof ref !== 'string') return { fields: composeOf({ ...parseTemplate(ref).content, ...overrides }) };
  const t = lookUp(store, ref.trim());
  return { fields: composeOf({ ...t.content, ...overrides }), templateid: t.id };
}
