import {
  type DnsServer,
  type HttpsServer,
  type PostfixInstance,
  startDnsServer,
  startHttpsServer,
  startPostfix,
  TestCa,
} from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryMtaStsPolicyCache } from './mta-sts-cache.js';
import { createHttpsPolicyFetcher, POLICY_PATH } from './mta-sts-fetch.js';
import { deliverRelay } from './relay-delivery.js';
import { planRelayDelivery, type RelayPlanDeps } from './relay-plan.js';
import { createRelayResolver } from './relay-resolver.js';

// A real MTA as the MX: Postfix's server-to-server port, found through MX records and an
// enforced MTA-STS policy served over HTTPS, all on loopback.
let ca: TestCa;
let dns: DnsServer;
let https: HttpsServer;
let postfix: PostfixInstance;
let deps: RelayPlanDeps;

beforeAll(async () => {
  ca = await TestCa.create({ name: 'relay postfix CA' });
  [dns, https, postfix] = await Promise.all([
    startDnsServer({
      zone: {
        'postfix.test': [{ type: 'MX', preference: 10, exchange: 'mx.postfix.test' }],
        'mx.postfix.test': [{ type: 'A', address: '127.0.0.1' }],
        '_mta-sts.postfix.test': [{ type: 'TXT', strings: ['v=STSv1; id=pf1;'] }],
        'mta-sts.postfix.test': [{ type: 'A', address: '127.0.0.1' }],
      },
    }),
    startHttpsServer({ ca, hosts: ['mta-sts.postfix.test'] }),
    startPostfix({ ca, relay: true, hosts: ['mx.postfix.test'] }),
  ]);
  https.set(`mta-sts.postfix.test${POLICY_PATH}`, {
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body: 'version: STSv1\r\nmode: enforce\r\nmx: mx.postfix.test\r\nmax_age: 604800\r\n',
  });
  const resolver = createRelayResolver({ servers: [dns.address], timeoutMs: 500, tries: 1 });
  deps = {
    resolver,
    fetcher: createHttpsPolicyFetcher({
      resolver,
      ca: ca.certPem,
      port: https.port,
      timeoutMs: 3_000,
    }),
    cache: new MemoryMtaStsPolicyCache(),
    port: () => postfix.relayPort!,
  };
});
afterAll(async () => {
  await Promise.all([postfix?.stop(), https?.close(), dns?.close()]);
});

describe('relay mode against Postfix as the MX', () => {
  it('delivers under an enforced policy; the Maildir holds the same bytes', async () => {
    const raw = Buffer.from(
      'From: alice@sender.test\r\nTo: bob@postfix.test\r\nSubject: direct to Postfix\r\nMessage-ID: <pf@sender.test>\r\nDate: Fri, 27 Nov 2026 19:00:00 +0000\r\n\r\nLine one.\r\n.leading dot\r\nLine three.\r\n',
    );
    const plan = await planRelayDelivery('postfix.test', deps);
    const report = await deliverRelay(
      { envelope: { from: 'alice@sender.test', to: ['bob@postfix.test'] }, raw },
      plan,
      { ca: ca.certPem, timeouts: { connectMs: 3_000, greetingMs: 5_000, socketMs: 10_000 } },
    );
    expect(report).toMatchObject({
      mode: 'enforce',
      policyId: 'pf1',
      host: 'mx.postfix.test',
      tls: { verified: true },
      exposure: { networkAttackerCouldReadOrAlter: false },
    });
    expect(report.transport.queueId).toMatch(/^[0-9A-F]+$/);

    const [delivered] = await postfix.waitForMessages(1);
    const stored = delivered!.raw.toString('utf8');
    // Postfix prepends Return-Path, X-Original-To, Delivered-To and Received, and stores LF line ends.
    const body = stored.slice(stored.indexOf('From: alice@sender.test'));
    expect(body).toBe(raw.toString('utf8').replace(/\r\n/g, '\n'));
    expect(stored).toMatch(
      /^Return-Path: <alice@sender\.test>\nX-Original-To: bob@postfix\.test\nDelivered-To: bob@postfix\.test\n/,
    );
    expect(stored).toMatch(/using TLSv1\.[23] with cipher/);
  });
});
