/**
 * A text written from a template: the template's literal pieces (one frozen
 * array per template, the same object on every call) and the values drawn
 * between them. A call carries it next to the text it spells, so the form
 * encoder can write the pieces it has seen before as stored bytes and
 * escape only the values (encode/form.ts): a sync failure's description is
 * mostly its wording's fixed text, and escaping it byte by byte was an
 * eighth of the CPU of a failure call.
 */
export interface PiecedText {
  /** The literal pieces, `values.length + 1` of them. */
  readonly pieces: readonly string[];
  readonly values: readonly string[];
  /** The whole text: the same characters a template literal gives. */
  readonly text: string;
}

/** The tag: t`<${recipient}>: User unknown` is that text, with its pieces. */
export function t(pieces: TemplateStringsArray, ...values: string[]): PiecedText {
  return pieced(pieces, values);
}

/** A text of `pieces` (made once, kept: they are its template) with `values` between them. */
export function pieced(pieces: readonly string[], values: readonly string[]): PiecedText {
  let text = pieces[0]!;
  for (let i = 0; i < values.length; i++) text += values[i]! + pieces[i + 1]!;
  return { pieces, values, text };
}
