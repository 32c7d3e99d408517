/**
 * Test helper: a minimal OpenPGP packet splitter/joiner (RFC 9580 §4.2) so attacks can be
 * written as byte edits. Reads old- and new-format headers, including partial body lengths.
 */
export interface RawPacket {
  readonly tag: number;
  readonly body: Uint8Array;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export function splitPackets(bytes: Uint8Array): RawPacket[] {
  const packets: RawPacket[] = [];
  let i = 0;
  while (i < bytes.length) {
    const first = bytes[i++]!;
    if ((first & 0x80) === 0) throw new Error('not an OpenPGP packet header');
    if (first & 0x40) {
      const tag = first & 0x3f;
      const chunks: Uint8Array[] = [];
      for (;;) {
        const o = bytes[i++]!;
        if (o < 192) {
          chunks.push(bytes.subarray(i, i + o));
          i += o;
          break;
        }
        if (o < 224) {
          const len = ((o - 192) << 8) + bytes[i++]! + 192;
          chunks.push(bytes.subarray(i, i + len));
          i += len;
          break;
        }
        if (o === 255) {
          const len =
            (bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!;
          i += 4;
          chunks.push(bytes.subarray(i, i + len));
          i += len;
          break;
        }
        const partial = 1 << (o & 0x1f);
        chunks.push(bytes.subarray(i, i + partial));
        i += partial;
      }
      packets.push({ tag, body: concat(chunks) });
    } else {
      const tag = (first >> 2) & 0x0f;
      const lengthType = first & 0x03;
      const size = [1, 2, 4][lengthType]!;
      let len = 0;
      for (let k = 0; k < size; k++) len = (len << 8) | bytes[i++]!;
      packets.push({ tag, body: bytes.subarray(i, i + len) });
      i += len;
    }
  }
  return packets;
}

export function joinPackets(packets: readonly RawPacket[]): Uint8Array {
  return concat(
    packets.flatMap((p) => {
      const n = p.body.length;
      const header = new Uint8Array([
        0xc0 | p.tag,
        0xff,
        (n >>> 24) & 0xff,
        (n >>> 16) & 0xff,
        (n >>> 8) & 0xff,
        n & 0xff,
      ]);
      return [header, p.body];
    }),
  );
}
