// stdin redirected from a regular file (`sealpost sendmail -t < message.eml`,
// `sealpost send … < body.txt`) is read by sealpost itself in larger pieces than Node's
// process.stdin: what comes out must be exactly what the same bytes give through a pipe.
// And `decrypt -`, `verify -`, `inspect -` read the message from stdin, either way.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pgp from '@sealpost/pgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from './run-cli.js';

let dir: string;
const file = (name: string) => join(dir, name);
const env = () => ({ HOME: dir, XDG_CONFIG_HOME: file('xdg'), TMPDIR: dir });

beforeAll(() => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'sealpost-stdin-file-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A message with every field sendmail would otherwise add, so two runs give the same bytes. */
function message(body: Buffer): Buffer {
  const lines = body.toString('base64').replace(/.{76}/g, '$&\n');
  return Buffer.from(
    'From: me@example.net\nTo: alice@example.org\nSubject: stdin\n' +
      'Date: Tue, 01 Dec 2026 12:00:00 +0000\nMessage-ID: <stdin-file@example.net>\n' +
      'MIME-Version: 1.0\nContent-Type: application/octet-stream\n' +
      `Content-Transfer-Encoding: base64\n\n${lines}\n`,
  );
}

describe('stdin redirected from a file', () => {
  // 3 MiB takes sendmail's streamed path (over 1 MiB), 2 KiB its in-memory one.
  for (const [name, size] of [
    ['streamed', 3 * 1024 * 1024],
    ['in memory', 2048],
  ] as const) {
    it(`sendmail -t (${name}): the same message from a file as from a pipe`, async () => {
      const body = randomBytes(size);
      const input = message(body);
      writeFileSync(file(`in-${size}.eml`), input);
      const args = (out: string) => [
        'sendmail',
        '-t',
        ...['--encrypt', 'none', '--policy', 'prefer', '--dry-run', '--out', file(out)],
      ];
      const fromFile = await runCli(args(`file-${size}.eml`), {
        env: env(),
        inputFile: file(`in-${size}.eml`),
        timeoutMs: 60_000,
      });
      expect(fromFile.code, fromFile.stderr).toBe(0);
      const fromPipe = await runCli(args(`pipe-${size}.eml`), {
        env: env(),
        input,
        timeoutMs: 60_000,
      });
      expect(fromPipe.code, fromPipe.stderr).toBe(0);
      const out = readFileSync(file(`file-${size}.eml`));
      expect(out.equals(readFileSync(file(`pipe-${size}.eml`)))).toBe(true);
      // And it is the message: CRLF line ends, the body decodes to the same octets.
      const text = out.toString('latin1');
      expect(text).not.toMatch(/[^\r]\n/);
      const sent = text.slice(text.indexOf('\r\n\r\n') + 4);
      expect(Buffer.from(sent, 'base64').equals(body)).toBe(true);
    }, 90_000);
  }

  it('send takes its body from a redirected file', async () => {
    writeFileSync(file('body.txt'), 'The body, from a file on stdin.\n');
    const r = await runCli(
      [
        ...['send', '--from', 'me@example.net', '--to', 'alice@example.org', '--subject', 's'],
        ...['--encrypt', 'none', '--policy', 'prefer', '--dry-run', '--out', file('send.eml')],
      ],
      { env: env(), inputFile: file('body.txt') },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(file('send.eml'), 'latin1')).toContain('The body, from a file on stdin.');
  });
});

describe('decrypt, verify and inspect with - for the message', () => {
  // 2 MiB of attachment takes the streamed open path (over 1 MiB) when stdin is a file.
  for (const [name, attach] of [
    ['small', 0],
    ['large', 2 * 1024 * 1024],
  ] as const) {
    it(`read a ${name} message from a pipe and from a redirected file as from its path`, async () => {
      const key = await pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] });
      writeFileSync(file(`alice-${name}.asc`), key.armoredPublicKey);
      writeFileSync(file(`alice-${name}.sec.asc`), key.armoredPrivateKey);
      const extra: string[] = [];
      if (attach > 0) {
        writeFileSync(file(`attach-${name}.bin`), randomBytes(attach));
        extra.push('--attach', file(`attach-${name}.bin`));
      }
      const made = await runCli(
        [
          ...['send', '--from', 'alice@example.org', '--to', 'alice@example.org'],
          ...['--subject', 'stdin', '--text', 'The message read from stdin.', ...extra],
          ...['--encrypt', 'pgp', '--key', file(`alice-${name}.asc`), '--sign', 'pgp'],
          ...['--sign-key', file(`alice-${name}.sec.asc`), '--passphrase-file', '/dev/null'],
          ...['--dry-run', '--out', file(`${name}.eml`)],
        ],
        { env: env(), timeoutMs: 60_000 },
      );
      expect(made.code, made.stderr).toBe(0);
      const decrypt = (message: string) => [
        ...['decrypt', message, '--key', file(`alice-${name}.sec.asc`)],
        ...['--verify-key', file(`alice-${name}.asc`), '--passphrase-file', '/dev/null', '--json'],
      ];
      const byPath = await runCli(decrypt(file(`${name}.eml`)), { env: env(), timeoutMs: 60_000 });
      expect(byPath.code, byPath.stderr).toBe(0);
      expect(byPath.stdout).toContain('The message read from stdin.');
      const input = readFileSync(file(`${name}.eml`));
      const piped = await runCli(decrypt('-'), { env: env(), input, timeoutMs: 60_000 });
      const redirected = await runCli(decrypt('-'), {
        env: env(),
        inputFile: file(`${name}.eml`),
        timeoutMs: 60_000,
      });
      for (const r of [piped, redirected]) {
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toBe(byPath.stdout);
      }
      // A large piped message went through a private spool file in TMPDIR: it is gone.
      expect(readdirSync(dir).filter((name) => name.startsWith('sealpost-'))).toEqual([]);
      const inspected = await runCli(['inspect', '-', '--json'], { env: env(), input });
      expect(inspected.code, inspected.stderr).toBe(0);
      expect(JSON.parse(inspected.stdout)).toMatchObject({ file: '-' });
    }, 120_000);
  }

  it('verify - checks a signed message from a pipe', async () => {
    const key = await pgp.generateKey({ userIds: [{ email: 'bob@example.org' }] });
    writeFileSync(file('bob.asc'), key.armoredPublicKey);
    writeFileSync(file('bob.sec.asc'), key.armoredPrivateKey);
    const made = await runCli(
      [
        ...['send', '--from', 'bob@example.org', '--to', 'carol@example.org', '--subject', 's'],
        ...['--text', 'Signed, from a pipe.', '--encrypt', 'none', '--sign', 'pgp'],
        ...['--sign-key', file('bob.sec.asc'), '--passphrase-file', '/dev/null'],
        ...['--dry-run', '--out', file('signed.eml')],
      ],
      { env: env() },
    );
    expect(made.code, made.stderr).toBe(0);
    const r = await runCli(['verify', '-', '--key', file('bob.asc')], {
      env: env(),
      input: readFileSync(file('signed.eml')),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Signed, from a pipe.');
  });
});
