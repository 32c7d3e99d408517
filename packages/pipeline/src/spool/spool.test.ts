import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createMessage, serializeEntity } from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import type { KeySet } from '@sealpost/keystore';
import * as pgp from '@sealpost/pgp';
import { readCertificate, readPrivateKey, type SmimeCertificate } from '@sealpost/smime';
import { signMimeStream } from '@sealpost/smime/node';
import { sharedTestCa } from '@sealpost/testkit';
import { StubTransport } from '@sealpost/transport';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_POLICY,
  prepareSend,
  SpooledCopy,
  schemeAdapter,
  sendBuilt,
  writeCopy,
} from '../index.js';
import { createSpoolDir } from './spool-dir.js';
import { writeCheckedCopy } from './write-checked.js';

let dir: string;
const file = (name: string) => join(dir, name);
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sealpost-spool-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function code(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (err) {
    return err instanceof SealpostError ? err.code : `not a SealpostError: ${String(err)}`;
  }
  return undefined;
}

describe('createSpoolDir', () => {
  it('is private (0700) and removed with everything in it', async () => {
    const spool = createSpoolDir(dir);
    expect(statSync(spool.path).mode & 0o777).toBe(0o700);
    writeFileSync(spool.file('copy.eml'), 'x', { mode: 0o600 });
    await spool.remove();
    await spool.remove();
    expect(readdirSync(dir).filter((n) => n.startsWith('sealpost-'))).toEqual([]);
  });
});

describe('writeCopy', () => {
  it("gives --out the copy's exact bytes (0600), kept when the spool goes; overwrites an old file", async () => {
    const spool = createSpoolDir(dir);
    const path = spool.file('copy-1.eml');
    writeFileSync(path, 'From: a@example.org\r\n\r\nbody\r\n', { mode: 0o600 });
    const copy = new SpooledCopy(path, statSync(path).size);
    await writeCopy(copy, file('new-out.eml'));
    writeFileSync(file('old-out.eml'), 'an older and longer file that must be replaced whole');
    await writeCopy(copy, file('old-out.eml'));
    await spool.remove();
    for (const name of ['new-out.eml', 'old-out.eml']) {
      expect(readFileSync(file(name), 'latin1')).toBe('From: a@example.org\r\n\r\nbody\r\n');
    }
    expect(statSync(file('new-out.eml')).mode & 0o777).toBe(0o600);
  });
});

describe('writeCopy with lastUse (a dry run)', () => {
  it('gives a new --out the spool file as a second name; an existing one, or a second use, gets a copy', async () => {
    const spool = createSpoolDir(dir);
    const path = spool.file('copy-1.eml');
    const bytes = 'From: a@example.org\r\n\r\nbody\r\n';
    writeFileSync(path, bytes, { mode: 0o600 });
    const copy = new SpooledCopy(path, statSync(path).size);
    await writeCopy(copy, file('linked-out.eml'), { lastUse: true });
    expect(statSync(file('linked-out.eml')).ino).toBe(statSync(path).ino);
    writeFileSync(file('existing-out.eml'), 'an older and longer file that must be replaced whole');
    const existing = statSync(file('existing-out.eml')).ino;
    // The same spool file again (TLS-only copies share the message file): a copy of its own.
    await writeCopy(new SpooledCopy(path, copy.size), file('second-out.eml'), { lastUse: true });
    expect(statSync(file('second-out.eml')).ino).not.toBe(statSync(path).ino);
    const other = spool.file('copy-2.eml');
    writeFileSync(other, bytes, { mode: 0o600 });
    await writeCopy(new SpooledCopy(other, copy.size), file('existing-out.eml'), { lastUse: true });
    expect(statSync(file('existing-out.eml')).ino).toBe(existing);
    await spool.remove();
    for (const name of ['linked-out.eml', 'second-out.eml', 'existing-out.eml']) {
      expect(readFileSync(file(name), 'latin1')).toBe(bytes);
      expect(statSync(file(name)).mode & 0o777).toBe(0o600);
    }
  });
});

describe('writeCheckedCopy (the self-check as the copy is written)', () => {
  const write = (chunks: readonly (string | Buffer)[], scheme: 'none' | 'pgp' = 'none') =>
    writeCheckedCopy(
      file('check.eml'),
      Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'latin1') : c))),
      { scheme, sign: 'none' },
    );
  const head = 'From: a@example.org\r\nTo: b@example.org\r\nSubject: s\r\n\r\n';

  it('writes a canonical message (0600) and reports what its envelope needs', async () => {
    const facts = await write([head, 'body\r\n']);
    expect(facts).toEqual({ eightBit: false, utf8Header: false, size: head.length + 6 });
    expect(readFileSync(file('check.eml'), 'latin1')).toBe(`${head}body\r\n`);
    expect(statSync(file('check.eml')).mode & 0o777).toBe(0o600);
    rmSync(file('check.eml'));
    expect((await write([`${head}caf\u00e9\r\n`])).eightBit).toBe(true);
    rmSync(file('check.eml'));
    expect((await write([`To: j\u00f6rg@example.org\r\n\r\nx\r\n`])).utf8Header).toBe(true);
    rmSync(file('check.eml'));
  });

  it('refuses bare LF, bare CR, NUL, long lines, a Bcc header and the wrong structure, and leaves no file', async () => {
    for (const bad of [
      `${head}a\nb\r\n`,
      `${head}a\rb\r\n`,
      `${head}a\u0000b\r\n`,
      `${head}${'x'.repeat(999)}\r\n`,
      `Bcc: c@example.org\r\n${head}body\r\n`,
      `${head}trailing CR\r`,
    ]) {
      expect(await code(write([bad])), JSON.stringify(bad.slice(-16))).toBe('ESELFCHECK');
      expect(existsSync(file('check.eml'))).toBe(false);
    }
    expect(await code(write([`${head}body\r\n`], 'pgp'))).toBe('ESELFCHECK');
    expect(existsSync(file('check.eml'))).toBe(false);
  });

  it('finds what spans a chunk border: a bare LF or CR, a long line, the header section', async () => {
    const line = `${'a'.repeat(70)}\r\n`;
    for (const [chunks, expected] of [
      [[`${head}${line}x\r`, `\n${line}`], undefined],
      [[`${head}${line}x`, `\n${line}`], 'ESELFCHECK'],
      [[`${head}${line}x\r`, `y${line}`], 'ESELFCHECK'],
      [[`${head}${'x'.repeat(500)}`, `${'x'.repeat(499)}\r\n`], 'ESELFCHECK'],
      [[`${head}${'x'.repeat(500)}`, `${'x'.repeat(498)}\r\n`], undefined],
      [['Bcc: c@example.org\r', '\n', head.slice(0, 20), head.slice(20), 'b\r\n'], 'ESELFCHECK'],
      [[head.slice(0, 20), head.slice(20, -1), '\n', 'b\r\n'], undefined],
    ] as const) {
      expect(await code(write(chunks)), JSON.stringify(chunks)).toBe(expected);
      rmSync(file('check.eml'), { force: true });
    }
  });

  it('stops writing at the first bad chunk: the rest of the copy is never read', async () => {
    let pulled = 0;
    async function* copy() {
      yield Buffer.from(`${head}fine\r\n`);
      yield Buffer.from('bare\nLF\r\n');
      for (;;) {
        pulled++;
        yield Buffer.alloc(64 * 1024, 0x61);
      }
    }
    const result = writeCheckedCopy(file('check.eml'), copy(), { scheme: 'none', sign: 'none' });
    expect(await code(result)).toBe('ESELFCHECK');
    expect(pulled).toBeLessThan(4);
    expect(existsSync(file('check.eml'))).toBe(false);
  });
});

describe('writeCheckedCopy of a signed-only S/MIME copy (own signature checked as written)', () => {
  let signer: { certificate: SmimeCertificate };
  let signed: Buffer;
  beforeAll(async () => {
    const ca = await sharedTestCa();
    const me = await ca.issueEmailCertificate('me@example.net', { keyType: 'ec-p256' });
    signer = { certificate: readCertificate(me.certDer) };
    const line = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ+/abcdefghijkl';
    const body = `${Array.from({ length: 3000 }, (_, i) => `${line}${i}`).join('\r\n')}\r\n`;
    const message = Buffer.from(
      `From: me@example.net\r\nTo: bob@example.org\r\nSubject: s\r\nContent-Type: text/plain\r\n\r\n${body}`,
    );
    const parts: Uint8Array[] = [];
    for await (const part of signMimeStream(
      async function* () {
        yield message;
      },
      { certificate: signer.certificate, privateKey: readPrivateKey(me.keyPem) },
    ))
      parts.push(part);
    signed = Buffer.concat(parts);
  });
  const write = (bytes: Buffer, size: number) =>
    writeCheckedCopy(
      file('signed.eml'),
      Readable.from(
        Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) =>
          bytes.subarray(i * size, (i + 1) * size),
        ),
      ),
      { scheme: 'none', sign: 'smime', smimeSigner: signer },
    );

  it('accepts our signature whatever the chunk borders (header end, delimiters)', async () => {
    for (const size of [7, 1000, 65_536, signed.length]) {
      expect(await code(write(signed, size)), String(size)).toBeUndefined();
      expect(readFileSync(file('signed.eml')).equals(signed)).toBe(true);
      rmSync(file('signed.eml'));
    }
  });

  it('refuses a copy whose content changed after signing, or without its signature part, and leaves no file', async () => {
    const tampered = Buffer.from(signed);
    tampered[tampered.indexOf('abcdef', 2000) + 1] = 0x42; // one letter of the signed text
    const boundary = /boundary="?([^";\r]+)/.exec(signed.toString('latin1'))![1]!;
    const unsigned = Buffer.from(
      signed.subarray(0, signed.indexOf(`\r\n--${boundary}\r\n`, 400)).toString('latin1') +
        `\r\n--${boundary}--\r\n`,
    );
    for (const bad of [tampered, unsigned]) {
      expect(await code(write(bad, 4096))).toBe('ESELFCHECK');
      expect(existsSync(file('signed.eml'))).toBe(false);
    }
  });
});

describe('prepareSend above the spool threshold', () => {
  let alice: pgp.GeneratedKey;
  let keys: KeySet;
  const spoolBase = () => file('spool');
  beforeAll(async () => {
    mkdirSync(spoolBase());
    alice = await pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] });
    const key = {
      scheme: 'pgp' as const,
      address: 'alice@example.org',
      fingerprint: alice.fingerprint,
      source: 'file' as const,
      material: alice.publicKey,
    };
    keys = {
      recipients: new Map([
        ['alice@example.org', [key]],
        ['bob@example.org', [{ ...key, address: 'bob@example.org' }]],
      ]),
    };
    writeFileSync(file('attachment.bin'), Buffer.alloc(64 * 1024, 7));
  });
  const message = () =>
    createMessage({
      from: 'me@example.net',
      to: ['alice@example.org'],
      bcc: ['bob@example.org'],
      subject: 'large',
      text: 'see attached',
      attachments: [{ path: file('attachment.bin') }],
    });

  it('builds file-backed copies, sends them as streams, and removes them on dispose', async () => {
    const prepared = await prepareSend(
      message(),
      { ...DEFAULT_POLICY, encrypt: 'require' },
      { recipientKeys: keys },
      { spoolThreshold: 0, spoolBase: spoolBase() },
    );
    expect(prepared.built).toHaveLength(2);
    for (const b of prepared.built) {
      expect(b.raw).toBeInstanceOf(SpooledCopy);
      expect(statSync((b.raw as SpooledCopy).path).mode & 0o777).toBe(0o600);
    }
    const transport = new StubTransport();
    await sendBuilt(prepared.plan, prepared.built, transport);
    expect(transport.messages).toHaveLength(2);
    const sent = Buffer.from(transport.messages[0]!.raw).toString('latin1');
    expect(sent).toContain('multipart/encrypted');
    expect(prepared.report.messages[0]!.size).toBe(transport.messages[0]!.raw.length);
    await prepared.dispose();
    expect(readdirSync(spoolBase())).toEqual([]);
  });

  it('spools by default once the attachments pass 1 MiB, and keeps a small message in memory', async () => {
    // In memory a few MiB already cost more RSS than a 100 MiB streamed send (decision 0105).
    writeFileSync(file('two-mib.bin'), Buffer.alloc(2 * 1024 * 1024 + 1, 7));
    const policy = { ...DEFAULT_POLICY, encrypt: 'require' as const };
    const large = await prepareSend(
      createMessage({
        from: 'me@example.net',
        to: ['alice@example.org'],
        subject: 'two MiB',
        attachments: [{ path: file('two-mib.bin') }],
      }),
      policy,
      { recipientKeys: keys },
      { spoolBase: spoolBase() },
    );
    const small = await prepareSend(
      message(),
      policy,
      { recipientKeys: keys },
      { spoolBase: spoolBase() },
    );
    try {
      expect(large.built[0]!.raw).toBeInstanceOf(SpooledCopy);
      expect(small.built[0]!.raw).toBeInstanceOf(Uint8Array);
    } finally {
      await large.dispose();
      await small.dispose();
    }
  });

  it('streams a single encrypted copy straight from compose: no message file is spooled', async () => {
    const prepared = await prepareSend(
      createMessage({
        from: 'me@example.net',
        to: ['alice@example.org'],
        subject: 'large',
        attachments: [{ path: file('attachment.bin') }],
      }),
      { ...DEFAULT_POLICY, encrypt: 'require' },
      { recipientKeys: keys },
      { spoolThreshold: 0, spoolBase: spoolBase() },
    );
    const [spool] = readdirSync(spoolBase());
    expect(readdirSync(join(spoolBase(), spool!))).toEqual(['copy-1.eml']);
    const copy = prepared.built[0]!.raw as SpooledCopy;
    const opened = await pgp.decryptMime(new Uint8Array(readFileSync(copy.path)), {
      decryptionKeys: [alice.privateKey],
    });
    expect(new TextDecoder().decode(serializeEntity(opened.entity))).toContain('attachment.bin');
    await prepared.dispose();
    expect(readdirSync(spoolBase())).toEqual([]);
  });

  it('signs a single OpenPGP copy in one pass from compose; its spooled self-check verifies', async () => {
    const prepared = await prepareSend(
      createMessage({
        from: 'me@example.net',
        to: ['alice@example.org'],
        subject: 'large',
        attachments: [{ path: file('attachment.bin') }],
      }),
      { ...DEFAULT_POLICY, encrypt: 'never', scheme: 'pgp', sign: 'pgp' },
      {
        recipientKeys: keys,
        signers: {
          pgp: {
            scheme: 'pgp',
            fingerprint: alice.fingerprint.toLowerCase(),
            source: 'file',
            material: { privateKey: alice.privateKey },
          },
        },
      },
      { spoolThreshold: 0, spoolBase: spoolBase() },
    );
    const [spool] = readdirSync(spoolBase());
    expect(readdirSync(join(spoolBase(), spool!))).toEqual(['copy-1.eml']);
    const copy = new Uint8Array(readFileSync((prepared.built[0]!.raw as SpooledCopy).path));
    const text = new TextDecoder().decode(copy);
    expect(text).toMatch(/micalg=pgp-sha\d+/);
    const verified = await pgp.verifyMime(copy, {
      verificationKeys: [alice.publicKey],
      checkSenderAddress: false,
    });
    expect(verified.signatures.map((v) => v.status)).toEqual(['valid']);
    await prepared.dispose();
    expect(readdirSync(spoolBase())).toEqual([]);
  });

  it('a self-check failure of one copy builds nothing to send and leaves no file', async () => {
    let calls = 0;
    const adapter = schemeAdapter('pgp');
    const streamCopy = adapter.streamCopy!.bind(adapter);
    const spy = vi.spyOn(adapter, 'streamCopy').mockImplementation((planned, options) => {
      const real = streamCopy(planned, options)!;
      // The second copy comes out with a bare LF, as a broken encoder might write it.
      return ++calls === 2
        ? async () => Readable.from([Buffer.from('From: a@b\r\n\r\nbad\n')])
        : real;
    });
    try {
      const result = prepareSend(
        message(),
        { ...DEFAULT_POLICY, encrypt: 'require' },
        { recipientKeys: keys },
        { spoolThreshold: 0, spoolBase: spoolBase() },
      );
      expect(await code(result)).toBe('ESELFCHECK');
    } finally {
      spy.mockRestore();
    }
    expect(readdirSync(spoolBase())).toEqual([]);
  });
});
