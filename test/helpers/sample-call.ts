import type { SimCall } from '../../src/model/events.js';

/** A small bounce call whose fields need escaping (`&`, `=`, `+`, CRLF, UTF-8) and carry two tags. */
export const SAMPLE_BOUNCE: SimCall = {
  scenario: 'x',
  style: 'postfix',
  mailfrom: '',
  event: {
    id: 'id1',
    type: 'bounce',
    timestamp: '2026-01-15 09:30:00',
    time: 1768469400,
    recipient: 'jan@example.nl',
    envelope: 'bounce-id1@bounces.shop.example',
    mime: 'Subject: a&b=c ü\r\n\r\nbody +1',
    tags: ['news', 'nl'],
  },
};
