import { buildOriginalMessage } from '../../generate/message.js';
import type { BounceEvent, SimCall } from '../../model/events.js';
import { formatTimestamp } from '../../model/time.js';
import type { Scenario, ScenarioInput } from '../types.js';
import { exchangeOof } from './exchange.js';
import { OOO_LANGUAGES } from './texts.js';
import type { AutoReplyStyle } from './types.js';

export const AUTOREPLY_STYLES: ReadonlyArray<{ style: AutoReplyStyle; weight: number }> = [
  { style: exchangeOof, weight: 40 },
];

function buildAutoReply(input: ScenarioInput): SimCall[] {
  const { fake, now } = input;
  const style = AUTOREPLY_STYLES.find((s) => s.style.name === input.style)!.style;
  const msg = buildOriginalMessage(fake, now, { ...input.message, sentBefore: fake.rng.int(3, 120) * 1000 });
  const language = fake.rng.pick(Object.keys(OOO_LANGUAGES));
  const back = now + fake.rng.int(1, 21) * 86_400_000;
  const text = OOO_LANGUAGES[language]!(fake, back, msg.recipientName);
  const mime = style.build({ fake, now, message: msg, text });
  const time = Math.floor(now / 1000);
  const event: BounceEvent = {
    id: msg.id,
    type: 'bounce',
    timestamp: formatTimestamp(time),
    time,
    recipient: msg.recipient,
    envelope: msg.envelope,
    mime,
    tags: msg.tags,
  };
  return [
    {
      event,
      scenario: 'autoreply-out-of-office',
      style: style.name,
      mailfrom: style.nullSender ? '' : msg.recipient,
    },
  ];
}

export const AUTOREPLY_SCENARIOS: Scenario[] = [
  {
    name: 'autoreply-out-of-office',
    summary: 'Out-of-office / vacation auto-reply (bounce call only)',
    kind: 'autoreply',
    calls: ['bounce'],
    mode: 'none',
    reason: 'vacation',
    states: [],
    styles: AUTOREPLY_STYLES.map((s) => s.style.name),
    weight: 10,
    build: buildAutoReply,
  },
];
