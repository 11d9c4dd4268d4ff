import { withDrawnDefects } from '../defects/call.js';
import type { CallType } from '../model/events.js';
import { type Fake, FakeSource } from '../random/fake.js';
import { createRng, deriveSeed } from '../random/rng.js';
import { Refused } from './errors.js';
import { flatString } from './flat-string.js';
import { composeDraft, type Draft, draftFacts, draftRecipientName } from './message/draft.js';
import { MimeProblem } from './message/entity.js';
import { finishHtml, type Prepared, prepareMessage, recipientName, sentFacts } from './message/outgoing.js';
import { fateOf } from './outcomes/fate.js';
import type { OutcomeRules } from './outcomes/rules.js';
import type { ServeStore } from './store/store.js';
import { deadlineOf, planTimeline } from './timeline/plan.js';
import { clickUrl } from './tracking/click-url.js';
import type { StoredMessage, Submission, TimelineEvent } from './types.js';

/** Fates whose calls (delivery, open, click) quote nothing of the message: a draft stays uncomposed. */
const QUIET_FATES = new Set(['delivered', 'opened', 'clicked']);

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
  /** Share of bounces (0..1) given a real-world defect, as `fire --defects` does; absent: none. */
  defects?: number;
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

  /** A draft with its Message-ID, Date and boundary fixed (from the seed and this message's number, as ids are). */
  private stamp(d: NonNullable<Submission['draft']>, now: number): Draft {
    const rng = createRng(deriveSeed(this.o.seed ^ 0x3d, this.seq));
    return {
      fields: d.fields,
      messageId: d.messageId ?? flatString('<', rng.hex(24), '@', SERVE_HOST, '>'),
      date: d.date ?? now,
      boundary: d.boundary ?? rng.hex(16),
    };
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
    const draft = sub.draft && this.stamp(sub.draft, now);
    let light: Omit<Prepared, 'mime'> | undefined;
    try {
      light = draft && draftFacts(draft, sub.options);
    } catch (err) {
      throw err instanceof MimeProblem ? new Refused(err.message) : err;
    }
    // The message composed and read once, when first needed; a message that cannot wait is read now, so its problems are answered now.
    let full: Promise<Prepared> | undefined;
    const read = (): Promise<Prepared> =>
      (full ??= draft ? composeDraft(draft).then(prepare) : prepare(sub.mime!));
    const own = sub.personal;
    if (!own && !light) await read();
    const personal = own && (await Promise.all(sub.recipients.map((r) => prepare(own[r] ?? sub.mime!))));
    const copies = await Promise.all(
      sub.recipients.map((r, i) =>
        this.copy(sub, r, now, {
          read: personal ? () => Promise.resolve(personal[i]!) : read,
          ...(light && draft ? { light: { ...light, draft } } : {}),
        }),
      ),
    );
    const messages = copies.map((c) => c.message);
    const events = copies.flatMap((c) => c.events);
    this.o.store.add(messages, events);
    for (const e of events) if (e.state === 'scheduled') this.o.schedule(e);
    return messages;
  }

  /** The fate a copy's seeded stream draws first; the planner goes on drawing from the same stream. */
  private fateOf(recipient: string, seq: number): { fake: Fake; fate: string } {
    const fake = this.fake.reseed(deriveSeed(this.o.seed ^ 0x7a11, seq));
    return { fake, fate: fateOf(recipient, this.o.rules, fake.rng) };
  }

  private async copy(
    sub: Submission,
    recipient: string,
    now: number,
    source: { read: () => Promise<Prepared>; light?: Omit<Prepared, 'mime'> & { draft: Draft } },
  ): Promise<{ message: StoredMessage; events: TimelineEvent[] }> {
    const { id, seq } = this.nextId();
    // Delivery, opens and clicks quote nothing of the message: those fates leave a draft uncomposed.
    const { light } = source;
    const p = light && QUIET_FATES.has(this.fateOf(recipient, seq).fate) ? light : await source.read();
    const own = sub.recipientDsn?.[recipient];
    const options = own ? { ...p.options, dsn: { ...p.options.dsn, ...own } } : p.options;
    const base = this.o.trackingBase();
    const tracked: { mime?: string; links: string[]; pixel?: boolean } =
      'mime' in p
        ? await finishHtml(p.mime, {
            inlinecss: options.inlinecss,
            ...(options.trackclicks || options.trackopens
              ? {
                  tracking: {
                    clicks: options.trackclicks,
                    opens: options.trackopens,
                    preventscam: options.preventscam,
                    clickUrl: (n: number, original: string) => clickUrl(base, id, n, original),
                    pixelUrl: `${base}/o/${id}.gif`,
                  },
                }
              : {}),
            ...(options.images === 'hosted'
              ? { hostedImageUrl: (cid: string) => `${base}/i/${id}/${encodeURIComponent(cid)}` }
              : {}),
          })
        : { links: [] };
    const envelope =
      sub.envelope === ''
        ? ''
        : options.trackbounces
          ? flatString(id, '@bounces.', SERVE_HOST)
          : sub.envelope;
    const { fake, fate } = this.fateOf(recipient, seq);
    const composed =
      'mime' in p && tracked.mime !== undefined ? { mime: tracked.mime, submitted: p.mime } : undefined;
    const message: StoredMessage = {
      id,
      recipient,
      envelope,
      ...(composed ? { mime: composed.mime } : { draft: light!.draft }),
      options,
      acceptedAt: now,
      fate,
      links: tracked.links,
      via: sub.via,
      submitted: {
        envelope: sub.envelope,
        ...(composed ? { mime: composed.submitted } : { draft: light!.draft }),
      },
    };
    const facts = sentFacts(
      { ...p, options },
      id,
      // Uncomposed only for fates whose calls quote nothing of the message (QUIET_FATES).
      composed?.mime ?? '',
      envelope,
      now,
      composed ? recipientName(composed.submitted, recipient) : draftRecipientName(light!.draft, recipient),
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
      links: tracked.links.map((original, n) => ({ original, url: clickUrl(base, id, n, original) })),
      // Open tracking is a pixel in the HTML: without an HTML part there is nothing to open.
      trackopens: options.trackopens && tracked.pixel === true,
      ...(options.maxdelivertime
        ? { deadline: deadlineOf(options.maxdelivertime, now, this.o.timeScale) }
        : {}),
    });
    // With --defects, the plan's bounces as they go out (each message drawn from the seed and its number).
    const defective =
      this.o.defects === undefined
        ? undefined
        : withDrawnDefects(
            plan.map((p) => p.call),
            this.o.defects,
            this.o.seed,
            seq,
          );
    const events = plan.map((p, n): TimelineEvent => {
      const call = defective?.[n] ?? p.call;
      return {
        key: flatString(id, '/', n),
        messageId: id,
        kind: call.event.type,
        dueAt: p.at,
        call,
        state: this.o.carries(call.event.type) ? 'scheduled' : 'no-webhook',
        attempts: [],
      };
    });
    return { message, events };
  }
}
