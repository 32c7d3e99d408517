/**
 * A tiny authoritative DNS server on 127.0.0.1 over UDP (RFC 1035 §4.2.1), answering from a
 * table the test controls, so resolver code can be tested against real DNS messages:
 * `new Resolver()` + `setServers([server.address])`. Names absent from the table answer
 * NXDOMAIN; a name with other types only answers NOERROR with no data (ENODATA in Node).
 * UDP only, no truncation: keep a test's answers under 512 octets (a resolver would retry a
 * truncated answer over TCP, which this server does not offer).
 */
import { createSocket, type Socket } from 'node:dgram';
import {
  type DnsAnswer,
  type DnsRecord,
  type DnsRecordType,
  encodeResponse,
  normaliseName,
  parseQuery,
  RCODE,
  TYPE_CODES,
} from './dns-message.js';

export type DnsZone = Readonly<Record<string, readonly DnsRecord[]>>;

/** What to do instead of answering: a server failure, or silence (the client times out). */
export type DnsFault = 'servfail' | 'timeout';

export interface DnsQueryLogEntry {
  readonly name: string;
  readonly type: DnsRecordType | number;
}

export interface DnsServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** "127.0.0.1:PORT", for `Resolver.setServers([...])`. */
  readonly address: string;
  /** Every question received, in order. */
  readonly queries: DnsQueryLogEntry[];
  /** Replaces all records of `name` (an empty list keeps the name, with no data). */
  set(name: string, records: readonly DnsRecord[]): void;
  /** Removes `name`: it answers NXDOMAIN again. */
  delete(name: string): void;
  /** Makes every query for `name` fail that way until `clearFault(name)`. */
  fault(name: string, fault: DnsFault): void;
  clearFault(name: string): void;
  close(): Promise<void>;
}

export interface DnsServerOptions {
  readonly zone?: DnsZone;
  /** TTL in the answers; default 60 s. */
  readonly ttl?: number;
}

const TYPE_NAMES = new Map<number, DnsRecordType>(
  Object.entries(TYPE_CODES).map(([name, code]) => [code, name as DnsRecordType]),
);

/** Answers for `name`/`type`, following CNAME chains inside the table (at most 8 links). */
function resolveAnswers(
  table: Map<string, readonly DnsRecord[]>,
  name: string,
  type: DnsRecordType | undefined,
  ttl: number,
): { rcode: number; answers: DnsAnswer[] } {
  const answers: DnsAnswer[] = [];
  let current = name;
  for (let hop = 0; hop < 8; hop++) {
    const records = table.get(current);
    if (records === undefined) {
      return { rcode: hop === 0 ? RCODE.NXDOMAIN : RCODE.NOERROR, answers };
    }
    const matching = records.filter((record) => record.type === type);
    const alias = records.find((record) => record.type === 'CNAME');
    if (matching.length > 0 || type === 'CNAME' || alias?.type !== 'CNAME') {
      answers.push(...matching.map((record) => ({ name: current, record, ttl })));
      return { rcode: RCODE.NOERROR, answers };
    }
    answers.push({ name: current, record: alias, ttl });
    current = normaliseName(alias.target);
  }
  return { rcode: RCODE.SERVFAIL, answers: [] };
}

export async function startDnsServer(options: DnsServerOptions = {}): Promise<DnsServer> {
  const ttl = options.ttl ?? 60;
  const table = new Map<string, readonly DnsRecord[]>();
  for (const [name, records] of Object.entries(options.zone ?? {})) {
    table.set(normaliseName(name), records);
  }
  const faults = new Map<string, DnsFault>();
  const queries: DnsQueryLogEntry[] = [];
  const socket: Socket = createSocket('udp4');

  socket.on('message', (message, peer) => {
    const question = parseQuery(message);
    if (!question) return; // Not worth an answer.
    const type = TYPE_NAMES.get(question.type);
    queries.push({ name: question.name, type: type ?? question.type });
    const fault = faults.get(question.name);
    if (fault === 'timeout') return;
    const { rcode, answers } =
      fault === 'servfail'
        ? { rcode: RCODE.SERVFAIL, answers: [] }
        : resolveAnswers(table, question.name, type, ttl);
    socket.send(encodeResponse(question, rcode, answers), peer.port, peer.address);
  });

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.removeListener('error', reject);
      resolve();
    });
  });
  // A malformed reply to a client that left must not crash the test process.
  socket.on('error', () => undefined);
  const port = socket.address().port;

  return {
    host: '127.0.0.1',
    port,
    address: `127.0.0.1:${port}`,
    queries,
    set: (name, records) => table.set(normaliseName(name), records),
    delete: (name) => table.delete(normaliseName(name)),
    fault: (name, fault) => faults.set(normaliseName(name), fault),
    clearFault: (name) => faults.delete(normaliseName(name)),
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
