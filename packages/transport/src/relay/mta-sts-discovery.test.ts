import {
  type DnsServer,
  type HttpsServer,
  startDnsServer,
  startHttpsServer,
  TestCa,
} from '@sealpost/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryMtaStsPolicyCache } from './mta-sts-cache.js';
import { discoverMtaStsPolicy, type MtaStsDiscoveryDeps } from './mta-sts-discovery.js';
import {
  createHttpsPolicyFetcher,
  type MtaStsPolicyFetcher,
  POLICY_PATH,
} from './mta-sts-fetch.js';
import { createRelayResolver, type RelayResolver } from './relay-resolver.js';

// Real DNS messages from a loopback server, real HTTPS with a test CA; only the port differs
// from the Internet (443 → the test server's port).
const DOMAINS = [
  'enforce.test',
  'testing.test',
  'none.test',
  'nopolicy.test',
  'rotate.test',
  'maxage.test',
  'malformed.test',
  'redirect.test',
  'html.test',
  'notfound.test',
  'slow.test',
  'huge.test',
  'dnsfail.test',
  'multi.test',
  'withdrawn.test',
  'hosted.test',
  'flaky.test',
];

let dns: DnsServer;
let https: HttpsServer;
let resolver: RelayResolver;
let fetcher: MtaStsPolicyFetcher;
let caPem: string;
let clock: number;
let cache: MemoryMtaStsPolicyCache;

function policy(mode: string, mx: string[], maxAge = 86400): string {
  return `version: STSv1\r\nmode: ${mode}\r\n${mx.map((m) => `mx: ${m}\r\n`).join('')}max_age: ${maxAge}\r\n`;
}

function publish(
  domain: string,
  id: string,
  body: string,
  headers = { 'content-type': 'text/plain' },
) {
  dns.set(`_mta-sts.${domain}`, [{ type: 'TXT', strings: [`v=STSv1; id=${id};`] }]);
  https.set(`mta-sts.${domain}${POLICY_PATH}`, { headers, body });
}

function fetchesOf(domain: string): number {
  return https.requests.filter((r) => r.host === `mta-sts.${domain}`).length;
}

function deps(overrides: Partial<MtaStsDiscoveryDeps> = {}): MtaStsDiscoveryDeps {
  return { resolver, fetcher, cache, now: () => clock, ...overrides };
}

beforeAll(async () => {
  const ca = await TestCa.create({ name: 'MTA-STS test CA' });
  caPem = ca.certPem;
  dns = await startDnsServer();
  // badcert.test's policy host is deliberately not in the certificate.
  https = await startHttpsServer({ ca, hosts: DOMAINS.map((d) => `mta-sts.${d}`) });
  for (const domain of [...DOMAINS, 'badcert.test']) {
    dns.set(`mta-sts.${domain}`, [{ type: 'A', address: '127.0.0.1' }]);
  }
  resolver = createRelayResolver({ servers: [dns.address], timeoutMs: 500, tries: 1 });
  fetcher = createHttpsPolicyFetcher({ resolver, ca: caPem, port: https.port, timeoutMs: 3_000 });
});
afterAll(async () => {
  await https.close();
  await dns.close();
});
beforeEach(() => {
  clock = Date.UTC(2026, 10, 27, 12);
  cache = new MemoryMtaStsPolicyCache();
});

describe('MTA-STS discovery (RFC 8461 §3, §5.1)', () => {
  it('enforce: fetches over HTTPS once, then serves the same id from the cache', async () => {
    publish('enforce.test', 'e1', policy('enforce', ['mx1.enforce.test', '*.backup.enforce.test']));
    const first = await discoverMtaStsPolicy('enforce.test', deps());
    expect(first).toMatchObject({
      recordId: 'e1',
      applied: { id: 'e1', source: 'fetched', policy: { mode: 'enforce' } },
      problems: [],
    });
    expect(first.applied?.policy.mx).toEqual(['mx1.enforce.test', '*.backup.enforce.test']);
    expect(https.requests.at(-1)).toMatchObject({
      host: 'mta-sts.enforce.test',
      path: '/.well-known/mta-sts.txt',
      servername: 'mta-sts.enforce.test',
    });
    const fetches = fetchesOf('enforce.test');
    const second = await discoverMtaStsPolicy('enforce.test', deps());
    expect(second.applied).toMatchObject({ id: 'e1', source: 'cache' });
    expect(fetchesOf('enforce.test')).toBe(fetches);
  });

  it('testing and none modes are returned as published', async () => {
    publish('testing.test', 't1', policy('testing', ['mx.testing.test']));
    publish('none.test', 'n1', 'version: STSv1\nmode: none\nmax_age: 86400\n');
    expect((await discoverMtaStsPolicy('testing.test', deps())).applied?.policy.mode).toBe(
      'testing',
    );
    expect((await discoverMtaStsPolicy('none.test', deps())).applied?.policy.mode).toBe('none');
  });

  it('no _mta-sts record: no policy, and no HTTPS request is made', async () => {
    const result = await discoverMtaStsPolicy('nopolicy.test', deps());
    expect(result).toEqual({
      policyDomain: 'nopolicy.test',
      recordId: null,
      applied: null,
      problems: [],
    });
    expect(fetchesOf('nopolicy.test')).toBe(0);
  });

  it('a new id in the TXT record makes it fetch the policy again', async () => {
    publish('rotate.test', 'r1', policy('testing', ['old.rotate.test']));
    await discoverMtaStsPolicy('rotate.test', deps());
    publish('rotate.test', 'r2', policy('enforce', ['new.rotate.test']));
    clock += 1_000;
    const after = await discoverMtaStsPolicy('rotate.test', deps());
    expect(after.applied).toMatchObject({
      id: 'r2',
      source: 'fetched',
      policy: { mode: 'enforce', mx: ['new.rotate.test'] },
    });
    expect(fetchesOf('rotate.test')).toBe(2);
    expect(cache.get('rotate.test')?.id).toBe('r2');
  });

  it('a cached policy expires after max_age seconds and is fetched again', async () => {
    publish('maxage.test', 'm1', policy('enforce', ['mx.maxage.test'], 60));
    await discoverMtaStsPolicy('maxage.test', deps());
    clock += 59_000;
    expect((await discoverMtaStsPolicy('maxage.test', deps())).applied?.source).toBe('cache');
    expect(fetchesOf('maxage.test')).toBe(1);
    clock += 2_000;
    const expired = await discoverMtaStsPolicy('maxage.test', deps());
    expect(expired.applied).toMatchObject({ source: 'fetched', expiresAt: clock + 60_000 });
    expect(fetchesOf('maxage.test')).toBe(2);
  });

  it('a malformed policy counts as no policy, with the reason reported', async () => {
    publish('malformed.test', 'x1', 'version: STSv1\nmode: enforce\nmax_age: 86400\n');
    const result = await discoverMtaStsPolicy('malformed.test', deps());
    expect(result.applied).toBeNull();
    expect(result.problems.join()).toMatch(
      /invalid: a policy in enforce mode must list at least one mx/,
    );
  });

  it('HTTPS certificate invalid: the fetch fails and delivery proceeds as without MTA-STS (§3.3)', async () => {
    dns.set('_mta-sts.badcert.test', [{ type: 'TXT', strings: ['v=STSv1; id=b1;'] }]);
    const result = await discoverMtaStsPolicy('badcert.test', deps());
    expect(result.recordId).toBe('b1');
    expect(result.applied).toBeNull();
    expect(result.problems.join()).toMatch(
      /fetching the policy failed: .*(altnames|ERR_TLS_CERT_ALTNAME_INVALID)/,
    );
  });

  it('a certificate from an untrusted CA fails the fetch, and an unexpired cached policy still applies', async () => {
    publish('enforce.test', 'e1', policy('enforce', ['mx1.enforce.test']));
    await discoverMtaStsPolicy('enforce.test', deps());
    const otherCa = await TestCa.create({ name: 'Unrelated CA' });
    const distrusting = createHttpsPolicyFetcher({
      resolver,
      ca: otherCa.certPem,
      port: https.port,
      timeoutMs: 3_000,
    });
    publish('enforce.test', 'e2', policy('none', []));
    const result = await discoverMtaStsPolicy('enforce.test', deps({ fetcher: distrusting }));
    expect(result.recordId).toBe('e2');
    expect(result.applied).toMatchObject({
      id: 'e1',
      source: 'cache',
      policy: { mode: 'enforce' },
    });
    expect(result.problems.join()).toMatch(/fetching the policy failed/);
  });

  it.each([
    [
      'redirect.test',
      { status: 301, headers: { location: 'https://mta-sts.enforce.test/' } },
      /HTTP 301/,
    ],
    [
      'html.test',
      { headers: { 'content-type': 'text/html' }, body: policy('enforce', ['a.html.test']) },
      /not text\/plain/,
    ],
    [
      'notfound.test',
      { status: 404, headers: { 'content-type': 'text/plain' }, body: 'no' },
      /HTTP 404/,
    ],
  ])('%s: the policy is refused (no redirects followed)', async (domain, route, reason) => {
    dns.set(`_mta-sts.${domain}`, [{ type: 'TXT', strings: ['v=STSv1; id=z1;'] }]);
    https.set(`mta-sts.${domain}${POLICY_PATH}`, route);
    const before = https.requests.length;
    const result = await discoverMtaStsPolicy(domain, deps());
    expect(result.applied).toBeNull();
    expect(result.problems.join()).toMatch(reason);
    expect(https.requests.length).toBe(before + 1);
  });

  it('a slow or oversized policy is abandoned within the limits', async () => {
    publish('slow.test', 's1', policy('enforce', ['mx.slow.test']));
    https.set(`mta-sts.slow.test${POLICY_PATH}`, {
      headers: { 'content-type': 'text/plain' },
      body: policy('enforce', ['mx.slow.test']),
      delayMs: 5_000,
    });
    const impatient = createHttpsPolicyFetcher({
      resolver,
      ca: caPem,
      port: https.port,
      timeoutMs: 300,
    });
    const started = Date.now();
    const slow = await discoverMtaStsPolicy('slow.test', deps({ fetcher: impatient }));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(slow.applied).toBeNull();
    expect(slow.problems.join()).toMatch(/no policy within 300 ms/);

    publish('huge.test', 'h1', `${policy('enforce', ['mx.huge.test'])}${'x: y\n'.repeat(20_000)}`);
    const huge = await discoverMtaStsPolicy('huge.test', deps());
    expect(huge.applied).toBeNull();
    expect(huge.problems.join()).toMatch(/larger than 65536 bytes/);
  });

  it('DNS failure or a withdrawn record: an unexpired cached policy still applies, else none', async () => {
    publish('dnsfail.test', 'd1', policy('enforce', ['mx.dnsfail.test']));
    await discoverMtaStsPolicy('dnsfail.test', deps());
    dns.fault('_mta-sts.dnsfail.test', 'servfail');
    try {
      const cached = await discoverMtaStsPolicy('dnsfail.test', deps());
      expect(cached.applied).toMatchObject({ source: 'cache', policy: { mode: 'enforce' } });
      expect(cached.problems.join()).toMatch(/ESERVFAIL/);
      const fresh = await discoverMtaStsPolicy(
        'dnsfail.test',
        deps({ cache: new MemoryMtaStsPolicyCache() }),
      );
      expect(fresh.applied).toBeNull();
    } finally {
      dns.clearFault('_mta-sts.dnsfail.test');
    }

    publish('withdrawn.test', 'w1', policy('enforce', ['mx.withdrawn.test'], 3600));
    await discoverMtaStsPolicy('withdrawn.test', deps());
    dns.delete('_mta-sts.withdrawn.test');
    clock += 3_599_000;
    expect((await discoverMtaStsPolicy('withdrawn.test', deps())).applied?.source).toBe('cache');
    clock += 2_000;
    expect((await discoverMtaStsPolicy('withdrawn.test', deps())).applied).toBeNull();
  });

  it('follows a CNAME from _mta-sts to a provider-hosted record (§3.1)', async () => {
    https.set(`mta-sts.hosted.test${POLICY_PATH}`, {
      headers: { 'content-type': 'text/plain' },
      body: policy('enforce', ['mx.provider.test']),
    });
    dns.set('_mta-sts.hosted.test', [{ type: 'CNAME', target: '_mta-sts.provider.test' }]);
    dns.set('_mta-sts.provider.test', [{ type: 'TXT', strings: ['v=STSv1; id=prov7;'] }]);
    const result = await discoverMtaStsPolicy('hosted.test', deps());
    expect(result.applied).toMatchObject({ id: 'prov7', policy: { mx: ['mx.provider.test'] } });
  });

  it('after a failed fetch the same id is not fetched again for five minutes; a new id is', async () => {
    publish('flaky.test', 'f1', 'version: STSv1\nmode: enforce\n');
    const first = await discoverMtaStsPolicy('flaky.test', deps());
    expect(first.applied).toBeNull();
    expect(fetchesOf('flaky.test')).toBe(1);

    clock += 4 * 60_000;
    const soon = await discoverMtaStsPolicy('flaky.test', deps());
    expect(soon.problems.join()).toMatch(/not fetched again before/);
    expect(fetchesOf('flaky.test')).toBe(1);

    clock += 2 * 60_000;
    publish('flaky.test', 'f1', policy('enforce', ['mx.flaky.test']));
    expect((await discoverMtaStsPolicy('flaky.test', deps())).applied?.source).toBe('fetched');
    expect(fetchesOf('flaky.test')).toBe(2);

    https.set(`mta-sts.flaky.test${POLICY_PATH}`, { status: 500 });
    publish('flaky.test', 'f2', 'broken');
    await discoverMtaStsPolicy('flaky.test', deps());
    publish('flaky.test', 'f3', policy('testing', ['mx.flaky.test']));
    const renewed = await discoverMtaStsPolicy('flaky.test', deps());
    expect(renewed.applied).toMatchObject({ id: 'f3', source: 'fetched' });
    expect(fetchesOf('flaky.test')).toBe(4);
  });

  it('two STS records at once mean no policy', async () => {
    dns.set('_mta-sts.multi.test', [
      { type: 'TXT', strings: ['v=STSv1; id=one;'] },
      { type: 'TXT', strings: ['v=STSv1; id=two;'] },
    ]);
    const result = await discoverMtaStsPolicy('multi.test', deps());
    expect(result.applied).toBeNull();
    expect(result.problems.join()).toMatch(/exactly one is allowed/);
    expect(fetchesOf('multi.test')).toBe(0);
  });
});
