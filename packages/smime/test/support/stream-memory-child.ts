// A child node that opens large S/MIME messages as streams, one after the other, and reports
// per message how far the RSS rose above its level when that message started (sampled at
// every chunk read), and the process's peak RSS (process.resourceUsage().maxRSS).
// Usage: stream-memory-child.ts JOB_JSON (see `Job` below; paths to files).
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { readCertificate } from '../../src/certificate.js';
import {
  decryptEnvelopedStream,
  rsaRawDecrypt,
  verifyDetachedStream,
  verifyOpaqueStream,
} from '../../src/node/index.js';
import { readPrivateKey } from '../../src/private-key.js';

interface Job {
  readonly decrypt: { readonly message: string; readonly cert: string; readonly key: string };
  readonly opaque: { readonly message: string };
  readonly detached: { readonly signature: string; readonly content: string };
  /** The CA certificate the signatures chain to. */
  readonly anchor: string;
}

const job = JSON.parse(process.argv[2]!) as Job;
const identities = [
  {
    privateKey: readPrivateKey(await readFile(job.decrypt.key, 'utf8')),
    certificates: [readCertificate(await readFile(job.decrypt.cert))],
  },
];
const trustAnchors = [readCertificate(await readFile(job.anchor))];
const signature = await readFile(job.detached.signature);
let peak = 0;
/** The file's chunks, the RSS sampled at each. */
async function* open(path: string): AsyncGenerator<Uint8Array> {
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) {
    peak = Math.max(peak, process.memoryUsage.rss());
    yield chunk as Buffer;
  }
}
const growthKiB: number[] = [];
/** Runs one message and records its RSS rise. */
async function measured<T>(run: () => Promise<T>): Promise<T> {
  const start = process.memoryUsage.rss();
  peak = start;
  const result = await run();
  growthKiB.push(Math.round((Math.max(peak, process.memoryUsage.rss()) - start) / 1024));
  return result;
}
const bytes = { decrypt: 0, opaque: 0 };
const count = (name: keyof typeof bytes) => async (chunk: Uint8Array) => {
  bytes[name] += chunk.length;
};
const verdict = (signers: readonly { status: string; error?: { code: string } }[]) =>
  signers.map((s) => s.error?.code ?? s.status).join(',');

// Modules loaded and keys read: what follows is the messages alone.
const baselineKiB = process.resourceUsage().maxRSS;
const decrypted = await measured(() =>
  decryptEnvelopedStream(
    open(job.decrypt.message),
    { identities, rsaRawDecrypt },
    count('decrypt'),
  ),
);
const opaque = await measured(() =>
  verifyOpaqueStream(open(job.opaque.message), { trustAnchors }, count('opaque')),
);
const detached = await measured(() =>
  verifyDetachedStream(open(job.detached.content), signature, { trustAnchors }),
);
const report = {
  baselineKiB,
  growthKiB,
  peakKiB: process.resourceUsage().maxRSS,
  bytes,
  verdicts: [decrypted.integrity, verdict(opaque.signers), verdict(detached.signers)],
};
process.stdout.write(`${JSON.stringify(report)}\n`);
