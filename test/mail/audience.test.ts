import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventGenerator, SEEDED_EPOCH } from '../../src/generate/events.js';
import { AUDIENCE_TABLES, AUDIENCES } from '../../src/mail/audience.js';
import { companyDomain } from '../../src/mail/providers.js';
import { FakeSource } from '../../src/random/fake.js';

const CALLS = 4000;

/** The recipient domains of `sync-userunknown` (every receiving side has a wording) for an audience. */
function domains(audience: (typeof AUDIENCES)[number]): string[] {
  const gen = new EventGenerator({
    seed: 17,
    clock: () => SEEDED_EPOCH,
    scenario: 'sync-userunknown',
    audience,
  });
  return gen.take(CALLS).map((c) => c.event.recipient.split('@')[1]!);
}

for (const audience of AUDIENCES) {
  test(`--audience ${audience}: provider shares and consumer domains match the declared weights`, () => {
    const table = AUDIENCE_TABLES[audience];
    const providerOf = new Map<string, string>();
    for (const [provider, list] of Object.entries(table.domains))
      for (const [domain] of list) providerOf.set(domain, provider);
    const seen = domains(audience);
    const count = (p: string): number => seen.filter((d) => (providerOf.get(d) ?? 'company') === p).length;
    const total = Object.values(table.providers).reduce((a, b) => a + b, 0);
    for (const [provider, weight] of Object.entries(table.providers)) {
      const share = count(provider) / seen.length;
      // 4000 draws: 3 points is over four standard errors at any share here.
      assert.ok(
        Math.abs(share - weight / total) < 0.03,
        `${audience}/${provider}: ${(share * 100).toFixed(1)} %, declared ${((weight / total) * 100).toFixed(1)} %`,
      );
    }
    const outlook = seen.filter((d) => providerOf.get(d) === 'outlook');
    const listTotal = table.domains.outlook.reduce((a, [, w]) => a + w, 0);
    for (const [domain, weight] of table.domains.outlook) {
      const share = outlook.filter((d) => d === domain).length / outlook.length;
      assert.ok(Math.abs(share - weight / listTotal) < 0.06, `${audience} ${domain}: ${share.toFixed(3)}`);
    }
    const company = seen.filter((d) => !providerOf.has(d));
    for (const [tld, weight] of table.companyTlds) {
      const tldTotal = table.companyTlds.reduce((a, [, w]) => a + w, 0);
      const share = company.filter((d) => d.endsWith(`.${tld}`)).length / company.length;
      assert.ok(Math.abs(share - weight / tldTotal) < 0.06, `${audience} .${tld}: ${share.toFixed(3)}`);
    }
  });
}

test('company domains come in every shape: hyphenated, short, long, subdomains, ccTLDs, IDN punycode and Unicode', () => {
  const fake = new FakeSource().reseed(5);
  const all = Array.from({ length: 3000 }, () =>
    companyDomain(fake.reseed(fake.rng.int(1, 1e9)), 'global', true),
  );
  const shapes: Record<string, (d: string) => boolean> = {
    hyphenated: (d) => /^[a-z]+-[a-z]+\.[a-z.]+$/.test(d),
    short: (d) => /^[a-z]{2,12}\.[a-z]{2,3}$/.test(d),
    subdomain: (d) => /^[a-z]+\.[a-z-]+\.[a-z]{2,3}$/.test(d) && !d.startsWith('xn--'),
    'second-level ccTLD': (d) => /\.(co\.uk|com\.au)$/.test(d),
    punycode: (d) => d.startsWith('xn--'),
    unicode: (d) => /[^\x00-\x7f]/.test(d),
    long: (d) => /^[a-z]{14,}\.[a-z.]+$/.test(d),
  };
  for (const [shape, is] of Object.entries(shapes))
    assert.ok(all.filter(is).length > 30, `${shape}: ${all.filter(is).length} of ${all.length}`);
  // Without `unicode` the IDN stays in punycode (for MIME headers without SMTPUTF8).
  const ascii = Array.from({ length: 500 }, (_, i) => companyDomain(fake.reseed(i), 'nl'));
  assert.ok(ascii.every((d) => /^[\x21-\x7e]+$/.test(d)));
});
