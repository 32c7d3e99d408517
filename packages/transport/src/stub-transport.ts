/**
 * Transports for tests and dry runs (the lettre model): StubTransport records what it was
 * given; FileTransport writes each message as an .eml file with its envelope beside it.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SealpostError } from '@sealpost/errors';
import type { Envelope, SendInput } from './envelope.js';
import type { TransportReport } from './report.js';
import { checkEnvelope } from './smtp-send.js';
import type { Transport } from './smtp-transport.js';

export interface RecordedMessage {
  readonly envelope: Envelope;
  readonly raw: Uint8Array;
}

function localReport(
  transport: 'stub' | 'file',
  envelope: Envelope,
  size: number,
  startedAt: number,
  file?: string,
): TransportReport {
  const totalMs = performance.now() - startedAt;
  return {
    transport,
    host: transport === 'file' ? 'localhost' : 'stub',
    port: 0,
    mode: 'none',
    tls: null,
    auth: null,
    capabilities: [],
    accepted: [...envelope.to],
    rejected: [],
    response: `250 ${transport === 'file' ? 'written' : 'recorded'}`,
    queueId: null,
    messageSize: size,
    reusedConnection: false,
    timings: { connectMs: 0, authMs: 0, envelopeMs: 0, dataMs: totalMs, totalMs },
    ...(file === undefined ? {} : { file }),
  };
}

async function collect(raw: Uint8Array | Readable): Promise<Uint8Array> {
  if (!(raw instanceof Readable)) return raw;
  const chunks: Buffer[] = [];
  for await (const chunk of raw) chunks.push(Buffer.from(chunk as Uint8Array));
  return new Uint8Array(Buffer.concat(chunks));
}

/** Records every message it is given (copies the envelope, reads streams to the end). */
export class StubTransport implements Transport {
  readonly messages: RecordedMessage[] = [];

  /** `failWith` makes every send (or those it returns an error for) fail like a server would. */
  constructor(
    private readonly options: {
      failWith?: SealpostError | ((input: RecordedMessage) => SealpostError | undefined);
    } = {},
  ) {}

  async send(input: SendInput): Promise<TransportReport> {
    const startedAt = performance.now();
    checkEnvelope(input);
    const recorded = {
      envelope: { from: input.envelope.from, to: [...input.envelope.to] },
      raw: await collect(input.raw),
    };
    const { failWith } = this.options;
    const failure = typeof failWith === 'function' ? failWith(recorded) : failWith;
    if (failure) throw failure;
    this.messages.push(recorded);
    return localReport('stub', recorded.envelope, recorded.raw.byteLength, startedAt);
  }

  async close(): Promise<void> {}
}

/** Writes each message to `<directory>/<time>-<random>.eml` and its envelope to `.envelope.json`. */
export class FileTransport implements Transport {
  constructor(private readonly options: { readonly directory: string }) {}

  async send(input: SendInput): Promise<TransportReport> {
    const startedAt = performance.now();
    checkEnvelope(input);
    await mkdir(this.options.directory, { recursive: true });
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(6).toString('hex')}`;
    const file = join(this.options.directory, `${name}.eml`);
    const source =
      input.raw instanceof Readable ? input.raw : Readable.from([Buffer.from(input.raw)]);
    const sink = createWriteStream(file, { flags: 'wx', mode: 0o600 });
    await pipeline(source, sink);
    // The envelope (MAIL FROM, RCPT TO incl. Bcc) never goes into the message bytes.
    const envelope = { from: input.envelope.from, to: [...input.envelope.to] };
    await writeFile(
      join(this.options.directory, `${name}.envelope.json`),
      `${JSON.stringify(envelope)}\n`,
      { mode: 0o600 },
    );
    return localReport('file', envelope, sink.bytesWritten, startedAt, file);
  }

  async close(): Promise<void> {}
}
