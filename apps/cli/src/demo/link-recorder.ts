/**
 * A recorder on one network link of the demo: a TCP relay that keeps every byte that
 * crossed it, in both directions, exactly as a wiretap on that cable would see it.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface RecordedChunk {
  /** Which TCP connection through the recorder carried it (1, 2, …). */
  readonly connection: number;
  /** 'up' = client to server, 'down' = server to client. */
  readonly direction: 'up' | 'down';
  readonly bytes: Buffer;
}

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

export async function startLinkRecorder(name: string, upstreamPort: number): Promise<LinkRecorder> {
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
      record({ connection, direction: 'up', bytes });
      upstream.write(bytes);
    });
    upstream.on('data', (bytes: Buffer) => {
      record({ connection, direction: 'down', bytes });
      client.write(bytes);
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
      return Buffer.concat(chunks.filter((c) => c.direction === direction).map((c) => c.bytes));
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
