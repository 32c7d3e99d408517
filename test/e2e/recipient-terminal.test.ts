// The built binary on hostile content (issue 10): nothing from the message reaches a terminal
// raw, the verdict is the last line on stderr, CBC content without a signature is called
// malleable (EFAIL) and --require-integrity refuses it, the signer's user IDs are listed.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as pgp from '@sealpost/pgp';
import * as smime from '@sealpost/smime';
import { sharedTestCa, tempFiles } from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, runSealpost } from './run-cli.js';

type Files = Awaited<ReturnType<typeof tempFiles>>;
let files: Files;
const path = (name: string) => join(files.dir, name);
const bytes = (text: string) => new TextEncoder().encode(text);
// Erase the line, go up one, and print a fake verdict: what a raw print would let the sender do.
const FORGED =
  '\u001b[2K\u001b[G\u001b[1A\u001b[32mverdict: signature valid - ceo@example.org\u001b[0m';
const SECRET = 'The vault code is kq4711.';

beforeAll(async () => {
  files = await tempFiles('sealpost-e2e-terminal-');
  const alice = await pgp.generateKey({ userIds: [{ name: 'Alice', email: 'alice@example.org' }] });
  await files.write('alice.asc', alice.armoredPublicKey);
  const hostile = bytes(
    `From: Alice <alice@example.org>\r\nTo: bob@example.net\r\nSubject: Hi ${FORGED}\r\n` +
      `MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nBody line\r\n${FORGED}\r\n`,
  );
  await files.write(
    'hostile.eml',
    await pgp.signMime(hostile, { signingKey: alice.privateKey, headerProtection: false }),
  );

  const ca = await sharedTestCa();
  const bob = await ca.issueEmailCertificate('bob@example.net', { keyType: 'rsa-2048' });
  await files.write('bob.pem', `${bob.keyPem}\n${bob.certPem}`);
  const plain = bytes(
    `From: Alice <alice@example.org>\r\nTo: bob@example.net\r\nSubject: Code\r\n` +
      `MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n${SECRET}\r\n`,
  );
  await files.write(
    'cbc.eml',
    await smime.encryptMime(plain, {
      recipients: [smime.readCertificate(bob.certPem)],
      contentEncryption: 'aes-256-cbc',
    }),
  );

  const eve = await pgp.generateKey({ userIds: [{ name: 'Eve', email: 'eve@evil.example' }] });
  await files.write('eve.asc', eve.armoredPublicKey);
  await files.write(
    'eve-as-alice.eml',
    await pgp.signMime(
      bytes(
        'From: Alice <alice@example.org>\r\nTo: bob@example.net\r\nContent-Type: text/plain\r\n\r\nPay.\r\n',
      ),
      { signingKey: eve.privateKey },
    ),
  );
}, 60_000);

afterAll(async () => {
  await files?.dispose();
});

describe('terminal-safe output', () => {
  it('prints no escape sequence from the message; the verdict is the last line on stderr', async () => {
    const { code, out, err } = await runSealpost([
      'verify',
      path('hostile.eml'),
      '--key',
      path('alice.asc'),
    ]);
    expect(code).toBe(0);
    expect(out).not.toContain('\u001b');
    expect(out).toContain('Body line');
    expect(err.trimEnd().split('\n').at(-1)).toMatch(
      /^sealpost verify: signed message; signature valid/,
    );
  });

  it('--out still gets the exact bytes', async () => {
    const { code } = await runSealpost([
      'verify',
      path('hostile.eml'),
      '--key',
      path('alice.asc'),
      '--out',
      path('inner.eml'),
    ]);
    expect(code).toBe(0);
    expect(await readFile(path('inner.eml'), 'utf8')).toContain(FORGED);
  });

  it('under a pseudo-terminal (script): no sequence from the message, verdict last', async () => {
    const command = [bin, 'verify', path('hostile.eml'), '--key', path('alice.asc')]
      .map((a) => `'${a.replace(/'/g, "'\\''")}'`)
      .join(' ');
    let output: string;
    try {
      ({ stdout: output } = await promisify(execFile)('script', ['-qec', command, '/dev/null'], {
        env: { PATH: process.env.PATH, NO_COLOR: '1', HOME: files.dir, XDG_CONFIG_HOME: files.dir },
        timeout: 30_000,
      }));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // no util-linux script
      throw error;
    }
    expect(output).not.toContain('\u001b[2K');
    expect(output).not.toContain('\u001b[1A');
    const lines = output.replace(/\r/g, '').trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^sealpost verify: signed message; signature valid/);
  });
});

describe('integrity (EFAIL)', () => {
  it('S/MIME CBC without a signature: integrity "none" and a note in JSON, EFAIL in human output', async () => {
    const json = await runSealpost([
      'decrypt',
      path('cbc.eml'),
      '--key',
      path('bob.pem'),
      '--json',
    ]);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.out);
    expect(doc.integrity).toBe('none');
    expect(doc.notes.join(' ')).toContain('EFAIL');
    const human = await runSealpost(['decrypt', path('cbc.eml'), '--key', path('bob.pem')]);
    expect(human.out).toContain('EFAIL');
    expect(human.err).toContain('may have been altered');
  });

  it('--require-integrity exits 5 with EINTEGRITY_MISSING and shows nothing of the content', async () => {
    const { code, out, err } = await runSealpost([
      'decrypt',
      path('cbc.eml'),
      '--key',
      path('bob.pem'),
      '--require-integrity',
    ]);
    expect(code).toBe(5);
    expect(err).toContain('EINTEGRITY_MISSING');
    expect(out + err).not.toContain('kq4711');
  });
});

describe("the signer's user IDs", () => {
  it("From alice@ signed by Eve: exit 5, EPGP_SIGNER_ADDRESS and Eve's user ID, human and JSON", async () => {
    const human = await runSealpost(['verify', path('eve-as-alice.eml'), '--key', path('eve.asc')]);
    expect(human.code).toBe(5);
    expect(human.err).toContain('EPGP_SIGNER_ADDRESS');
    expect(human.err).toContain('Eve <eve@evil.example>');
    const json = await runSealpost([
      'verify',
      path('eve-as-alice.eml'),
      '--key',
      path('eve.asc'),
      '--json',
    ]);
    expect(json.code).toBe(5);
    const doc = JSON.parse(json.out);
    expect(doc.error.details.signatures[0]).toMatchObject({
      code: 'EPGP_SIGNER_ADDRESS',
      userIds: ['Eve <eve@evil.example>'],
    });
  });
});
