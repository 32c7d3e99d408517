// Streamed opening in constant memory: a 64 MiB message decrypted and verified in a child node
// whose peak RSS may grow by far less than the message while it is read (issue 12's 150 MB
// budget at 100 MiB must not grow with the size).
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openssl, tempFiles } from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixtures, fixtures } from './fixtures.js';

const SIZE = 64 * 1024 * 1024;
/**
 * RSS rise allowed while one message streams: well under the message's 64 MiB. What remains is garbage the
 * source's and the decipher's 64 KiB Buffers leave until V8 collects them (15–26 MB seen).
 */
const MAX_GROWTH_KIB = 40 * 1024;

type Files = Awaited<ReturnType<typeof tempFiles>>;
let f: Fixtures;
let files: Files;
let content: string;
const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

async function writeContent(path: string): Promise<void> {
  const line = Buffer.from(`${'0123456789abcdefghijklmnopqrstuvwxyz'.repeat(2)}\r\n`);
  const block = Buffer.concat(Array.from({ length: 1024 }, () => line));
  const out = createWriteStream(path);
  out.write('Content-Type: text/plain\r\n\r\n');
  for (let written = 0; written < SIZE; written += block.length) {
    if (!out.write(block)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error) => (error ? reject(error) : resolve())),
  );
}

interface ChildReport {
  readonly baselineKiB: number;
  /** Per message: the RSS rise while it streamed. */
  readonly growthKiB: readonly number[];
  readonly peakKiB: number;
  readonly bytes: { readonly decrypt: number; readonly opaque: number };
  readonly verdicts: readonly string[];
}

/** Runs support/stream-memory-child.ts on the TypeScript sources. */
function child(job: object): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const node = spawn(
      process.execPath,
      [
        '--conditions=@sealpost/source',
        '--import',
        here('./support/register-hooks.mjs'),
        here('./support/stream-memory-child.ts'),
        JSON.stringify(job),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 },
    );
    let stdout = '';
    let stderr = '';
    node.stdout.on('data', (d) => {
      stdout += d;
    });
    node.stderr.on('data', (d) => {
      stderr += d;
    });
    node.on('error', reject);
    node.on('close', (code) => {
      if (code !== 0) reject(new Error(`child exited ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout) as ChildReport);
    });
  });
}

beforeAll(async () => {
  f = await fixtures();
  files = await tempFiles('sealpost-smime-memory-');
  content = `${files.dir}/content.txt`;
  await writeContent(content);
}, 60_000);
afterAll(async () => {
  await files.dispose();
});

describe('streamed opening of a 64 MiB message', () => {
  it('decrypts (openssl -stream AES-256-GCM) and verifies (opaque and detached) with bounded RSS', async () => {
    const write = (name: string, text: string) => files.write(name, text);
    const bob = {
      cert: await write('bob.pem', f.bob.rsa.issued.certPem),
      key: await write('bob.key', f.bob.rsa.issued.keyPem),
    };
    const alice = {
      cert: await write('alice.pem', f.alice.rsa.issued.certPem),
      key: await write('alice.key', f.alice.rsa.issued.keyPem),
    };
    const anchor = await write('ca.pem', f.ca.certPem);
    const path = (name: string) => `${files.dir}/${name}`;
    const sign = [
      'cms',
      '-sign',
      '-binary',
      '-in',
      content,
      '-signer',
      alice.cert,
      '-inkey',
      alice.key,
      '-outform',
      'DER',
    ];
    const options = { timeoutMs: 30_000 };
    await Promise.all([
      openssl(
        [
          'cms',
          '-encrypt',
          '-stream',
          '-binary',
          '-aes-256-gcm',
          '-in',
          content,
          '-outform',
          'DER',
          '-out',
          path('big.p7m'),
          bob.cert,
        ],
        options,
      ),
      openssl([...sign, '-nodetach', '-stream', '-out', path('big-signed.p7m')], options),
      openssl([...sign, '-out', path('big.p7s')], options),
    ]);
    const run = await child({
      decrypt: { message: path('big.p7m'), ...bob },
      opaque: { message: path('big-signed.p7m') },
      detached: { signature: path('big.p7s'), content },
      anchor,
    });
    expect(run.verdicts).toEqual(['aead', 'valid', 'valid']);
    expect(run.bytes.decrypt).toBeGreaterThan(SIZE);
    expect(run.bytes.opaque).toBe(run.bytes.decrypt);
    // Holding the message would add at least its 64 MiB; streaming adds buffers and garbage.
    for (const growth of run.growthKiB)
      expect(growth, JSON.stringify(run)).toBeLessThan(MAX_GROWTH_KIB);
    expect(run.peakKiB - run.baselineKiB, JSON.stringify(run)).toBeLessThan(SIZE / 1024);
  }, 60_000);
});
