/**
 * A recorder on one network link of the demo: a TCP relay that keeps every byte that
 * crossed it, in both directions, exactly as a wiretap on that cable would see it. Given a
 * rewriter it is an active attacker instead: it still records what each side sent, and passes
 * the server's bytes on changed.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface RecordedChunk {
  /** Which TCP connection through the recorder carried it (1, 2, …). */
  readonly connection: number;
  /** 'up' = client to server, 'down' = server to client. */
  readonly direction: 'up' | 'down';
  readonly bytes: Buffer;
  /** An attacker's link: what it passed on instead, when it changed the bytes. */
  readonly passedOn?: Buffer;
  /** An attacker's link: bytes the attacker wrote itself, as if from the server. */
  readonly forged?: true;
}

/**
 * An active attacker's behaviour on one connection (a fresh one per connection): rewrites the
 * server's bytes, and may keep a client command from the server and answer it itself.
 */
export type ReplyRewriter = () => {
  push(bytes: Buffer): Buffer;
  intercept?(bytes: Buffer): Buffer | null;
};

export interface LinkRecorder {
  readonly name: string;
  /** Where clients connect: 127.0.0.1 and this port. */
  readonly port: number;
  /** Every chunk that crossed the link since the last reset, in order. */
  readonly chunks: readonly RecordedChunk[];
  /** All bytes sent by clients (up) and by the server (down) since the last reset. */
  bytes(direction: 'up' | 'down'): Buffer;
  /**
   * Start a new recording: forget what was recorded and ignore the rest of connections that
   * were already open (their closing bytes may still be in flight).
   */
  reset(): void;
  close(): Promise<void>;
}

export async function startLinkRecorder(
  name: string,
  upstreamPort: number,
  rewriter?: ReplyRewriter,
): Promise<LinkRecorder> {
  let chunks: RecordedChunk[] = [];
  let connections = 0;
  let firstRecorded = 1;
  const sockets = new Set<Socket>();
  const record = (chunk: RecordedChunk) => {
    if (chunk.connection >= firstRecorded) chunks.push(chunk);
  };
  const server: Server = createServer((client) => {
    const connection = ++connections;
    const upstream = connect({ host: '127.0.0.1', port: upstreamPort });
    const rewrite = rewriter?.();
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
      // A dropped side ends the other: a wiretap never keeps a link open by itself.
      s.once('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (bytes: Buffer) => {
      const answer = rewrite?.intercept?.(bytes) ?? null;
      if (answer) {
        record({ connection, direction: 'up', bytes, passedOn: Buffer.alloc(0) });
        record({ connection, direction: 'down', bytes: answer, forged: true });
        client.write(answer);
        return;
      }
      record({ connection, direction: 'up', bytes });
      upstream.write(bytes);
    });
    upstream.on('data', (bytes: Buffer) => {
      const passedOn = rewrite ? rewrite.push(bytes) : bytes;
      record({
        connection,
        direction: 'down',
        bytes,
        ...(passedOn.equals(bytes) ? {} : { passedOn }),
      });
      if (passedOn.length > 0) client.write(passedOn);
    });
    client.once('end', () => upstream.end());
    upstream.once('end', () => client.end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    name,
    port,
    get chunks() {
      return chunks;
    },
    bytes(direction) {
      // What each side really sent: the attacker's forged answers are not the server's.
      return Buffer.concat(
        chunks.filter((c) => c.direction === direction && !c.forged).map((c) => c.bytes),
      );
    },
    reset() {
      chunks = [];
      firstRecorded = connections + 1;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
