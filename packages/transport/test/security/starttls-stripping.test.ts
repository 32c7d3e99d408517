/**
 * RFC 3207 §6 / RFC 8314 §3.3: a man in the middle removes STARTTLS from the EHLO reply and
 * answers STARTTLS with 454. A client on a submission port must stop: no AUTH, no MAIL FROM
 * and no message may leave it in cleartext.
 */
import { isPermanent } from '@sealpost/errors';
import {
  type RunningSubmissionServer,
  type StrippingProxy,
  sharedTestCa,
  startStartTlsStrippingProxy,
  startSubmissionServer,
} from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpTransport } from '../../src/smtp-transport.js';
import { envelope, failure, message, timeouts } from './helpers.js';

let server: RunningSubmissionServer;
let proxy: StrippingProxy;
let caPem: string;

beforeAll(async () => {
  const ca = await sharedTestCa();
  caPem = ca.certPem;
  server = await startSubmissionServer({
    mode: 'starttls',
    certificate: await ca.issueServerCertificate(),
    users: { alice: 'secret-password-1' },
  });
  proxy = await startStartTlsStrippingProxy(server);
});

afterAll(async () => {
  await proxy?.close();
  await server?.close();
});

describe('STARTTLS stripping', () => {
  it('fails with ESTARTTLS and sends no AUTH, MAIL FROM or body in cleartext', async () => {
    const transport = createSmtpTransport({
      host: proxy.host,
      port: proxy.port,
      mode: 'starttls',
      ca: caPem,
      auth: { user: 'alice', pass: 'secret-password-1' },
      timeouts,
    });
    const err = await failure(transport.send({ envelope, raw: message('stripped') }));
    await transport.close();

    expect(err.code).toBe('ESTARTTLS');
    expect(err.response).toMatch(/^454 /);
    expect(err.details?.replyCode).toBe(454);
    expect(isPermanent(err)).toBe(true);

    const seen = proxy.clientBytes().toString('latin1');
    // The client did talk through the proxy (so the assertions below are not vacuous)…
    expect(seen).toMatch(/^EHLO /m);
    expect(seen).toMatch(/^STARTTLS\r$/m);
    // …and nothing sensitive followed.
    expect(seen).not.toMatch(/AUTH/i);
    expect(seen).not.toMatch(/MAIL FROM/i);
    expect(seen).not.toMatch(/RCPT TO/i);
    expect(seen).not.toContain('stripped');
    expect(seen).not.toContain(Buffer.from('secret-password-1').toString('base64').slice(0, 12));
    expect(server.messages).toHaveLength(0);
    expect(server.logins).toHaveLength(0);
  });
});
