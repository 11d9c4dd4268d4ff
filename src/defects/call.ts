import type { SimCall } from '../model/events.js';
import { applyDefects } from './apply.js';
import { DEFECTS, type DefectKind } from './kinds.js';
import { pickDefects } from './pick.js';

export type DefectiveCall = { ok: true; call: SimCall } | { ok: false; problem: string };

/** A bounce call whose message was edited: the edited message sent, the clean one and the kinds kept. */
export function defectiveCall(call: SimCall, kinds: readonly DefectKind[], mime: string): SimCall {
  const e = call.event;
  if (e.type !== 'bounce') throw new Error(`a ${e.type} call has no message to give defects`);
  return { ...call, event: { ...e, mime }, defects: { kinds, cleanMime: e.mime } };
}

/**
 * The call with the named defects given to its message (a fixture entry's
 * `defects`, makeCall's); a problem, in words, for any call but a bounce
 * or a kind its message has nothing for.
 */
export function giveDefects(call: SimCall, kinds: readonly DefectKind[]): DefectiveCall {
  const e = call.event;
  if (e.type !== 'bounce')
    return {
      ok: false,
      problem: `expected a bounce call (defects break a bounce's message), got a ${e.type} call`,
    };
  // A captured message that is not UTF-8 is carried as bytes, `mime` holding one character per
  // byte: the edits touch its ASCII structure alike, but an 8-bit header written as UTF-8 text
  // would not survive that form (and such a message has 8-bit bytes of its own already).
  if (e.mimeBytes && kinds.includes('8bit-header'))
    return {
      ok: false,
      problem: `'8bit-header' writes UTF-8 into the message, but this one is carried as bytes in another charset`,
    };
  const applied = applyDefects(e.mime, kinds);
  if (!applied.ok) {
    const needs = DEFECTS.find((d) => d.kind === applied.kind)!.needs;
    return { ok: false, problem: `'${applied.kind}' needs ${needs}; this message has none` };
  }
  const given = defectiveCall(call, kinds, applied.mime);
  if (e.mimeBytes && given.event.type === 'bounce')
    given.event = { ...given.event, mimeBytes: Buffer.from(applied.mime, 'latin1') };
  return { ok: true, call: given };
}

/**
 * A scenario instance's calls with a share of its bounces given a drawn
 * defect: each message the bounces carry by its own draw (run `seed`,
 * `instance`, its place among the instance's messages), one draw per
 * message, not per call: the calls of a multi-recipient report carry the
 * same bytes, defects and all.
 */
export function withDrawnDefects(calls: SimCall[], share: number, seed: number, instance: number): SimCall[] {
  const drawn = new Map<string, ReturnType<typeof pickDefects>>();
  return calls.map((call) => {
    const e = call.event;
    if (e.type !== 'bounce') return call;
    if (!drawn.has(e.mime)) drawn.set(e.mime, pickDefects(e.mime, share, seed, instance, drawn.size));
    const picked = drawn.get(e.mime);
    return picked ? defectiveCall(call, picked.kinds, picked.mime) : call;
  });
}
