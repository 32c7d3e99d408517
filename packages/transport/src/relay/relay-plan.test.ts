import {
  type DnsServer,
  type HttpsServer,
  startDnsServer,
  startHttpsServer,
  TestCa,
} from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryMtaStsPolicyCache } from './mta-sts-cache.js';
import { createHttpsPolicyFetcher, POLICY_PATH } from './mta-sts-fetch.js';
import { planRelayDelivery, type RelayPlanDeps } from './relay-plan.js';
import { createRelayResolver } from './relay-resolver.js';

let dns: DnsServer;
let https: HttpsServer;
let deps: RelayPlanDeps;

function publishPolicy(domain: string, body: string) {
  dns.set(`_mta-sts.${domain}`, [{ type: 'TXT', strings: ['v=STSv1; id=p1;'] }]);
  dns.set(`mta-sts.${domain}`, [{ type: 'A', address: '127.0.0.1' }]);
  https.set(`mta-sts.${domain}${POLICY_PATH}`, { headers: { 'content-type': 'text/plain' }, body });
}

beforeAll(async () => {
  const ca = await TestCa.create({ name: 'relay plan CA' });
  dns = await startDnsServer({
    zone: {
      'strict.test': [
        { type: 'MX', preference: 5, exchange: 'mx.attacker.test' },
        { type: 'MX', preference: 10, exchange: 'mx1.strict.test' },
        { type: 'MX', preference: 20, exchange: 'mx2.strict.test' },
      ],
      'mx1.strict.test': [{ type: 'A', address: '127.0.0.1' }],
      'mx2.strict.test': [{ type: 'AAAA', address: '::1' }],
      'mx.attacker.test': [{ type: 'A', address: '127.0.0.9' }],
      'hijacked.test': [{ type: 'MX', preference: 10, exchange: 'mx.attacker.test' }],
      'trial.test': [{ type: 'MX', preference: 10, exchange: 'mail.elsewhere.test' }],
      'mail.elsewhere.test': [{ type: 'A', address: '127.0.0.1' }],
      'plain.test': [{ type: 'A', address: '127.0.0.1' }],
    },
  });
  https = await startHttpsServer({
    ca,
    hosts: ['mta-sts.strict.test', 'mta-sts.hijacked.test', 'mta-sts.trial.test'],
  });
  publishPolicy(
    'strict.test',
    'version: STSv1\nmode: enforce\nmx: *.strict.test\nmax_age: 86400\n',
  );
  publishPolicy(
    'hijacked.test',
    'version: STSv1\nmode: enforce\nmx: mx.hijacked.test\nmax_age: 86400\n',
  );
  publishPolicy('trial.test', 'version: STSv1\nmode: testing\nmx: mx.trial.test\nmax_age: 86400\n');
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
    port: (host) => (host === 'mx1.strict.test' ? 2525 : 25),
  };
});
afterAll(async () => {
  await https.close();
  await dns.close();
});

describe('planRelayDelivery', () => {
  it('enforce: keeps matching MX hosts in preference order with verified TLS, drops the rest', async () => {
    const plan = await planRelayDelivery('Strict.Test', deps);
    expect(plan.mode).toBe('enforce');
    expect(plan.targets.map((t) => [t.host, t.tls, t.port, t.addresses])).toEqual([
      ['mx1.strict.test', 'verified', 2525, ['127.0.0.1']],
      ['mx2.strict.test', 'verified', 25, ['::1']],
    ]);
    expect(plan.excluded).toMatchObject([{ host: 'mx.attacker.test', preference: 5 }]);
    expect(plan.exposure.networkAttackerCouldReadOrAlter).toBe(false);
    expect(plan.mtaSts.applied?.id).toBe('p1');
  });

  it('enforce with no matching MX host fails with EMTASTS and sends nothing', async () => {
    await expect(planRelayDelivery('hijacked.test', deps)).rejects.toMatchObject({
      code: 'EMTASTS',
      message: expect.stringContaining('mx.attacker.test'),
    });
  });

  it('testing: opportunistic, the MX mismatch reported, and the exposure stated', async () => {
    const plan = await planRelayDelivery('trial.test', deps);
    expect(plan.mode).toBe('testing');
    expect(plan.targets).toMatchObject([
      { host: 'mail.elsewhere.test', tls: 'opportunistic', policyMatch: false },
    ]);
    expect(plan.targets[0]?.policyFailures[0]).toMatch(/matches none of the policy's mx patterns/);
    expect(plan.exposure).toMatchObject({
      networkAttackerCouldReadOrAlter: true,
      reasons: ['policy-testing'],
    });
  });

  it('no policy and no MX: the implicit MX, opportunistic, and a plain warning', async () => {
    const plan = await planRelayDelivery('plain.test', deps);
    expect(plan.mode).toBe('no-policy');
    expect(plan.targets).toMatchObject([{ host: 'plain.test', tls: 'opportunistic', port: 25 }]);
    expect(plan.targets[0]?.mx.implicit).toBe(true);
    expect(plan.exposure.statement).toMatch(
      /^A network attacker could have read or altered this message: the recipient domain publishes no MTA-STS policy/,
    );
  });
});
