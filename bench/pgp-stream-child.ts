/**
 * Child process of pgp.bench.ts: streams one message file through encryptMimeStream (signed,
 * encrypted) to nowhere and prints {seconds, maxRssKiB, bytes} — its own peak RSS is ours.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { encryptMimeStream, readPrivateKey, readPublicKey } from '@sealpost/pgp';

const [file, signingKeyFile, recipientKeyFile] = process.argv.slice(2) as [string, string, string];
const signingKey = await readPrivateKey(await readFile(signingKeyFile, 'utf8'));
const recipient = await readPublicKey(await readFile(recipientKeyFile, 'utf8'));

const started = performance.now();
const input = Readable.toWeb(
  createReadStream(file, { highWaterMark: 256 * 1024 }),
) as ReadableStream<Uint8Array>;
const output = await encryptMimeStream(input, { recipientKeys: [recipient], signingKey });
let bytes = 0;
for (const reader = output.getReader(); ; ) {
  const { done, value } = await reader.read();
  if (done) break;
  bytes += value.length;
}
const seconds = (performance.now() - started) / 1000;
process.stdout.write(JSON.stringify({ seconds, maxRssKiB: process.resourceUsage().maxRSS, bytes }));
