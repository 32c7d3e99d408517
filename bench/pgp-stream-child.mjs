// Child process of pgp.bench.ts (plain JS on the built package, so the measured RSS is the
// library's, not a TypeScript loader's): streams one message file through encryptMimeStream
// (signed and encrypted) to nowhere and prints {seconds, maxRssKiB, bytes}.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { encryptMimeStream, readPrivateKey, readPublicKey } from '@sealpost/pgp';

const [file, signingKeyFile, recipientKeyFile] = process.argv.slice(2);
const signingKey = await readPrivateKey(await readFile(signingKeyFile, 'utf8'));
const recipient = await readPublicKey(await readFile(recipientKeyFile, 'utf8'));

const started = performance.now();
const input = Readable.toWeb(createReadStream(file, { highWaterMark: 64 * 1024 }));
const output = await encryptMimeStream(input, { recipientKeys: [recipient], signingKey });
let bytes = 0;
for (const reader = output.getReader(); ; ) {
  const { done, value } = await reader.read();
  if (done) break;
  bytes += value.length;
}
const seconds = (performance.now() - started) / 1000;
process.stdout.write(JSON.stringify({ seconds, maxRssKiB: process.resourceUsage().maxRSS, bytes }));
