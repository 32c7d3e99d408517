/**
 * RFC 3156 §5: multipart/signed with an application/pgp-signature part; `micalg` names the
 * hash really used. With header fields, RFC 9788 header protection hp="clear" is applied.
 */
import {
  canonicalizeLineEnds,
  createEntity,
  createMultipart,
  joinMessage,
  type MimeEntity,
  protectHeaders,
  serializeEntity,
} from '@sealpost/compose';
import type { PrivateKey } from '../keys/read-keys.js';
import { signDetached } from '../message/sign-detached.js';
import { readInputMessage } from './input-message.js';
import { type HeaderProtectionOptions, PGP_SIGNATURE } from './pgp-mime.js';
import { toSevenBit } from './seven-bit.js';

export interface SignMimeOptions extends HeaderProtectionOptions {
  readonly signingKey: PrivateKey;
  readonly date?: Date;
}

export async function signMime(message: Uint8Array, options: SignMimeOptions): Promise<Uint8Array> {
  const input = readInputMessage(message);
  const protect = options.headerProtection !== false && input.messageHeaders.length > 0;
  let payload: MimeEntity = input.entity;
  let outerHeaders = input.messageHeaders;
  if (protect) {
    ({ payload, outerHeaders } = protectHeaders(message, { mode: 'clear' }));
  }
  const signedPart = toSevenBit(payload);
  const signature = await signDetached(serializeEntity(signedPart), {
    signingKey: options.signingKey,
    ...(options.date ? { date: options.date } : {}),
  });
  const signaturePart = createEntity({
    contentType: PGP_SIGNATURE,
    params: { name: 'signature.asc' },
    // openpgp.js armors with bare LF; MIME bodies are CRLF (RFC 2046 §4.1.1 / RFC 5322).
    body: canonicalizeLineEnds(new TextEncoder().encode(signature.armored)),
    transferEncoding: '7bit',
    description: 'OpenPGP digital signature',
    disposition: 'attachment',
    filename: 'signature.asc',
  });
  const signed = createMultipart('signed', [signedPart, signaturePart], {
    params: { protocol: PGP_SIGNATURE, micalg: `pgp-${signature.hashAlgorithm}` },
  });
  return input.messageHeaders.length > 0
    ? joinMessage(outerHeaders, signed)
    : serializeEntity(signed);
}
