/**
 * Minimal DER writing (X.690 §8.1, §10) and reading helpers for the parts of CMS we build
 * byte by byte: big encrypted contents are placed without copying them through asn1js.
 */
import { concatBytes } from '@sealpost/compose';
import * as asn1js from 'asn1js';
import { toArrayBuffer } from '../bytes.js';

export function derLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** A TLV with a definite length around the concatenated contents. */
export function derTlv(tag: number, ...contents: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const c of contents) length += c.length;
  return concatBytes([Uint8Array.of(tag), derLength(length), ...contents]);
}

export const TAG = {
  integer: 0x02,
  octetString: 0x04,
  oid: 0x06,
  sequence: 0x30,
  set: 0x31,
  context0Constructed: 0xa0,
  context0Primitive: 0x80,
} as const;

export function derOid(oid: string): Uint8Array {
  return new Uint8Array(new asn1js.ObjectIdentifier({ value: oid }).toBER());
}

/** DER of a SET OF: elements sorted by their encodings (X.690 §11.6). */
export function derSetOf(elements: readonly Uint8Array[]): Uint8Array {
  const sorted = [...elements].sort((a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  });
  return derTlv(TAG.set, ...sorted);
}

export function toDer(value: { toBER(sizeOnly?: boolean): ArrayBuffer }): Uint8Array {
  return new Uint8Array(value.toBER());
}

/** Parses BER that must be exactly one complete value. */
export function parseBer(bytes: Uint8Array): asn1js.AsnType {
  const result = asn1js.fromBER(toArrayBuffer(bytes));
  if (result.offset === -1) throw new Error(`ASN.1: ${result.result.error}`);
  return result.result;
}

/** The content of an OCTET STRING, primitive or constructed (BER, as openssl -stream writes). */
export function octetStringBytes(node: asn1js.AsnType): Uint8Array {
  const block = (node as asn1js.BaseBlock).valueBlock as {
    isConstructed?: boolean;
    value?: asn1js.AsnType[];
    valueHexView?: Uint8Array;
  };
  if ((node as asn1js.BaseBlock).idBlock.isConstructed) {
    return concatBytes((block.value ?? []).map(octetStringBytes));
  }
  return block.valueHexView ?? new Uint8Array(0);
}
