/**
 * RFC 8314 §5.3: a session whose certificate does not validate is not confidential, so the
 * client fails (never warns and continues). TLS < 1.2 is refused (RFC 8996). Each case has
 * its own code, on implicit TLS and on STARTTLS alike, and nothing is sent.
 */
import type { ErrorCode } from '@sealpost/errors';
import {
  type IssuedCertificate,
  type RunningSubmissionServer,
  type ServerCertificate,
  sharedTestCa,
  startSubmissionServer,
  TestCa,
} from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpTransport } from '../../src/smtp-transport.js';
import { envelope, failure, message, timeouts } from './helpers.js';

const DAY = 86_400_000;
const servers: RunningSubmissionServer[] = [];
let caPem: string;
const certs: Record<string, ServerCertificate> = {};

beforeAll(async () => {
  const ca = await sharedTestCa();
  caPem = ca.certPem;
  const stranger = await TestCa.create({ name: 'Unknown CA' });
  const now = Date.now();
  const issued: Record<string, Promise<IssuedCertificate>> = {
    good: ca.issueServerCertificate(),
    expired: ca.issueServerCertificate({
      notBefore: new Date(now - 30 * DAY),
      notAfter: new Date(now - DAY),
    }),
    notYetValid: ca.issueServerCertificate({
      notBefore: new Date(now + DAY),
      notAfter: new Date(now + 30 * DAY),
    }),
    wrongHost: ca.issueServerCertificate({ hosts: ['mail.elsewhere.test'] }),
    selfSigned: ca.issueServerCertificate({ selfSigned: true }),
    unknownCa: stranger.issueServerCertificate(),
  };
  for (const [name, promise] of Object.entries(issued)) certs[name] = await promise;
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function attempt(
  mode: 'implicit-tls' | 'starttls',
  certificate: ServerCertificate,
  tls: { minVersion?: 'TLSv1'; maxVersion?: 'TLSv1' | 'TLSv1.1' } = {},
) {
  const server = await startSubmissionServer({
    mode,
    certificate,
    users: { alice: 'pw-cert-test' },
    ...tls,
  });
  servers.push(server);
  const transport = createSmtpTransport({
    host: server.host,
    port: server.port,
    mode,
    ca: caPem,
    auth: { user: 'alice', pass: 'pw-cert-test' },
    timeouts,
  });
  const err = await failure(transport.send({ envelope, raw: message('cert') }));
  await transport.close();
  expect(server.logins).toHaveLength(0);
  expect(server.messages).toHaveLength(0);
  return err;
}

const cases: Array<[string, ErrorCode]> = [
  ['expired', 'ECERT_EXPIRED'],
  ['notYetValid', 'ECERT_NOT_YET_VALID'],
  ['wrongHost', 'ECERT_HOSTNAME'],
  ['selfSigned', 'ECERT_SELF_SIGNED'],
  ['unknownCa', 'ECERT_UNTRUSTED'],
];

describe.each(['implicit-tls', 'starttls'] as const)('certificate checks on %s', (mode) => {
  it.each(cases)('%s certificate → %s', async (name, code) => {
    const err = await attempt(mode, certs[name]!);
    expect(err.code).toBe(code);
  });

  it('a TLS 1.0/1.1-only server → ETLS_VERSION', async () => {
    const err = await attempt(mode, certs.good!, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1' });
    expect(err.code).toBe('ETLS_VERSION');
  });

  it('the same server with a valid certificate and TLS ≥ 1.2 works (control)', async () => {
    const server = await startSubmissionServer({ mode, certificate: certs.good! });
    servers.push(server);
    const report = await createSmtpTransport({
      host: server.host,
      port: server.port,
      mode,
      ca: caPem,
      timeouts,
    }).send({ envelope, raw: message('control') });
    expect(report.tls?.validation).toBe('verified');
    expect(server.messages).toHaveLength(1);
  });
});

it('the codes are all distinct', () => {
  const codes = [...cases.map(([, code]) => code), 'ETLS_VERSION'];
  expect(new Set(codes).size).toBe(codes.length);
});
