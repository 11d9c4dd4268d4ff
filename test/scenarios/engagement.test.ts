import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { isIPv4, isIPv6 } from 'node:net';
import { describe, test } from 'node:test';
import { EventGenerator, SEEDED_EPOCH } from '../../src/generate/events.js';
import type {
  CallType,
  ClickEvent,
  DeliveryEvent,
  OpenEvent,
  SimCall,
  WebhookEvent,
} from '../../src/model/events.js';
import { parseMix } from '../../src/plan/load-plan.js';
import { findScenario } from '../../src/scenarios/catalogue.js';

function story(scenario: string, style: string, seed: number): SimCall[] {
  return new EventGenerator({ seed, clock: () => SEEDED_EPOCH, scenario, style }).instance(0);
}

const of = <T extends WebhookEvent>(calls: SimCall[], type: T['type']): T[] =>
  calls.map((c) => c.event).filter((e): e is T => e.type === type);

/** Python's ipaddress (not this project's code) says which addresses are in which networks. */
function inNetworks(ips: string[], networks: string[]): boolean[] {
  const script =
    'import ipaddress, json, sys\n' +
    'ips, nets = json.load(sys.stdin)\n' +
    'nets = [ipaddress.ip_network(n) for n in nets]\n' +
    'print(json.dumps([any(ipaddress.ip_address(i) in n for n in nets) for i in ips]))';
  return JSON.parse(
    execFileSync('python3', ['-c', script], { input: JSON.stringify([ips, networks]) }).toString(),
  );
}

/** Google's netblocks (its published goog.json) and the ranges Apple's relay partners egress from. */
const GOOGLE = ['64.233.160.0/19', '66.102.0.0/20', '66.249.64.0/19', '74.125.0.0/16', '2a00:1450::/32'];
const APPLE_RELAY = ['172.224.0.0/12', '104.28.0.0/16', '146.75.0.0/16', '2a02:26f7::/32', '2a09:bac0::/29'];

const DELIVERY_WORDS: Record<string, RegExp> = {
  gmail: /^250 2\.0\.0 OK {2}\d{10} [a-z]\d+-20020a05[0-9a-f]+si\d{7}[a-z]{3}\.\d+ - gsmtp$/,
  outlook:
    /^250 2\.6\.0 <[^>]+> \[InternalId=\d{14}, Hostname=[A-Z0-9]+\.[a-z]+\d\d\.prod\.outlook\.com\] \d+ bytes in \d\.\d{3}, \d+\.\d{3} KB\/sec Queued mail for delivery$/,
  yahoo: /^250 ok dirdel$/,
  postfix: /^250 2\.0\.0 Ok: queued as 4[A-Za-z0-9]{13,16}$/,
  exim: /^250 OK id=1[A-Za-z0-9]{5}-[A-Za-z0-9]{6}-[A-Za-z0-9]{2}$/,
  sendmail: /^250 2\.0\.0 [A-Za-x]{4}\d{4}[A-Za-x]\d{6} Message accepted for delivery$/,
  qmail: /^250 ok \d{10} qp \d+$/,
};

describe('engagement stories', () => {
  test("delivery calls carry the accepting server's own words", () => {
    for (const [style, words] of Object.entries(DELIVERY_WORDS))
      for (let seed = 1; seed <= 5; seed++) {
        const [delivery] = of<DeliveryEvent>(story('delivered', style, seed), 'delivery');
        const line = `${delivery!.code}${delivery!.extended ? ` ${delivery!.extended}` : ''} ${delivery!.description}`;
        assert.match(line, words, `${style} seed ${seed}`);
        if (style === 'outlook') assert.ok(delivery!.description.startsWith('<'), 'names the Message-ID');
      }
  });

  test('every story: one message, times in order, the delivery first', () => {
    for (const name of [
      'delivered-opened',
      'opened-clicked',
      'apple-prefetch-then-read',
      'scanner-clicks',
      'delivered-complaint',
    ]) {
      const scenario = findScenario(name);
      for (const style of scenario.styles)
        for (let seed = 1; seed <= 4; seed++) {
          const calls = story(name, style, seed);
          const where = `${name}/${style}/${seed}`;
          assert.equal(calls[0]!.event.type, 'delivery', where);
          assert.deepEqual(
            [...new Set(calls.map((c) => c.event.type))].sort(),
            [...scenario.calls].sort(),
            where,
          );
          for (const c of calls) {
            assert.equal(c.event.id, calls[0]!.event.id, where);
            assert.equal(c.event.recipient, calls[0]!.event.recipient, where);
          }
          for (let i = 1; i < calls.length; i++)
            assert.ok(calls[i]!.event.time >= calls[i - 1]!.event.time, where);
          assert.deepEqual(story(name, style, seed), calls, `${where}: the seed reproduces it`);
        }
    }
  });

  test("Gmail's proxy and Apple's prefetch fetch from their own ranges; Apple's comes first and soon", () => {
    const gmailIps: string[] = [];
    const appleIps: string[] = [];
    for (let seed = 1; seed <= 30; seed++) {
      const calls = story('apple-prefetch-then-read', 'gmail', seed);
      const [delivery] = of<DeliveryEvent>(calls, 'delivery');
      const [prefetch, read] = of<OpenEvent>(calls, 'open');
      assert.equal(prefetch!.useragent, 'Mozilla/5.0');
      assert.equal(prefetch!.referer, undefined);
      assert.ok(prefetch!.time - delivery!.time <= 600, 'within ten minutes of delivery');
      assert.ok(read!.time - prefetch!.time >= 3000, 'the person reads later');
      assert.notEqual(read!.useragent, 'Mozilla/5.0');
      appleIps.push(prefetch!.ip);
      for (const open of of<OpenEvent>(story('delivered-opened', 'gmail', seed), 'open'))
        if (open.useragent?.includes('GoogleImageProxy')) {
          assert.equal(open.referer, undefined, 'Gmail sends no referer');
          gmailIps.push(open.ip);
        }
    }
    assert.ok(gmailIps.length > 10);
    assert.deepEqual(
      inNetworks(gmailIps, GOOGLE),
      gmailIps.map(() => true),
    );
    assert.deepEqual(
      inNetworks(appleIps, APPLE_RELAY),
      appleIps.map(() => true),
    );
    assert.ok(appleIps.some(isIPv4) && appleIps.some(isIPv6), 'IPv4 and IPv6');
  });

  test('scanners follow every link within seconds of delivery; people click UTM-tagged links minutes after opening', () => {
    let utm = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const calls = story('scanner-clicks', 'defender', seed);
      const [delivery] = of<DeliveryEvent>(calls, 'delivery');
      const clicks = of<ClickEvent>(calls, 'click');
      assert.ok(clicks.length >= 1);
      for (const c of clicks) assert.ok(c.time - delivery!.time <= 20, `seed ${seed}: within seconds`);
      assert.equal(new Set(clicks.map((c) => c.original)).size, clicks.length, 'each link once');

      const person = story('opened-clicked', 'gmail', seed);
      const [delivered] = of<DeliveryEvent>(person, 'delivery');
      const [open] = of<OpenEvent>(person, 'open');
      for (const c of of<ClickEvent>(person, 'click')) {
        assert.ok(c.time - delivered!.time >= 60 && c.time >= open!.time, 'minutes later, after the open');
        const original = new URL(c.original);
        // Campaign parameters on every link but the unsubscribe one (a welcome message has only that).
        if (original.pathname.startsWith('/unsubscribe/')) assert.equal(original.search, '');
        else {
          assert.equal(original.searchParams.get('utm_medium'), 'email');
          assert.ok(original.searchParams.get('utm_campaign'));
          utm++;
        }
        const url = new URL(c.url);
        assert.equal(url.hostname, 'click.smtpeter.com');
        assert.equal(url.pathname, original.pathname, 'the tracking link keeps the path');
        assert.ok(isIPv4(c.ip) || isIPv6(c.ip));
      }
    }
    assert.ok(utm > 10);
  });

  test('a run that names no kind makes failure and bounce calls only, as before', () => {
    const types = new Set(
      new EventGenerator({ seed: 9, clock: () => SEEDED_EPOCH }).take(3000).map((c) => c.event.type),
    );
    assert.deepEqual([...types].sort(), ['bounce', 'failure']);
  });

  test('--mix campaign: the calls in its proportions', () => {
    const mix = parseMix('campaign');
    const calls = new EventGenerator({ seed: 3, clock: () => SEEDED_EPOCH, mix }).take(40_000);
    const count = new Map<CallType, number>();
    for (const c of calls) count.set(c.event.type, (count.get(c.event.type) ?? 0) + 1);
    const total = mix.reduce((n, e) => n + e.weight, 0);
    for (const e of mix) {
      const share = (count.get(e.type!) ?? 0) / calls.length;
      const want = e.weight / total;
      assert.ok(Math.abs(share - want) <= Math.max(0.01, want * 0.5), `${e.type}: ${share} vs ${want}`);
    }
    assert.ok((count.get('abuse') ?? 0) > 0 && (count.get('abuse') ?? 0) < 30);
  });
});
