import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostfixInstance, startPostfix } from './start-postfix.js';

let postfix: PostfixInstance;

beforeAll(async () => {
  postfix = await startPostfix({ relay: true, hosts: ['mx.postfix.test'] });
});
afterAll(() => postfix?.stop());

describe('startPostfix({ relay: true })', () => {
  it('accepts mail for any domain without AUTH over STARTTLS, like an MX on port 25', async () => {
    expect(postfix.relayPort).toBeTypeOf('number');
    const connection = new SMTPConnection({
      host: postfix.host,
      port: postfix.relayPort!,
      secure: false,
      requireTLS: true,
      tls: { ca: postfix.caPem, servername: 'mx.postfix.test', minVersion: 'TLSv1.2' },
      connectionTimeout: 5_000,
      socketTimeout: 10_000,
    });
    const raw = 'From: a@sender.test\r\nTo: b@anywhere.test\r\nSubject: mx port\r\n\r\nHi MX.\r\n';
    const info = await new Promise<SMTPConnection.SentMessageInfo>((resolve, reject) => {
      connection.once('error', reject);
      connection.connect(() => {
        expect(connection.allowsAuth).toBe(false);
        connection.send({ from: 'a@sender.test', to: ['b@anywhere.test'] }, raw, (err, result) => {
          connection.quit();
          if (err) reject(err);
          else resolve(result);
        });
      });
    });
    expect(info.accepted).toEqual(['b@anywhere.test']);
    const [delivered] = await postfix.waitForMessages(1);
    expect(delivered?.raw.toString()).toContain('Subject: mx port');
    expect(postfix.logs()).toMatch(/postfix\/mx\/smtpd.*TLS connection established/);
  });
});
