/**
 * KeyAgreeRecipientInfo (RFC 5652 §6.2.2) with ephemeral-static ECDH (RFC 5753 §3.1):
 * dhSinglePass-stdDH-sha*kdf-scheme, X9.63 KDF, the CEK wrapped with AES key wrap (RFC 3394).
 */
import { SealpostError } from '@sealpost/errors';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { SmimeCertificate } from '../certificate.js';
import { OID } from '../oids.js';
import { importPrivateKey, type SmimePrivateKey } from '../private-key.js';
import { eccCmsSharedInfo, x963Kdf } from './ecc-cms-kdf.js';
import { identifiesCertificate, issuerAndSerialOf } from './recipient-identifier.js';

const KDF_HASH: Readonly<Record<string, string>> = {
  [OID.ecdhSha1Kdf]: 'SHA-1',
  [OID.ecdhSha256Kdf]: 'SHA-256',
  [OID.ecdhSha384Kdf]: 'SHA-384',
  [OID.ecdhSha512Kdf]: 'SHA-512',
};
const WRAP_BITS: Readonly<Record<string, number>> = {
  [OID.aes128Wrap]: 128,
  [OID.aes192Wrap]: 192,
  [OID.aes256Wrap]: 256,
};
const CURVE_BITS = { 'P-256': 256, 'P-384': 384, 'P-521': 528 } as const;
/** The KDF hash sized to the curve (RFC 5753 §8 pairs SHA-256/384/512 with P-256/384/521). */
const SCHEME_FOR_CURVE = {
  'P-256': OID.ecdhSha256Kdf,
  'P-384': OID.ecdhSha384Kdf,
  'P-521': OID.ecdhSha512Kdf,
} as const;

async function kek(
  privateKey: CryptoKey,
  publicKey: CryptoKey,
  curve: keyof typeof CURVE_BITS,
  schemeOid: string,
  wrapOid: string,
  ukm: Uint8Array | undefined,
  crypto: Crypto,
): Promise<CryptoKey> {
  const hash = KDF_HASH[schemeOid];
  const wrapBits = WRAP_BITS[wrapOid];
  if (!hash || !wrapBits) {
    throw new SealpostError(
      'ESMIME_UNSUPPORTED',
      `Unsupported ECDH scheme ${schemeOid} / ${wrapOid}.`,
    );
  }
  const z = new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: 'ECDH', public: publicKey },
      privateKey,
      CURVE_BITS[curve],
    ),
  );
  const raw = await x963Kdf(
    hash,
    z,
    eccCmsSharedInfo(wrapOid, wrapBits, ukm),
    wrapBits / 8,
    crypto,
  );
  return crypto.subtle.importKey('raw', raw as BufferSource, 'AES-KW', false, [
    'wrapKey',
    'unwrapKey',
  ]);
}

export async function buildKeyAgreeRecipient(
  cert: SmimeCertificate,
  cek: Uint8Array,
  crypto: Crypto,
): Promise<Uint8Array> {
  const key = cert.publicKey;
  if (key.type !== 'ec' || !key.curve) {
    throw new SealpostError(
      'ESMIME_CERT_WEAK',
      `The certificate for ${cert.subject} has no usable EC key.`,
    );
  }
  const curve = key.curve;
  const spki = cert.pkijs.subjectPublicKeyInfo.toSchema().toBER();
  const recipientKey = await crypto.subtle.importKey(
    'spki',
    spki,
    { name: 'ECDH', namedCurve: curve },
    false,
    [],
  );
  const ephemeral = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: curve }, true, [
    'deriveBits',
  ])) as CryptoKeyPair;
  const scheme = SCHEME_FOR_CURVE[curve];
  const wrapOid = OID.aes256Wrap;
  const kekKey = await kek(
    ephemeral.privateKey,
    recipientKey,
    curve,
    scheme,
    wrapOid,
    undefined,
    crypto,
  );
  return wrappedKeyAgreeRecipient({
    cek,
    kekKey,
    ephemeralPublicKey: ephemeral.publicKey,
    scheme,
    wrapOid,
    cert,
    crypto,
  });
}

/** The encrypted key in this KeyAgreeRecipientInfo meant for `cert`, if any. */
export function keyAgreeEntryFor(
  kari: pkijs.KeyAgreeRecipientInfo,
  cert: SmimeCertificate,
): pkijs.RecipientEncryptedKey | undefined {
  return kari.recipientEncryptedKeys.encryptedKeys.find((entry) =>
    identifiesCertificate(entry.rid.value, cert),
  );
}

export async function decryptKeyAgree(
  kari: pkijs.KeyAgreeRecipientInfo,
  entry: pkijs.RecipientEncryptedKey,
  privateKey: SmimePrivateKey,
  crypto: Crypto,
): Promise<Uint8Array> {
  if (privateKey.type !== 'ec' || !privateKey.curve) {
    throw new SealpostError('ESMIME_DECRYPT', 'This recipient needs an EC private key.');
  }
  if (kari.originator.variant !== 3) {
    throw new SealpostError(
      'ESMIME_UNSUPPORTED',
      'Only ephemeral-static ECDH (originatorKey) is supported.',
    );
  }
  const originator = kari.originator.value as pkijs.OriginatorPublicKey;
  const point = originator.publicKey.valueBlock.valueHexView;
  const wrap = new pkijs.AlgorithmIdentifier({
    schema: kari.keyEncryptionAlgorithm.algorithmParams,
  });
  const ukm = kari.ukm?.valueBlock.valueHexView;
  try {
    const publicKey = await crypto.subtle.importKey(
      'raw',
      point as BufferSource,
      { name: 'ECDH', namedCurve: privateKey.curve },
      false,
      [],
    );
    const ours = await importPrivateKey(privateKey, 'ecdh', '', crypto);
    const kekKey = await kek(
      ours,
      publicKey,
      privateKey.curve,
      kari.keyEncryptionAlgorithm.algorithmId,
      wrap.algorithmId,
      ukm,
      crypto,
    );
    // Awaited here so that a failed unwrap lands in the catch below.
    return await unwrapContentKey(entry.encryptedKey.valueBlock.valueHexView, kekKey, crypto);
  } catch (cause) {
    if (cause instanceof SealpostError) throw cause;
    throw new SealpostError(
      'ESMIME_DECRYPT',
      'The ECDH-wrapped content key could not be unwrapped.',
      { cause },
    );
  }
}

/**
 * The KeyAgreeRecipientInfo (RFC 5652 §6.2.2) once the key-encryption key is agreed: the content
 * key wrapped with AES key wrap (RFC 3394), our ephemeral public key as the originator, the
 * recipient named by issuer and serial. ECDH (RFC 5753) and X25519 (RFC 8418) share it.
 */
export async function wrappedKeyAgreeRecipient(input: {
  readonly cek: Uint8Array;
  readonly kekKey: CryptoKey;
  readonly ephemeralPublicKey: CryptoKey;
  readonly scheme: string;
  readonly wrapOid: string;
  readonly cert: SmimeCertificate;
  readonly crypto: Crypto;
}): Promise<Uint8Array> {
  const { cek, kekKey, scheme, wrapOid, cert, crypto } = input;
  const cekKey = await crypto.subtle.importKey('raw', cek as BufferSource, 'AES-GCM', true, [
    'encrypt',
  ]);
  const wrapped = await crypto.subtle.wrapKey('raw', cekKey, kekKey, 'AES-KW');
  const ephemeralSpki = await crypto.subtle.exportKey('spki', input.ephemeralPublicKey);
  const kari = new pkijs.KeyAgreeRecipientInfo({
    version: 3,
    originator: new pkijs.OriginatorIdentifierOrKey({
      variant: 3,
      value: pkijs.OriginatorPublicKey.fromBER(ephemeralSpki),
    }),
    keyEncryptionAlgorithm: new pkijs.AlgorithmIdentifier({
      algorithmId: scheme,
      algorithmParams: new pkijs.AlgorithmIdentifier({ algorithmId: wrapOid }).toSchema(),
    }),
    recipientEncryptedKeys: new pkijs.RecipientEncryptedKeys({
      encryptedKeys: [
        new pkijs.RecipientEncryptedKey({
          rid: new pkijs.KeyAgreeRecipientIdentifier({
            variant: 1,
            value: issuerAndSerialOf(cert),
          }),
          encryptedKey: new asn1js.OctetString({ valueHex: wrapped }),
        }),
      ],
    }),
  });
  return new Uint8Array(new pkijs.RecipientInfo({ variant: 2, value: kari }).toSchema().toBER());
}

/** The content-encryption key out of its AES key wrap (RFC 3394), for ECDH and X25519 alike. */
export async function unwrapContentKey(
  wrapped: Uint8Array,
  kekKey: CryptoKey,
  crypto: Crypto,
): Promise<Uint8Array> {
  const cek = await crypto.subtle.unwrapKey(
    'raw',
    wrapped as BufferSource,
    kekKey,
    'AES-KW',
    // HMAC takes a key of any length: the CEK may be for AES, ChaCha20 or 3DES.
    { name: 'HMAC', hash: 'SHA-256' },
    true,
    ['sign'],
  );
  return new Uint8Array(await crypto.subtle.exportKey('raw', cek));
}
