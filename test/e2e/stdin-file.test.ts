// stdin redirected from a regular file (`sealpost sendmail -t < message.eml`,
// `sealpost send … < body.txt`) is read by sealpost itself in larger pieces than Node's
// process.stdin: what comes out must be exactly what the same bytes give through a pipe.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
