import { composeNotice, type NoticeStyle } from '../reply-notice.js';
import type { Scenario } from '../types.js';
import { mailman2Held, mailman3Held } from './mailman.js';
import { sympaHeld } from './sympa.js';

/** List managers that hold a post for the moderators and tell the poster. */
export const MODERATION_STYLES: ReadonlyArray<{ style: NoticeStyle; weight: number }> = [
  { style: mailman2Held, weight: 3 },
  { style: mailman3Held, weight: 2 },
  { style: sympaHeld, weight: 2 },
];

export const MODERATION_SCENARIOS: Scenario[] = [
  {
    name: 'moderation-held',
    summary: 'A mailing list holds the message for its moderators and tells the sender (bounce call only)',
    kind: 'moderation',
    calls: ['bounce'],
    mode: 'none',
    // Sisimai 4.25 reads Sympa's 2.3.0 report as `delivered` and finds nothing in Mailman's notice (see the tests).
    reason: 'delivered',
    states: [],
    styles: MODERATION_STYLES.map((s) => s.style.name),
    weight: 1,
    styleWeight: (name) => MODERATION_STYLES.find((s) => s.style.name === name)?.weight ?? 1,
    build: (input) => [composeNotice(input, 'moderation-held', MODERATION_STYLES).call],
  },
];
