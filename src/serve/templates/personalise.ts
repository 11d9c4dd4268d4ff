import type { ComposeFields } from '../message/compose.js';

/** Personalisation data: the values a template's variables read (send's `data`, a recipient's own object). */
export type PersonalData = Record<string, unknown>;

/**
 * `{$name}` and `{$name.field}`: the variables of SMTPeter's (Copernica's
 * Smarty-style) templates. The API summary documents `data` and per-recipient
 * data but no template language, so this does only the substitution: no
 * modifiers (`|escape`), no `{if}` or `{foreach}`; those are left as written.
 */
const VARIABLE = /\{\$([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\}/g;

function lookup(data: PersonalData, path: string): unknown {
  let at: unknown = data;
  for (const step of path.split('.')) {
    if (typeof at !== 'object' || at === null || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[step];
  }
  return at;
}

/** As Smarty prints it: strings and numbers as they are, an unset variable (or a list or object) as nothing. */
function printable(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (v === true) return '1';
  return '';
}

/** `text` with each `{$variable}` replaced by its value in `data`. */
export function substitute(text: string, data: PersonalData): string {
  return text.replace(VARIABLE, (_, path: string) => printable(lookup(data, path)));
}

/** One recipient's fields: subject, text and HTML personalised (addresses and headers stay as given). */
export function personalise(fields: ComposeFields, data: PersonalData): ComposeFields {
  const out: ComposeFields = { ...fields };
  for (const k of ['subject', 'text', 'html'] as const) {
    const v = fields[k];
    if (v !== undefined) out[k] = substitute(v, data);
  }
  return out;
}
