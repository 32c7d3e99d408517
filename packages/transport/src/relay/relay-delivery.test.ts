import {
  closedPort,
  type DnsServer,
  type HttpsServer,
  type RunningSubmissionServer,
  startDnsServer,
  startHttpsServer,
  startSubmissionServer,
  TestCa,
} from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryMtaStsPolicyCache } from './mta-sts-cache.js';
import { createHttpsPolicyFetcher, POLICY_PATH } from './mta-sts-fetch.js';
import { deliverRelay } from './relay-delivery.js';
import { planRelayDelivery, type RelayPlanDeps } from './relay-plan.js';
import { createRelayResolver } from './relay-resolver.js';

// MX hosts are embedded SMTP servers on 127.0.0.1; the loopback DNS points every MX name at
// 127.0.0.1 and `port` maps each MX name to its server's port (25 on the Internet).
let ca: TestCa;
let dns: DnsServer;
let https: HttpsServer;
let deps: RelayPlanDeps;
const servers = new Map<string, RunningSubmissionServer>();
const ports = new Map<string, number>();

const timeouts = { connectMs: 3_000, greetingMs: 3_000, socketMs: 5_000 };

async function mx(host: string, kind: 'good-cert' | 'wrong-name' | 'no-starttls') {
  const certificate =
    kind === 'wrong-name'
      ? await ca.issueServerCertificate({ hosts: ['somewhere-else.test'] })
      : await ca.issueServerCertificate({ hosts: [host] });
  const server = await startSubmissionServer({
    mode: kind === 'no-starttls' ? 'none' : 'starttls',
    certificate,
  });
  servers.set(host, server);
  ports.set(host, server.port);
  dns.set(host, [{ type: 'A', address: '127.0.0.1' }]);
  return server;
}

function domain(name: string, mxHosts: string[], policy?: string) {
  dns.set(
    name,
    mxHosts.map((exchange, i) => ({ type: 'MX' as const, preference: (i + 1) * 10, exchange })),
  );
  if (policy) {
    dns.set(`_mta-sts.${name}`, [{ type: 'TXT', strings: ['v=STSv1; id=1;'] }]);
    dns.set(`mta-sts.${name}`, [{ type: 'A', address: '127.0.0.1' }]);
    https.set(`mta-sts.${name}${POLICY_PATH}`, {
      headers: { 'content-type': 'text/plain' },
      body: policy,
    });
  }
}

const enforce = (pattern: string) =>
  `version: STSv1\nmode: enforce\nmx: ${pattern}\nmax_age: 86400\n`;

function message(to: string) {
  const raw = Buffer.from(
    `From: a@sender.test\r\nTo: ${to}\r\nSubject: relay\r\nMessage-ID: <r@sender.test>\r\n\r\nDirect delivery.\r\n`,
  );
  return { envelope: { from: 'a@sender.test', to: [to] }, raw };
}

beforeAll(async () => {
  ca = await TestCa.create({ name: 'relay delivery CA' });
  dns = await startDnsServer();
  https = await startHttpsServer({
    ca,
    hosts: [
      'mta-sts.fine.test',
      'mta-sts.sure.test',
      'mta-sts.strip.test',
      'mta-sts.trial.test',
      'mta-sts.down.test',
    ],
  });
  await mx('mx.fine.test', 'good-cert');
  await mx('mx1.sure.test', 'wrong-name');
  await mx('mx2.sure.test', 'good-cert');
  await mx('mx.strip.test', 'no-starttls');
  await mx('mx.trial.test', 'wrong-name');
  await mx('mx.open.test', 'no-starttls');
  await mx('mx2.down.test', 'good-cert');
  ports.set('mx1.down.test', await closedPort());
  dns.set('mx1.down.test', [{ type: 'A', address: '127.0.0.1' }]);

  domain('fine.test', ['mx.fine.test'], enforce('mx.fine.test'));
  domain('sure.test', ['mx1.sure.test', 'mx2.sure.test'], enforce('*.sure.test'));
  domain('strip.test', ['mx.strip.test'], enforce('mx.strip.test'));
  domain(
    'trial.test',
    ['mx.trial.test'],
    'version: STSv1\nmode: testing\nmx: mx.trial.test\nmax_age: 600\n',
  );
  domain('open.test', ['mx.open.test']);
  domain('down.test', ['mx1.down.test', 'mx2.down.test'], enforce('*.down.test'));

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
    port: (host) => ports.get(host) ?? 25,
  };
});
afterAll(async () => {
  await Promise.all([...servers.values()].map((s) => s.close()));
  await https.close();
  await dns.close();
});

async function send(to: string, allowOpportunistic = false) {
  const plan = await planRelayDelivery(to.split('@')[1]!, deps);
  return deliverRelay(message(to), plan, { ca: ca.certPem, timeouts, allowOpportunistic });
}

describe('deliverRelay', () => {
  it('enforce: delivers over verified STARTTLS and says the network could not read it', async () => {
    const report = await send('bob@fine.test');
    expect(report).toMatchObject({
      mode: 'enforce',
      host: 'mx.fine.test',
      tlsRequirement: 'verified',
      tls: { verified: true, verificationError: null },
      exposure: { networkAttackerCouldReadOrAlter: false },
    });
    expect(report.tls?.version).toMatch(/^TLSv1\.[23]$/);
    expect(report.tls?.certificate?.subjectAltNames).toContain('DNS:mx.fine.test');
    const received = servers.get('mx.fine.test')!.messages;
    expect(received).toHaveLength(1);
    expect(received[0]?.secure).toBe(true);
    expect(received[0]?.raw.toString()).toBe(message('bob@fine.test').raw.toString());
  });

  it('enforce: an MX whose certificate names another host is skipped for the next MX', async () => {
    const report = await send('bob@sure.test');
    expect(report.host).toBe('mx2.sure.test');
    expect(report.attempts.map((a) => [a.host, a.error?.code ?? 'delivered'])).toEqual([
      ['mx1.sure.test', 'ECERT_HOSTNAME'],
      ['mx2.sure.test', 'delivered'],
    ]);
    expect(servers.get('mx1.sure.test')!.messages).toHaveLength(0);
  });

  it('enforce: an unreachable MX is skipped too', async () => {
    const report = await send('bob@down.test');
    expect(report.attempts.map((a) => a.error?.code ?? 'delivered')).toEqual([
      'ECONNREFUSED',
      'delivered',
    ]);
  });

  it('enforce: no STARTTLS (stripped) means EMTASTS and nothing sent in cleartext', async () => {
    await expect(send('bob@strip.test')).rejects.toMatchObject({
      code: 'EMTASTS',
      details: { attempts: [{ host: 'mx.strip.test', error: { code: 'ESTARTTLS' } }] },
    });
    expect(servers.get('mx.strip.test')!.messages).toHaveLength(0);
  });

  it('testing: delivers despite a bad certificate, reports the would-be failure and the exposure', async () => {
    const report = await send('bob@trial.test', true);
    expect(report.tls).toMatchObject({
      verified: false,
      verificationError: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
    expect(report.policyFailures.join()).toMatch(/certificate is not valid for its name/);
    expect(report.exposure).toMatchObject({
      networkAttackerCouldReadOrAlter: true,
      reasons: ['policy-testing', 'unverified-certificate'],
    });
    expect(servers.get('mx.trial.test')!.messages[0]?.secure).toBe(true);
  });

  it('no policy: refuses opportunistic delivery unless allowed, then says it was readable', async () => {
    await expect(send('bob@open.test')).rejects.toMatchObject({ code: 'EOPPORTUNISTIC' });
    expect(servers.get('mx.open.test')!.messages).toHaveLength(0);

    const report = await send('bob@open.test', true);
    expect(report.tls).toBeNull();
    expect(report.transport.mode).toBe('none');
    expect(report.exposure.reasons).toEqual(['no-policy', 'no-tls']);
    expect(report.exposure.statement).toMatch(
      /^A network attacker could have read or altered this message/,
    );
    expect(servers.get('mx.open.test')!.messages).toHaveLength(1);
  });

  it('reports hosts without addresses when no MX host can be tried', async () => {
    dns.set('ghost.test', [{ type: 'MX', preference: 10, exchange: 'mx.ghost.test' }]);
    dns.set('mx.ghost.test', [{ type: 'TXT', strings: ['no address here'] }]);
    const plan = await planRelayDelivery('ghost.test', deps);
    await expect(
      deliverRelay(message('bob@ghost.test'), plan, {
        ca: ca.certPem,
        timeouts,
        allowOpportunistic: true,
      }),
    ).rejects.toMatchObject({
      code: 'ENOMXREACHABLE',
      details: { attempts: [], unresolved: ['mx.ghost.test has no A or AAAA record'] },
    });
  });

  it('refuses recipients outside the planned domain', async () => {
    const plan = await planRelayDelivery('fine.test', deps);
    await expect(
      deliverRelay(message('eve@elsewhere.test'), plan, { ca: ca.certPem, timeouts }),
    ).rejects.toMatchObject({ code: 'EADDRESS' });
  });
});
