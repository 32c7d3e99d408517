/**
 * The two steps of opening an envelope before its content (RFC 5652 §6.2, RFC 5083 §2.1):
 * the content cipher must fit the structure, and one RecipientInfo naming our certificate
 * yields the content-encryption key. Shared by decryptCms and the streamed decryption.
 */
import { SealpostError } from '@sealpost/errors';
import * as pkijs from 'pkijs';
import type { SmimeCertificate } from '../certificate.js';
import { OID } from '../oids.js';
import type { SmimePrivateKey } from '../private-key.js';
import type { EnvelopeKind } from './auth-enveloped-data.js';
import { type ContentCipher, isAead, readContentCipher } from './content-encryption.js';
import { decryptKeyAgree, keyAgreeEntryFor } from './key-agree-recipient.js';
import { decryptX25519KeyAgree, isX25519KeyAgree } from './key-agree-x25519.js';
import { decryptKeyTrans } from './key-trans-recipient.js';
import { identifiesCertificate } from './recipient-identifier.js';
import type { RsaRawDecrypt } from './rsa-pkcs1-v1_5.js';

/** Reads the content cipher; refuses an AEAD without a tag and a tag without an AEAD. */
export function envelopeCipher(
  kind: EnvelopeKind,
  algorithm: pkijs.AlgorithmIdentifier,
): ContentCipher {
  const cipher = readContentCipher(algorithm);
  if (kind === 'envelopedData' && isAead(cipher)) {
    // An AEAD inside EnvelopedData has nowhere to carry the tag: unauthenticated, refuse it.
    throw new SealpostError(
      'ESMIME_UNSUPPORTED',
      'AES-GCM or ChaCha20-Poly1305 inside EnvelopedData (no tag) is not accepted.',
    );
  }
  if (kind === 'authEnvelopedData' && !isAead(cipher)) {
    throw new SealpostError(
      'ESMIME_UNSUPPORTED',
      'AuthEnvelopedData must use an authenticated cipher (AES-GCM or ChaCha20-Poly1305).',
    );
  }
  return cipher;
}

export interface ContentKey {
  readonly cek: Uint8Array;
  readonly keyEncryptionOid: string;
}

/**
 * The content-encryption key from the first RecipientInfo naming `certificate`; undefined
 * when none does. A key that does not fit (a failed RSA unwrap) is a pseudo-random one.
 */
export async function contentKeyFor(
  recipientInfos: readonly pkijs.RecipientInfo[],
  recipient: { certificate: SmimeCertificate; privateKey: SmimePrivateKey },
  cipher: ContentCipher,
  options: { crypto: Crypto; rsaRawDecrypt?: RsaRawDecrypt },
): Promise<ContentKey | undefined> {
  const { certificate, privateKey } = recipient;
  for (const info of recipientInfos) {
    if (info.variant === 1) {
      const ktri = info.value as pkijs.KeyTransRecipientInfo;
      if (!identifiesCertificate(ktri.rid, certificate)) continue;
      const cek = await decryptKeyTrans(ktri, privateKey, cipher.keyBytes, options);
      return {
        cek,
        keyEncryptionOid: ktri.keyEncryptionAlgorithm.algorithmId || OID.rsaEncryption,
      };
    }
    if (info.variant === 2 && info.value instanceof pkijs.KeyAgreeRecipientInfo) {
      const entry = keyAgreeEntryFor(info.value, certificate);
      if (!entry) continue;
      const cek = isX25519KeyAgree(info.value)
        ? await decryptX25519KeyAgree(info.value, entry, privateKey, options.crypto)
        : await decryptKeyAgree(info.value, entry, privateKey, options.crypto);
      return {
        cek,
        keyEncryptionOid: info.value.keyEncryptionAlgorithm.algorithmId || OID.rsaEncryption,
      };
    }
  }
  return undefined;
}

/** ESMIME_DECRYPT naming how many RecipientInfos there were: the message is not for us. */
export function notForUs(subject: string, recipients: number): SealpostError {
  return new SealpostError(
    'ESMIME_DECRYPT',
    `The message is not encrypted for the certificate ${subject}.`,
    { details: { recipients } },
  );
}
