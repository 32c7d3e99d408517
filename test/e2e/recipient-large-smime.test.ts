// `sealpost decrypt --out` / `verify` of an S/MIME message above the 8 MiB threshold (issue 12,
// decision 0124): sealpost's own and openssl's streamed messages opened as a stream through a
// private temporary directory, the same inner message as the in-memory path, nothing written
// when a check fails, and no temporary file left. (The PGP/MIME cases: recipient-large.test.ts.)
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { NO_KEYS, type OpenKeys, openMessage } from '@sealpost/pipeline/recipient';
import * as smime from '@sealpost/smime';
import { rsaRawDecrypt } from '@sealpost/smime/node';
import { openssl, sharedTestCa } from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGP_LIBRARY, recordLoads, SMIME_LIBRARIES } from './record-loads.js';
import { assertBuilt, runCli } from './run-cli.js';
import { writeTampered, writeTamperedTail } from './tamper.js';
import { Workplace } from './workplace.js';

let keys: OpenKeys;
const place = new Workplace();
const { file, env, fresh, spoolIsEmpty } = place;
const run = (args: string[]) => runCli(args, { env: env(), timeoutMs: 120_000 });

const tampered = (path: string, marker: string, back: number) =>
  writeTampered(path, marker, back, fresh('tampered'));
const tamperedTail = (path: string, back: number) =>
  writeTamperedTail(path, back, fresh('tampered'));

/** What openMessage gives for the file (what the in-memory path would write). */
async function inMemory(path: string): Promise<Uint8Array> {
  return (await openMessage(new Uint8Array(readFileSync(path)), keys, { rsaRawDecrypt })).message;
}

beforeAll(async () => {
  assertBuilt();
  place.create('sealpost-recipient-large-smime-');
  const ca = await sharedTestCa();
  const [alice, me] = await Promise.all([
    ca.issueEmailCertificate('alice@example.org', { keyType: 'rsa-2048' }),
    ca.issueEmailCertificate('me@example.net', { keyType: 'rsa-2048' }),
  ]);
  writeFileSync(file('ca.pem'), ca.certPem);
  place.writeCertificate('alice', alice);
  place.writeCertificate('me', me);
  keys = {
    ...NO_KEYS,
    smimeIdentities: [
      {
        privateKey: smime.readPrivateKey(alice.keyPem),
        certificates: [smime.readCertificate(alice.certPem)],
      },
    ],
    smimeTrustAnchors: [smime.readCertificate(ca.certPem)],
  };
  // 7 MiB of attachment: ~9.5 MiB signed, ~13 MiB signed and encrypted (base64 of base64).
  writeFileSync(file('big.bin'), randomBytes(7 * 1024 * 1024));
  const send = (out: string, flags: string[]) =>
    run([
      'send',
      '--from',
      'me@example.net',
      '--to',
      'alice@example.org',
      '--subject',
      'Large',
      '--text',
      'See the attachment.',
      '--attach',
      file('big.bin'),
      '--sign',
      'smime',
      '--sign-key',
      file('me-identity.pem'),
      '--anchor',
      file('ca.pem'),
      ...flags,
      '--dry-run',
      '--out',
      out,
    ]);
  const built = await Promise.all([
    send(file('signed-encrypted.eml'), ['--encrypt', 'smime', '--key', file('alice.pem')]),
    send(file('signed.eml'), ['--encrypt', 'none']),
  ]);
  for (const r of built) expect(r.code, r.stderr).toBe(0);
  // What a peer writes: openssl's streamed CBC EnvelopedData (PKCS#1 v1.5) and opaque
  // signed-data, of an unsigned message (so nothing but the CBC vouches for the content).
  const attachment = readFileSync(file('big.bin')).toString('base64').replace(/.{76}/g, '$&\r\n');
  writeFileSync(
    file('plain.eml'),
    'Subject: Large\r\nMIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\n' +
      `Content-Transfer-Encoding: base64\r\n\r\n${attachment}\r\n`,
  );
  const cms = async (out: string, args: string[]) =>
    writeFileSync(
      out,
      await openssl([
        'cms',
        ...args,
        '-stream',
        '-in',
        file('plain.eml'),
        '-from',
        'me@example.net',
        '-to',
        'alice@example.org',
        ...(args[0] === '-encrypt' ? [file('alice.pem')] : []),
      ]),
    );
  await cms(file('openssl-cbc.eml'), ['-encrypt', '-aes256']);
  await cms(file('openssl-opaque.eml'), [
    '-sign',
    '-nodetach',
    '-signer',
    file('me.pem'),
    '-inkey',
    file('me.key'),
  ]);
  for (const name of [
    'signed-encrypted.eml',
    'signed.eml',
    'openssl-cbc.eml',
    'openssl-opaque.eml',
  ]) {
    expect(statSync(file(name)).size).toBeGreaterThan(8 * 1024 * 1024);
    expect(statSync(file(name)).size).toBeLessThan(30 * 1024 * 1024);
  }
}, 240_000);

afterAll(() => place.remove());

describe('S/MIME decrypt / verify above the large-message threshold', () => {
  it('decrypt --out of sign-then-encrypt writes what the in-memory path gives, 0600', async () => {
    const out = fresh('inner');
    const r = await run([
      'decrypt',
      file('signed-encrypted.eml'),
      '--key',
      file('alice-identity.pem'),
      '--anchor',
      file('ca.pem'),
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('sealpost decrypt: decrypted; signature valid');
    expect(
      readFileSync(out).equals(Buffer.from(await inMemory(file('signed-encrypted.eml')))),
    ).toBe(true);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    spoolIsEmpty();
  }, 120_000);

  it('loads pkijs but never openpgp.js (the streamed side is loaded with the scheme)', async () => {
    const record = recordLoads(place.dir);
    const r = await runCli(['verify', file('signed.eml'), '--anchor', file('ca.pem')], {
      env: { ...env(), ...record.env },
      timeoutMs: 120_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const loaded = record.loaded();
    expect(loaded.some((f) => /smime-open-stream/.test(f))).toBe(true);
    expect(loaded.some((f) => SMIME_LIBRARIES.test(f))).toBe(true);
    expect(loaded.filter((f) => PGP_LIBRARY.test(f))).toEqual([]);
  }, 120_000);

  it('verify of multipart/signed and opaque signed-data: valid, the in-memory inner message', async () => {
    for (const name of ['signed.eml', 'openssl-opaque.eml']) {
      const out = fresh('verified');
      const r = await run([
        'verify',
        file(name),
        '--anchor',
        file('ca.pem'),
        '--out',
        out,
        '--json',
      ]);
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc).toMatchObject({ scheme: 'smime', signatures: [{ status: 'valid' }] });
      expect(doc.message).toBeUndefined();
      expect(doc.messageSize).toBeGreaterThan(7 * 1024 * 1024); // the streamed path's field
      expect(readFileSync(out).equals(Buffer.from(await inMemory(file(name))))).toBe(true);
    }
    // Without the anchor the signer is not vouched for: refused, nothing printed.
    const unanchored = await run(['verify', file('signed.eml')]);
    expect(unanchored.code).toBe(5);
    expect(unanchored.stderr).toContain('ESIGNATURE_UNVERIFIED');
    spoolIsEmpty();
  }, 180_000);

  it("openssl's CBC EnvelopedData decrypts (PKCS#1 v1.5), and --require-integrity refuses it", async () => {
    const out = fresh('cbc');
    const r = await run([
      'decrypt',
      file('openssl-cbc.eml'),
      '--key',
      file('alice-identity.pem'),
      '--anchor',
      file('ca.pem'),
      '--out',
      out,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      integrity: 'none',
      encryption: { structure: 'envelopedData' },
      signatures: [],
    });
    expect(doc.notes.length).toBeGreaterThan(0); // the integrity note, as in memory
    expect(doc.messageSize).toBeGreaterThan(7 * 1024 * 1024);
    expect(readFileSync(out).equals(Buffer.from(await inMemory(file('openssl-cbc.eml'))))).toBe(
      true,
    );
    const refused = fresh('never');
    const strict = await run([
      'decrypt',
      file('openssl-cbc.eml'),
      '--key',
      file('alice-identity.pem'),
      '--require-integrity',
      '--out',
      refused,
    ]);
    expect(strict.code).not.toBe(0);
    expect(strict.stderr).toContain('EINTEGRITY_MISSING');
    expect(existsSync(refused)).toBe(false);
    spoolIsEmpty();
  }, 180_000);

  it('a changed GCM tag is ESMIME_DECRYPT: exit 5, no --out file, no temporary file', async () => {
    // The last 16 octets of the AuthEnvelopedData are its tag.
    const bad = tamperedTail(file('signed-encrypted.eml'), 12);
    const out = fresh('never');
    const r = await run(['decrypt', bad, '--key', file('alice-identity.pem'), '--out', out]);
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toContain('ESMIME_DECRYPT');
    expect(existsSync(out)).toBe(false);
    spoolIsEmpty();
  }, 120_000);

  it('a changed signed part is ESIGNATURE_INVALID: exit 5, no --out file, no temporary file', async () => {
    const bad = tampered(file('signed.eml'), 'Content-Type: application/pkcs7-signature', 8192);
    const out = fresh('never');
    const r = await run(['verify', bad, '--anchor', file('ca.pem'), '--out', out]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('ESIGNATURE_INVALID');
    expect(existsSync(out)).toBe(false);
    spoolIsEmpty();
  }, 120_000);
});
