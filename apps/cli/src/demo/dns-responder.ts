/**
 * The demo's own DNS on 127.0.0.1 (RFC 1035 §4.1, UDP): answers A, AAAA, MX and TXT questions
 * from a small fixed zone, so the relay finds the recipient's MX host and MTA-STS record
 * (RFC 8461 §3.1) exactly as it would on the Internet, without leaving the machine.
 */
import { createSocket as createUdpSocket, type Socket } from 'node:dgram';

export interface DemoZoneEntry {
  readonly a?: readonly string[];
  readonly mx?: readonly { readonly preference: number; readonly exchange: string }[];
  readonly txt?: readonly (readonly string[])[];
}

export interface DnsResponder {
  /** "127.0.0.1:PORT", for `createRelayResolver({ servers: [...] })`. */
  readonly server: string;
  /** Every question asked, as "TYPE name", in order. */
  readonly questions: readonly string[];
  close(): Promise<void>;
}

const TYPES: Record<number, 'A' | 'AAAA' | 'MX' | 'TXT'> = {
  1: 'A',
  28: 'AAAA',
  15: 'MX',
  16: 'TXT',
};

function encodeName(name: string): Buffer {
  const labels = name
    .replace(/\.$/, '')
    .split('.')
    .filter((l) => l.length > 0);
  return Buffer.concat([
    ...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')])),
    Buffer.from([0]),
  ]);
}

/** The question section: name (no compression in questions from resolvers), type, class. */
function readQuestion(query: Buffer): { name: string; type: number; end: number } | null {
  const labels: string[] = [];
  let at = 12;
  while (at < query.length) {
    const length = query[at]!;
    if (length === 0) {
      if (at + 5 > query.length) return null;
      return {
        name: labels.join('.').toLowerCase(),
        type: query.readUInt16BE(at + 1),
        end: at + 5,
      };
    }
    if (length > 63) return null;
    labels.push(query.subarray(at + 1, at + 1 + length).toString('ascii'));
    at += 1 + length;
  }
  return null;
}

function rdata(type: 'A' | 'AAAA' | 'MX' | 'TXT', entry: DemoZoneEntry): Buffer[] {
  if (type === 'A') return (entry.a ?? []).map((ip) => Buffer.from(ip.split('.').map(Number)));
  if (type === 'MX') {
    return (entry.mx ?? []).map((mx) => {
      const preference = Buffer.alloc(2);
      preference.writeUInt16BE(mx.preference);
      return Buffer.concat([preference, encodeName(mx.exchange)]);
    });
  }
  if (type === 'TXT') {
    // RFC 1035 §3.3.14: one or more <character-string>s, each at most 255 bytes.
    return (entry.txt ?? []).map((strings) =>
      Buffer.concat(strings.map((s) => Buffer.concat([Buffer.from([s.length]), Buffer.from(s)]))),
    );
  }
  return [];
}

export function answerQuery(
  query: Buffer,
  zone: ReadonlyMap<string, DemoZoneEntry>,
): Buffer | null {
  if (query.length < 12) return null;
  const question = readQuestion(query);
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2);
  // QR=1, opcode copied, AA=1, RD copied; RA=0.
  header[2] = 0x80 | (query[2]! & 0x79) | 0x04;
  if (!question) {
    header[3] = 1; // FORMERR
    return header;
  }
  const entry = zone.get(question.name);
  const type = TYPES[question.type];
  const answers = entry && type ? rdata(type, entry) : [];
  header[3] = entry ? 0 : 3; // NOERROR (maybe no data) or NXDOMAIN
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  const records = answers.map((data) => {
    const fixed = Buffer.alloc(12);
    fixed.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's name
    fixed.writeUInt16BE(question.type, 2);
    fixed.writeUInt16BE(1, 4); // class IN
    fixed.writeUInt32BE(60, 6);
    fixed.writeUInt16BE(data.length, 10);
    return Buffer.concat([fixed, data]);
  });
  return Buffer.concat([header, query.subarray(12, question.end), ...records]);
}

export async function startDnsResponder(
  zone: ReadonlyMap<string, DemoZoneEntry>,
): Promise<DnsResponder> {
  const socket: Socket = createUdpSocket('udp4');
  const questions: string[] = [];
  socket.on('message', (query, peer) => {
    const question = readQuestion(query);
    if (question) questions.push(`${TYPES[question.type] ?? question.type} ${question.name}`);
    const reply = answerQuery(query, zone);
    if (reply) socket.send(reply, peer.port, peer.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  return {
    server: `127.0.0.1:${socket.address().port}`,
    questions,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
