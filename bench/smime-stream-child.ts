/**
 * Child process of smime.bench.ts: encrypts one message file for one certificate and prints
 * {"ms", "maxRssMb"} — run alone so its peak RSS is its own.
 * Usage: smime-stream-child.ts stream|oneshot IN OUT CERT.pem
 */

import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { encryptMime, readCertificate } from '@sealpost/smime';
import { encryptMimeStream } from '@sealpost/smime/node';

const [mode, input, output, certFile] = process.argv.slice(2) as [string, string, string, string];
const certificate = readCertificate(await readFile(certFile, 'utf8'));
const started = performance.now();
if (mode === 'stream') {
  const out = createWriteStream(output);
  for await (const chunk of encryptMimeStream(
    createReadStream(input, { highWaterMark: 64 * 1024 }),
    {
      recipients: [certificate],
    },
  )) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
} else {
  const message = new Uint8Array(await readFile(input));
  await writeFile(output, await encryptMime(message, { recipients: [certificate] }));
}
const ms = performance.now() - started;
console.log(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
