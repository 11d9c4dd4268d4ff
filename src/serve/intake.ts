import type { CallType } from '../model/events.js';
import { FakeSource } from '../random/fake.js';
import { createRng, deriveSeed } from '../random/rng.js';
import { Refused } from './errors.js';
import { MimeProblem } from './message/entity.js';
import { finishHtml, type Prepared, prepareMessage, recipientName, sentFacts } from './message/outgoing.js';
import { fateOf } from './outcomes/fate.js';
import type { OutcomeRules } from './outcomes/rules.js';
import type { ServeStore } from './store/store.js';
import { deadlineOf, planTimeline } from './timeline/plan.js';
import type { StoredMessage, Submission, TimelineEvent } from './types.js';

/** The host name in ids and return paths serve makes. */
export const SERVE_HOST = 'simulator.smtpeter.test';

export interface IntakeOptions {
  store: ServeStore;
  /** The webhook kinds the dialect carries; events of other kinds are kept without a call (`no-webhook`). */
  carries: (kind: CallType) => boolean;
  /** Called for each event with a call, once its message is stored. */
  schedule: (event: TimelineEvent) => void;
  rules: OutcomeRules;
  seed: number;
  timeScale: number;
  /** Base of the click and open URLs (serve's REST origin). */
  trackingBase: () => string;
  now?: () => number;
}

/**
 * The one way in for mail, from REST and SMTP alike: read the message, make
 * each recipient's copy (tracking applied), decide its fate, plan its
 * timeline, store it all at once, then schedule the calls.
 */
export class Intake {
  private seq: number;
  private readonly fake = new FakeSource();
  private readonly now: () => number;

  constructor(private readonly o: IntakeOptions) {
    this.seq = o.store.count();
    this.now = o.now ?? Date.now;
  }

  /** A message id, 32 hex digits: from the seed and the message's number, so a seeded run repeats. */
  private nextId(): { id: string; seq: number } {
    const seq = this.seq++;
    return { id: createRng(deriveSeed(this.o.seed, seq)).hex(32), seq };
  }

  async accept(sub: Submission): Promise<StoredMessage[]> {
    const now = this.now();
    const prepare = async (mime: string): Promise<Prepared> => {
      try {
        return await prepareMessage(
          mime,
          sub.options,
          SERVE_HOST,
          () => createRng(deriveSeed(this.o.seed ^ 0x3d, this.seq)).hex(24),
          now,
        );
      } catch (err) {
        if (err instanceof MimeProblem) throw new Refused(err.message);
        throw err;
      }
    };
    // A personalised send: each recipient's own message; otherwise one message for all.
    const own = sub.personal;
    const shared = own ? undefined : await prepare(sub.mime);
    const prepared = await Promise.all(sub.recipients.map((r) => shared ?? prepare(own?.[r] ?? sub.mime)));
    const copies = await Promise.all(sub.recipients.map((r, i) => this.copy(sub, prepared[i]!, r, now)));
    const messages = copies.map((c) => c.message);
    const events = copies.flatMap((c) => c.events);
    this.o.store.add(messages, events);
    for (const e of events) if (e.state === 'scheduled') this.o.schedule(e);
    return messages;
  }

  private async copy(
    sub: Submission,
    p: Prepared,
    recipient: string,
    now: number,
  ): Promise<{ message: StoredMessage; events: TimelineEvent[] }> {
    const { id, seq } = this.nextId();
    const own = sub.recipientDsn?.[recipient];
    const options = own ? { ...p.options, dsn: { ...p.options.dsn, ...own } } : p.options;
    const base = this.o.trackingBase();
    const tracked = await finishHtml(p.mime, {
      inlinecss: options.inlinecss,
      ...(options.trackclicks || options.trackopens
        ? {
            tracking: {
              clicks: options.trackclicks,
              opens: options.trackopens,
              preventscam: options.preventscam,
              clickUrl: (n: number) => `${base}/c/${id}/${n}`,
              pixelUrl: `${base}/o/${id}.gif`,
            },
          }
        : {}),
      ...(options.images === 'hosted'
        ? { hostedImageUrl: (cid: string) => `${base}/i/${id}/${encodeURIComponent(cid)}` }
        : {}),
    });
    // Bounce tracking: the return path becomes SMTPeter's VERP address. A null sender stays null (nothing bounces to it).
    const envelope =
      sub.envelope === '' ? '' : options.trackbounces ? `${id}@bounces.${SERVE_HOST}` : sub.envelope;
    const fake = this.fake.reseed(deriveSeed(this.o.seed ^ 0x7a11, seq));
    const fate = fateOf(recipient, this.o.rules, fake.rng);
    const message: StoredMessage = {
      id,
      recipient,
      envelope,
      mime: tracked.mime,
      options,
      acceptedAt: now,
      fate,
      links: tracked.links,
      via: sub.via,
      submitted: { envelope: sub.envelope, mime: p.mime },
    };
    const facts = sentFacts(
      { ...p, options },
      id,
      tracked.mime,
      envelope,
      now,
      recipientName(p.mime, recipient),
    );
    const plan = planTimeline({
      fake,
      facts,
      recipient,
      tags: options.tags,
      fate,
      acceptedAt: now,
      timeScale: this.o.timeScale,
      bouncesReturn: envelope !== '' && options.trackbounces,
      links: tracked.links.map((original, n) => ({ original, url: `${base}/c/${id}/${n}` })),
      trackopens: options.trackopens,
      ...(options.maxdelivertime
        ? { deadline: deadlineOf(options.maxdelivertime, now, this.o.timeScale) }
        : {}),
    });
    const events = plan.map(
      (p, n): TimelineEvent => ({
        key: `${id}/${n}`,
        messageId: id,
        kind: p.call.event.type,
        dueAt: p.at,
        call: p.call,
        state: this.o.carries(p.call.event.type) ? 'scheduled' : 'no-webhook',
        attempts: [],
      }),
    );
    return { message, events };
  }
}
