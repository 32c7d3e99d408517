/**
 * The few parts of the DNS wire format (RFC 1035 §4.1) a loopback test server needs: parse one
 * question, encode answers for A, AAAA, CNAME, MX, TXT and SRV (RFC 2782), nothing else.
 */
import { isIPv4, isIPv6 } from 'node:net';

export type DnsRecord =
  | { readonly type: 'A'; readonly address: string }
  | { readonly type: 'AAAA'; readonly address: string }
  | { readonly type: 'CNAME'; readonly target: string }
  /** `exchange: '.'` is the null MX of RFC 7505. */
  | { readonly type: 'MX'; readonly preference: number; readonly exchange: string }
  /** One record; several strings are concatenated by readers (RFC 7208 §3.3, RFC 8461 §3.1). */
  | { readonly type: 'TXT'; readonly strings: readonly string[] }
  | {
      readonly type: 'SRV';
      readonly priority: number;
      readonly weight: number;
      readonly port: number;
      readonly target: string;
    };

export type DnsRecordType = DnsRecord['type'];

export const TYPE_CODES: Record<DnsRecordType, number> = {
  A: 1,
  CNAME: 5,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
};

export const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4 } as const;

export interface DnsQuestion {
  readonly id: number;
  readonly flags: number;
  /** Lower case, without the trailing dot. */
  readonly name: string;
  readonly type: number;
  readonly class: number;
  /** The question section's bytes, echoed in the response. */
  readonly questionBytes: Buffer;
}

export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** Reads the header and the first question; null for anything malformed. */
export function parseQuery(message: Buffer): DnsQuestion | null {
  if (message.length < 12 || message.readUInt16BE(4) < 1) return null;
  const labels: string[] = [];
  let offset = 12;
  for (;;) {
    const length = message[offset];
    if (length === undefined || length > 63) return null; // No compression in questions.
    offset += 1;
    if (length === 0) break;
    if (offset + length > message.length) return null;
    labels.push(message.toString('latin1', offset, offset + length));
    offset += length;
  }
  if (offset + 4 > message.length) return null;
  return {
    id: message.readUInt16BE(0),
    flags: message.readUInt16BE(2),
    name: normaliseName(labels.join('.')),
    type: message.readUInt16BE(offset),
    class: message.readUInt16BE(offset + 2),
    questionBytes: message.subarray(12, offset + 4),
  };
}

export function encodeName(name: string): Buffer {
  const parts = normaliseName(name)
    .split('.')
    .filter((label) => label !== '');
  const chunks: Buffer[] = [];
  for (const label of parts) {
    const bytes = Buffer.from(label, 'latin1');
    if (bytes.length > 63) throw new Error(`DNS label longer than 63 octets: ${label}`);
    chunks.push(Buffer.from([bytes.length]), bytes);
  }
  chunks.push(Buffer.from([0]));
  return Buffer.concat(chunks);
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail] = address.split('::');
  const groups = (text: string) => (text === '' ? [] : text.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const missing = 8 - left.length - right.length;
  const all = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right];
  const out = Buffer.alloc(16);
  for (const [i, group] of all.entries()) out.writeUInt16BE(Number.parseInt(group, 16), i * 2);
  return out;
}

function characterStrings(strings: readonly string[]): Buffer {
  return Buffer.concat(
    strings.map((text) => {
      const bytes = Buffer.from(text, 'utf8');
      if (bytes.length > 255) throw new Error('TXT character-string longer than 255 octets');
      return Buffer.concat([Buffer.from([bytes.length]), bytes]);
    }),
  );
}

function u16(...values: number[]): Buffer {
  const out = Buffer.alloc(values.length * 2);
  for (const [i, value] of values.entries()) out.writeUInt16BE(value, i * 2);
  return out;
}

export function encodeRdata(record: DnsRecord): Buffer {
  switch (record.type) {
    case 'A':
      if (!isIPv4(record.address)) throw new Error(`not an IPv4 address: ${record.address}`);
      return Buffer.from(record.address.split('.').map(Number));
    case 'AAAA':
      if (!isIPv6(record.address)) throw new Error(`not an IPv6 address: ${record.address}`);
      return ipv6Bytes(record.address);
    case 'CNAME':
      return encodeName(record.target);
    case 'MX':
      return Buffer.concat([u16(record.preference), encodeName(record.exchange)]);
    case 'TXT':
      return characterStrings(record.strings);
    case 'SRV':
      return Buffer.concat([
        u16(record.priority, record.weight, record.port),
        encodeName(record.target),
      ]);
  }
}

export interface DnsAnswer {
  readonly name: string;
  readonly record: DnsRecord;
  readonly ttl: number;
}

/** A response to `question`: authoritative, recursion "available", answers uncompressed. */
export function encodeResponse(
  question: DnsQuestion,
  rcode: number,
  answers: readonly DnsAnswer[],
): Buffer {
  const recursionDesired = question.flags & 0x0100;
  const opcode = question.flags & 0x7800;
  const header = Buffer.alloc(12);
  header.writeUInt16BE(question.id, 0);
  header.writeUInt16BE(0x8000 | opcode | 0x0400 | recursionDesired | 0x0080 | rcode, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  const records = answers.map(({ name, record, ttl }) => {
    const rdata = encodeRdata(record);
    const fixed = Buffer.alloc(10);
    fixed.writeUInt16BE(TYPE_CODES[record.type], 0);
    fixed.writeUInt16BE(1, 2); // IN
    fixed.writeUInt32BE(ttl, 4);
    fixed.writeUInt16BE(rdata.length, 8);
    return Buffer.concat([encodeName(name), fixed, rdata]);
  });
  return Buffer.concat([header, question.questionBytes, ...records]);
}
