/**
 * Key derivation for ECDH key agreement in CMS (RFC 5753 §7.2): the ANSI X9.63 KDF over the
 * shared secret Z and the DER of ECC-CMS-SharedInfo (key-wrap algorithm, optional ukm, and
 * the KEK length in bits).
 */
import { concatBytes } from '@sealpost/compose';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer } from '../bytes.js';

export async function x963Kdf(
  hash: string,
  z: Uint8Array,
  sharedInfo: Uint8Array,
  lengthBytes: number,
  crypto: Crypto,
): Promise<Uint8Array> {
  const blocks: Uint8Array[] = [];
  let total = 0;
  for (let counter = 1; total < lengthBytes; counter++) {
    const c = Uint8Array.of(
      counter >>> 24,
      (counter >>> 16) & 0xff,
      (counter >>> 8) & 0xff,
      counter & 0xff,
    );
    const block = new Uint8Array(
      await crypto.subtle.digest(hash, concatBytes([z, c, sharedInfo]) as BufferSource),
    );
    blocks.push(block);
    total += block.length;
  }
  return concatBytes(blocks).slice(0, lengthBytes);
}

export function eccCmsSharedInfo(
  wrapAlgorithmOid: string,
  kekBits: number,
  ukm: Uint8Array | undefined,
): Uint8Array {
  const info = new pkijs.ECCCMSSharedInfo({
    keyInfo: new pkijs.AlgorithmIdentifier({ algorithmId: wrapAlgorithmOid }),
    ...(ukm ? { entityUInfo: new asn1js.OctetString({ valueHex: toArrayBuffer(ukm) }) } : {}),
    suppPubInfo: new asn1js.OctetString({
      valueHex: toArrayBuffer(
        Uint8Array.of(
          kekBits >>> 24,
          (kekBits >>> 16) & 0xff,
          (kekBits >>> 8) & 0xff,
          kekBits & 0xff,
        ),
      ),
    }),
  });
  return new Uint8Array(info.toSchema().toBER());
}
