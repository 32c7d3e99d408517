import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedTestCa, TestCa } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'sealpost-testca-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function opensslVerify(caPem: string, certPem: string, purpose: string): string {
  writeFileSync(join(dir, 'ca.pem'), caPem);
  writeFileSync(join(dir, 'leaf.pem'), certPem);
  try {
    return execFileSync(
      'openssl',
      ['verify', '-purpose', purpose, '-CAfile', join(dir, 'ca.pem'), join(dir, 'leaf.pem')],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } catch (err) {
    return (
      String((err as { stdout?: string }).stdout ?? '') +
      String((err as { stderr?: string }).stderr ?? '')
    );
  }
}

describe('TestCa', () => {
  it('issues a TLS server certificate that OpenSSL accepts for sslserver', async () => {
    const ca = await sharedTestCa();
    const leaf = await ca.issueServerCertificate();
    expect(opensslVerify(ca.certPem, leaf.certPem, 'sslserver')).toContain('OK');
    expect(leaf.fingerprint256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('issues S/MIME certificates (RSA and EC) that OpenSSL accepts for S/MIME', async () => {
    const ca = await sharedTestCa();
    // OpenSSL's "smimeencrypt" purpose demands keyEncipherment, which an ECDH certificate
    // rightly lacks (it has keyAgreement), so the EC certificate is checked as a signer.
    const cases = [
      ['rsa-2048', 'smimeencrypt'],
      ['ec-p256', 'smimesign'],
    ] as const;
    for (const [keyType, purpose] of cases) {
      const leaf = await ca.issueEmailCertificate('alice@example.org', { keyType });
      expect(opensslVerify(ca.certPem, leaf.certPem, purpose), keyType).toContain('OK');
      const text = execFileSync('openssl', ['x509', '-noout', '-text'], {
        input: leaf.certPem,
        encoding: 'utf8',
      });
      expect(text).toContain('email:alice@example.org');
      expect(text).toContain('E-mail Protection');
    }
  });

  it('issues an expired certificate that OpenSSL rejects as expired', async () => {
    const ca = await sharedTestCa();
    const leaf = await ca.issueServerCertificate({
      notBefore: new Date(Date.now() - 10 * 86400_000),
      notAfter: new Date(Date.now() - 86400_000),
    });
    expect(opensslVerify(ca.certPem, leaf.certPem, 'sslserver')).toMatch(/certificate has expired/);
  });

  it('serves TLS that Node verifies against the CA and rejects without it', async () => {
    const ca = await TestCa.create({ name: 'sealpost TLS check CA' });
    const leaf = await ca.issueServerCertificate();
    const server = createServer({ key: leaf.keyPem, cert: leaf.chainPem }, (socket) =>
      socket.end('hello'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const attempt = (ca?: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect({
          host: '127.0.0.1',
          port,
          servername: 'localhost',
          ca,
          timeout: 5000,
        });
        socket.once('secureConnect', () =>
          resolve(String(socket.getPeerCertificate().subject.CN ?? '')),
        );
        socket.once('error', reject);
        socket.once('timeout', () => reject(new Error('timeout')));
      });
    try {
      await expect(attempt(ca.certPem)).resolves.toBe('localhost');
      await expect(attempt()).rejects.toThrow(/self.signed|unable to (get|verify)/i);
    } finally {
      server.close();
    }
  });
});
