import {
  type DnsServer,
  type HttpsServer,
  type RunningSubmissionServer,
  startDnsServer,
  startHttpsServer,
  startSubmissionServer,
  TestCa,
} from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpsPolicyFetcher, POLICY_PATH } from './mta-sts-fetch.js';
import { createRelayResolver } from './relay-resolver.js';
import { createRelayTransport, groupRecipientsByDomain } from './relay-transport.js';

let ca: TestCa;
let dns: DnsServer;
let https: HttpsServer;
let strict: RunningSubmissionServer;
let loose: RunningSubmissionServer;

beforeAll(async () => {
  ca = await TestCa.create({ name: 'relay transport CA' });
  [dns, https, strict, loose] = await Promise.all([
    startDnsServer({
      zone: {
        'strict.test': [{ type: 'MX', preference: 10, exchange: 'mx.strict.test' }],
        'mx.strict.test': [{ type: 'A', address: '127.0.0.1' }],
        '_mta-sts.strict.test': [{ type: 'TXT', strings: ['v=STSv1; id=s1;'] }],
        'mta-sts.strict.test': [{ type: 'A', address: '127.0.0.1' }],
        'loose.test': [{ type: 'MX', preference: 10, exchange: 'mx.loose.test' }],
        'mx.loose.test': [{ type: 'A', address: '127.0.0.1' }],
      },
    }),
    startHttpsServer({ ca, hosts: ['mta-sts.strict.test'] }),
    startSubmissionServer({
      mode: 'starttls',
      certificate: await ca.issueServerCertificate({ hosts: ['mx.strict.test'] }),
    }),
    startSubmissionServer({ mode: 'none' }),
  ]);
  https.set(`mta-sts.strict.test${POLICY_PATH}`, {
    headers: { 'content-type': 'text/plain' },
    body: 'version: STSv1\nmode: enforce\nmx: mx.strict.test\nmax_age: 86400\n',
  });
});
afterAll(async () => {
  await Promise.all([strict.close(), loose.close(), https.close(), dns.close()]);
});

function transport(allowOpportunistic: boolean) {
  const resolver = createRelayResolver({ servers: [dns.address], timeoutMs: 500, tries: 1 });
  return createRelayTransport({
    resolver,
    fetcher: createHttpsPolicyFetcher({
      resolver,
      ca: ca.certPem,
      port: https.port,
      timeoutMs: 3_000,
    }),
    ca: ca.certPem,
    port: (host) => (host === 'mx.strict.test' ? strict.port : loose.port),
    timeouts: { connectMs: 3_000, greetingMs: 3_000, socketMs: 5_000 },
    allowOpportunistic,
  });
}

const raw = Buffer.from(
  'From: a@sender.test\r\nTo: x@strict.test, y@loose.test\r\nSubject: two domains\r\n\r\nHi.\r\n',
);

describe('createRelayTransport', () => {
  it('groups recipients by domain (A-labels, case-insensitive)', () => {
    expect([...groupRecipientsByDomain(['a@X.test', 'b@x.test', 'c@bücher.test'])]).toEqual([
      ['x.test', ['a@X.test', 'b@x.test']],
      ['xn--bcher-kva.test', ['c@bücher.test']],
    ]);
    expect(() => groupRecipientsByDomain(['nobody'])).toThrow(/no recipient domain/);
  });

  it('delivers per domain; without permission the unprotected domain fails alone', async () => {
    const relay = transport(false);
    const outcomes = await relay.send({
      envelope: { from: 'a@sender.test', to: ['x@strict.test', 'y@loose.test'] },
      raw,
    });
    expect(outcomes.map((o) => [o.domain, 'report' in o ? 'delivered' : o.error.code])).toEqual([
      ['strict.test', 'delivered'],
      ['loose.test', 'EOPPORTUNISTIC'],
    ]);
    expect(strict.messages.at(-1)?.to).toEqual(['x@strict.test']);
    expect(loose.messages).toHaveLength(0);
  });

  it('keeps the MTA-STS policy cached across sends, and delivers opportunistically when allowed', async () => {
    const relay = transport(true);
    const input = {
      envelope: { from: 'a@sender.test', to: ['x@strict.test', 'y@loose.test'] },
      raw,
    };
    const before = https.requests.length;
    const first = await relay.send(input);
    const second = await relay.send(input);
    expect(https.requests.length).toBe(before + 1);
    for (const outcomes of [first, second]) {
      const [strictOutcome, looseOutcome] = outcomes;
      expect(
        strictOutcome &&
          'report' in strictOutcome &&
          strictOutcome.report.exposure.networkAttackerCouldReadOrAlter,
      ).toBe(false);
      expect(
        looseOutcome && 'report' in looseOutcome && looseOutcome.report.exposure.reasons,
      ).toEqual(['no-policy', 'no-tls']);
    }
    expect(loose.messages.map((m) => m.to)).toEqual([['y@loose.test'], ['y@loose.test']]);
  });
});
