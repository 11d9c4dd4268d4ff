import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { SEEDED_EPOCH } from '../../src/generate/events.js';
import type { BounceEvent } from '../../src/model/events.js';
import { FakeSource } from '../../src/random/fake.js';
import { deriveSeed } from '../../src/random/rng.js';
import {
  CHALLENGE_STYLES,
  composeAutoReply,
  HELPDESK_STYLES,
} from '../../src/scenarios/autoreply/scenarios.js';
import { SCENARIOS } from '../../src/scenarios/catalogue.js';
import { MODERATION_STYLES } from '../../src/scenarios/moderation/scenarios.js';
import { composeNotice } from '../../src/scenarios/reply-notice.js';
import type { ScenarioInput } from '../../src/scenarios/types.js';
import { cli } from '../helpers/cli.js';
import { hasOnlyCrlf } from '../helpers/mime.js';

const SEEDS = 20;

/** One generated notice with what it was meant to be. */
interface Sample {
  scenario: string;
  style: string;
  seed: number;
  mime: string;
  subject: string;
  mailfrom: string;
  event: BounceEvent;
  /** The original message's Message-ID, From address and Subject. */
  original: { messageId: string; from: string; subject: string };
}

const input = (fake: FakeSource, style: string): ScenarioInput => ({
  fake,
  now: SEEDED_EPOCH,
  style,
  message: {},
  attachmentBytes: 0,
});

function samples(): Sample[] {
  const fake = new FakeSource();
  const out: Sample[] = [];
  const notices = [
    ['autoreply-challenge', CHALLENGE_STYLES],
    ['autoreply-ticket', HELPDESK_STYLES],
    ['moderation-held', MODERATION_STYLES],
  ] as const;
  for (let seed = 1; seed <= SEEDS; seed++) {
    for (const [scenario, styles] of notices) {
      for (const { style } of styles) {
        fake.reseed(deriveSeed(11, seed));
        const n = composeNotice(input(fake, style.name), scenario, styles);
        const m = n.message;
        out.push({
          scenario,
          style: style.name,
          seed,
          mime: (n.call.event as BounceEvent).mime,
          subject: n.subject,
          mailfrom: n.call.mailfrom ?? '',
          event: n.call.event as BounceEvent,
          original: { messageId: m.messageId, from: m.fromAddress, subject: m.subject },
        });
      }
    }
    for (const style of ['exchange', 'dovecot', 'cyrus']) {
      fake.reseed(deriveSeed(11, seed));
      const r = composeAutoReply(input(fake, style), 'left-company');
      const bounce = r.call.event as BounceEvent;
      const messageId = /^In-Reply-To: (\S+)/m.exec(bounce.mime)![1]!;
      out.push({
        scenario: 'autoreply-left-company',
        style,
        seed,
        mime: bounce.mime,
        subject: r.subject,
        mailfrom: r.call.mailfrom ?? '',
        event: bounce,
        original: { messageId, from: '', subject: '' },
      });
    }
  }
  return out;
}

/**
 * Python's email package (not this project's code) reads every notice: the
 * decoded Subject, the threading and auto-reply fields, the parts, the
 * returned message's Message-ID, the delivery-status fields, the text, and
 * any defect it finds.
 */
const READER = `
import email, email.policy, email.parser, json, sys
out = []
for raw in json.load(sys.stdin):
    m = email.message_from_string(raw, policy=email.policy.default)
    r = {k: (str(m[k]) if m[k] is not None else None) for k in
         ['Subject', 'From', 'To', 'In-Reply-To', 'References', 'Auto-Submitted', 'Precedence', 'Sender', 'Errors-To']}
    r['type'] = m.get_content_type()
    r['parts'] = [p.get_content_type() for p in m.walk()]
    r['defects'] = [type(d).__name__ for p in m.walk() for d in p.defects]
    r['returned_id'] = None
    r['status'] = None
    r['text'] = ''
    for p in m.walk():
        ct = p.get_content_type()
        if ct == 'message/rfc822':
            r['returned_id'] = str(p.get_payload()[0]['Message-ID'])
        elif ct == 'text/rfc822-headers':
            h = email.parser.HeaderParser().parsestr(p.get_content())
            r['returned_id'] = h['Message-ID']
        elif ct == 'message/delivery-status':
            blocks = p.get_payload()
            r['status'] = {k.lower(): str(v) for k, v in blocks[1].items()}
        elif ct == 'text/plain' and not r['text']:
            r['text'] = p.get_content().replace('\\r\\n', '\\n')
    out.append(r)
print(json.dumps(out))
`;

interface Read {
  Subject: string | null;
  From: string | null;
  To: string | null;
  'In-Reply-To': string | null;
  References: string | null;
  'Auto-Submitted': string | null;
  Precedence: string | null;
  Sender: string | null;
  'Errors-To': string | null;
  type: string;
  parts: string[];
  defects: string[];
  returned_id: string | null;
  status: Record<string, string> | null;
  text: string;
}

const all = samples();
const reads: Read[] = JSON.parse(
  execFileSync('python3', ['-c', READER], {
    input: JSON.stringify(all.map((s) => s.mime)),
    maxBuffer: 64 << 20,
  }).toString(),
) as Read[];

/** What each real system writes, per style: the facts the tests hold the bytes to. */
const REAL: Record<
  string,
  {
    autoSubmitted: string | null;
    threads: boolean;
    to: 'envelope' | 'from';
    type: string;
    mailfrom: 'null' | 'own';
  }
> = {
  tmda: {
    autoSubmitted: 'auto-replied',
    threads: true,
    to: 'envelope',
    type: 'multipart/mixed',
    mailfrom: 'null',
  },
  zendesk: {
    autoSubmitted: 'auto-generated',
    threads: true,
    to: 'from',
    type: 'multipart/alternative',
    mailfrom: 'own',
  },
  osticket: {
    autoSubmitted: 'auto-replied',
    threads: true,
    to: 'from',
    type: 'multipart/alternative',
    mailfrom: 'own',
  },
  mailman2: { autoSubmitted: null, threads: false, to: 'from', type: 'text/plain', mailfrom: 'own' },
  mailman3: { autoSubmitted: null, threads: false, to: 'from', type: 'text/plain', mailfrom: 'own' },
  sympa: {
    autoSubmitted: 'auto-replied',
    threads: false,
    to: 'envelope',
    type: 'multipart/report',
    mailfrom: 'null',
  },
  exchange: { autoSubmitted: 'auto-generated', threads: true, to: 'envelope', type: '', mailfrom: 'null' },
  dovecot: {
    autoSubmitted: 'auto-replied (vacation)',
    threads: true,
    to: 'envelope',
    type: 'text/plain',
    mailfrom: 'null',
  },
  cyrus: {
    autoSubmitted: 'auto-replied (vacation)',
    threads: true,
    to: 'envelope',
    type: 'text/plain',
    mailfrom: 'null',
  },
};

const address = (field: string | null): string => /<([^>]+)>/.exec(field ?? '')?.[1] ?? (field ?? '').trim();

describe('non-vacation auto-replies and moderation notices, read by Python email', () => {
  test(`${all.length} notices: CRLF only, no parser defects, the Subject decodes to what was meant`, () => {
    all.forEach((s, i) => {
      const where = `${s.scenario}/${s.style}/seed ${s.seed}`;
      assert.ok(hasOnlyCrlf(s.mime), `${where}: bare LF or CR`);
      assert.deepEqual(reads[i]!.defects, [], where);
      assert.equal(reads[i]!.Subject, s.subject, where);
    });
  });

  test('headers as the real system writes them: Auto-Submitted, threading, To, envelope sender, type', () => {
    all.forEach((s, i) => {
      const r = reads[i]!;
      const real = REAL[s.style]!;
      const where = `${s.scenario}/${s.style}/seed ${s.seed}`;
      assert.equal(r['Auto-Submitted'], real.autoSubmitted, where);
      if (real.threads) {
        assert.equal(r['In-Reply-To'], s.original.messageId, `${where}: In-Reply-To`);
        assert.ok(r.References?.includes(s.original.messageId), `${where}: References`);
      } else {
        assert.equal(r['In-Reply-To'], null, `${where}: this system does not thread`);
      }
      const to = address(r.To);
      if (real.to === 'envelope') assert.equal(to, s.event.envelope, `${where}: To`);
      else assert.equal(to, s.original.from, `${where}: To is the message's From`);
      assert.equal(s.mailfrom === '', real.mailfrom === 'null', `${where}: envelope sender`);
      if (real.type) assert.equal(r.type, real.type, where);
    });
  });

  test("the original's Subject is quoted where the system quotes it, its Message-ID returned where it returns it", () => {
    all.forEach((s, i) => {
      const r = reads[i]!;
      const where = `${s.scenario}/${s.style}/seed ${s.seed}`;
      if (s.style === 'zendesk') assert.equal(r.Subject, `[Request received] ${s.original.subject}`, where);
      if (s.style === 'mailman3') assert.ok(r.text.includes(`    ${s.original.subject}\n`), where);
      if (s.style === 'mailman2') {
        assert.ok(r.text.includes(`    ${s.original.subject.replace(/[^\x00-\x7f]/gu, '?')}\n`), where);
        assert.equal(
          address(r['Errors-To']),
          s.mailfrom,
          `${where}: Errors-To is the -bounces envelope sender`,
        );
        assert.equal(address(r.Sender), s.mailfrom, where);
      }
      if (s.style === 'tmda' || s.style === 'sympa') assert.equal(r.returned_id, s.original.messageId, where);
      if (s.style === 'tmda')
        assert.match(
          r.text,
          /^This message was created automatically by mail delivery software \(TMDA\)\./,
          where,
        );
    });
  });

  test("Sympa's report: Action delivered, Status 2.3.0, the list address (the call's recipient) as Final-Recipient", () => {
    all.forEach((s, i) => {
      if (s.style !== 'sympa') return;
      const status = reads[i]!.status!;
      assert.equal(status['action'], 'delivered');
      assert.equal(status['status'], '2.3.0');
      assert.equal(status['final-recipient'], `rfc822; ${s.event.recipient}`);
      assert.match(
        status['diagnostic-code']!,
        /^X-Sympa; Message has been forwarded to the list moderator\(s\)$/,
      );
    });
  });
});

describe('wordings and determinism', () => {
  test('the same seed gives the same bytes; other seeds other bytes', () => {
    const again = samples();
    assert.deepEqual(
      again.map((s) => s.mime),
      all.map((s) => s.mime),
    );
    for (const style of Object.keys(REAL)) {
      const texts = new Set(all.filter((s) => s.style === style).map((s) => s.mime));
      assert.equal(texts.size, SEEDS, `${style}: every seed its own notice`);
    }
  });

  test('several sourced wordings where the real systems have several: >= 3 per language and per reason list', () => {
    const firstSentences = new Map<string, Set<string>>();
    const fake = new FakeSource();
    for (let seed = 1; seed <= 80; seed++) {
      fake.reseed(deriveSeed(17, seed));
      const { text } = composeAutoReply(input(fake, 'dovecot'), 'left-company');
      const sentence = text.body.split(/(?<=[.;:])\s/)[0]!;
      firstSentences.set(text.lang, (firstSentences.get(text.lang) ?? new Set()).add(sentence));
    }
    assert.deepEqual([...firstSentences.keys()].sort(), ['de', 'en', 'fr', 'nl']);
    for (const [lang, sentences] of firstSentences)
      assert.ok(sentences.size >= 3, `left-company ${lang}: ${[...sentences].join(' | ')}`);
    // Mailman's hold reasons, over more seeds: the rare ones are 5% each.
    const reasons = new Set<string>();
    for (let seed = 1; seed <= 120; seed++) {
      fake.reseed(deriveSeed(13, seed));
      const mime = (
        composeNotice(input(fake, 'mailman2'), 'moderation-held', MODERATION_STYLES).call.event as BounceEvent
      ).mime;
      const reason = /(?:held|vastgehouden):\r\n\r\n {4}(.*?)=?\r\n/.exec(mime)?.[1];
      if (reason) reasons.add(reason);
    }
    assert.ok(reasons.size >= 6, `mailman2 reasons (en + nl): ${[...reasons].join(' | ')}`);
  });
});

test('`smtpeter-sim scenarios --json` lists the new kinds with their styles', async () => {
  const { code, stdout } = await cli(['scenarios', '--json']);
  assert.equal(code, 0);
  const listed = JSON.parse(stdout) as Array<{
    name: string;
    kind: string;
    styles: string[];
    calls: string[];
  }>;
  const expect: Record<string, [string, string[]]> = {
    'autoreply-left-company': ['autoreply', ['exchange', 'dovecot', 'cyrus']],
    'autoreply-challenge': ['autoreply', ['tmda']],
    'autoreply-ticket': ['autoreply', ['zendesk', 'osticket']],
    'moderation-held': ['moderation', ['mailman2', 'mailman3', 'sympa']],
  };
  for (const [name, [kind, styles]] of Object.entries(expect)) {
    const s = listed.find((x) => x.name === name);
    assert.ok(s, name);
    assert.equal(s.kind, kind, name);
    assert.deepEqual(s.styles, styles, name);
    assert.deepEqual(s.calls, ['bounce'], `${name}: a bounce call only`);
  }
  assert.equal(listed.length, SCENARIOS.length);
});
