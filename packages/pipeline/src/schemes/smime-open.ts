/**
 * The receiving side of S/MIME: decrypt and verify (RFC 8551 §3.3, §3.5) and the CMS
 * structure of enveloped or signed data (RFC 5652 §5–6), with @sealpost/smime (pkijs,
 * asn1js) loaded on first use.
 */
import {
  decodeBody,
  type MimeEntity,
  type ProtectionLayer,
  parseEntity,
  parseMultipart,
  splitMessage,
} from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import type * as Smime from '@sealpost/smime';
import { withLegacyHeaders } from '../open/legacy-header-protection.js';
import type { OpenKeys, OpenOptions } from '../open/open-keys.js';
import type { OpenedMessage, SignatureLine } from '../open/opened-message.js';
import type { OpenSide } from './open-side.js';

// One import() per run: later calls reuse the module instead of resolving it again.
let smimeModule: Promise<typeof import('@sealpost/smime')> | undefined;
const loadSmime = () => (smimeModule ??= import('@sealpost/smime'));

/** Every S/MIME layer has a streamed opening (RFC 8551 §3.3, §3.5.2, §3.5.3). */
const STREAMED_FORMATS: ReadonlySet<ProtectionLayer['format']> = new Set([
  'smime-enveloped',
  'smime-signed-detached',
  'smime-signed-opaque',
]);

/** The pipeline's lines for a signature report (also the streamed side's, smime-open-stream.ts). */
export function signatureLines(report: Smime.SignatureReport | undefined): SignatureLine[] {
  return (report?.signers ?? []).map((s) => {
    // The signature itself checked, but no given trust anchor vouches for the certificate.
    const untrusted = s.status === 'invalid' && s.error?.code === 'ESMIME_CERT_UNTRUSTED';
    return {
      status: s.status === 'valid' ? 'valid' : untrusted ? 'unknown-key' : 'invalid',
      signer: s.certificate?.subject ?? null,
      keyId: null,
      addresses: [...(s.certificate?.addresses ?? [])],
      userIds: [],
      created: s.signingTime ? s.signingTime.toISOString() : null,
      reason: s.error?.message ?? null,
      code: s.error?.code ?? null,
    };
  });
}

/** ESMIME_DECRYPT naming the RecipientInfos: this certificate is not one the message is for. */
function notForThisCertificate(err: unknown): boolean {
  return (
    err instanceof SealpostError &&
    err.code === 'ESMIME_DECRYPT' &&
    (err.details as { recipients?: number } | undefined)?.recipients !== undefined
  );
}

/** Tries each identity's certificates in turn until one is named by a RecipientInfo. */
async function decryptWithIdentities(
  bytes: Uint8Array,
  keys: OpenKeys,
  options: OpenOptions,
): Promise<Smime.DecryptMimeResult> {
  const smime = await loadSmime();
  let lastError: unknown;
  for (const identity of keys.smimeIdentities) {
    for (const certificate of identity.certificates) {
      try {
        return await smime.decryptMime(bytes, {
          privateKey: identity.privateKey,
          certificate,
          trustAnchors: keys.smimeTrustAnchors,
          ...(options.rsaRawDecrypt ? { rsaRawDecrypt: options.rsaRawDecrypt } : {}),
          ...(options.contentDecrypt ? { contentDecrypt: options.contentDecrypt } : {}),
          ...(options.now ? { now: options.now } : {}),
        });
      } catch (err) {
        if (!notForThisCertificate(err)) throw err;
        lastError = err;
      }
    }
  }
  throw lastError;
}

export const smimeOpenSide: OpenSide = {
  scheme: 'smime',
  // A large message is opened from its file in constant memory (decision 0124); the streamed
  // side imports @sealpost/smime/node, so neither it nor pkijs loads before it is needed.
  streamed: {
    streams: (layer) => STREAMED_FORMATS.has(layer.format),
    load: async () => (await import('./smime-open-stream.js')).smimeStreamedOpenSide,
  },

  async decrypt(bytes, keys, options) {
    if (keys.smimeIdentities.every((identity) => identity.certificates.length === 0)) {
      throw new SealpostError(
        'EUSAGE',
        'This is an S/MIME message: decrypting it needs a private key with its certificate.',
        { details: { scheme: 'smime', missing: 'smimeIdentities' } },
      );
    }
    const result = await decryptWithIdentities(bytes, keys, options);
    return withLegacyHeaders(
      {
        scheme: 'smime',
        encrypted: true,
        inline: false,
        encryption: {
          structure: result.encryption.structure,
          contentEncryptionOid: result.encryption.contentEncryptionOid,
          keyEncryptionOid: result.encryption.keyEncryptionOid,
        },
        integrity: result.encryption.integrity,
        headerProtection: result.hp ?? null,
        headers: result.headers,
        outerHeaders: splitMessage(bytes).messageHeaders,
        hpOuter: result.hpOuter,
        signatures: signatureLines(result.signature),
        // 3DES / RC2 content from older clients: readable, but say it is weak (never written).
        notes:
          result.encryption.weak && result.encryption.weakNote ? [result.encryption.weakNote] : [],
        message: result.message,
      } satisfies OpenedMessage,
      result.entity,
    );
  },

  async verify(bytes, keys, options) {
    const smime = await loadSmime();
    const result = await smime.verifyMime(bytes, {
      trustAnchors: keys.smimeTrustAnchors,
      ...(options.now ? { now: options.now } : {}),
    });
    return withLegacyHeaders(
      {
        scheme: 'smime',
        encrypted: false,
        inline: false,
        encryption: null,
        integrity: null,
        headerProtection: result.hp ?? null,
        headers: result.headers,
        outerHeaders: splitMessage(bytes).messageHeaders,
        hpOuter: result.hpOuter,
        signatures: signatureLines(result.signature),
        notes: [],
        message: result.message,
      },
      result.entity,
    );
  },

  /**
   * Old clients send application/pkcs7-mime without smime-type (RFC 8551 §3.2.2 made it
   * mandatory later): the CMS content type then tells signed-data from enveloped-data.
   */
  async refineLayer(layer: ProtectionLayer, entity: MimeEntity) {
    if (layer.format !== 'smime-enveloped') return layer;
    try {
      const smime = await loadSmime();
      if (smime.cmsContentType(decodeBody(entity)) === 'signedData') {
        return { ...layer, kind: 'signed', format: 'smime-signed-opaque' };
      }
    } catch {
      // Unreadable: describeEncryption reports it.
    }
    return layer;
  },

  async describeEncryption(_layer: ProtectionLayer, entity: MimeEntity) {
    const smime = await loadSmime();
    return { cms: smime.describeEnvelope(decodeBody(entity)) };
  },

  async signedEntity(layer: ProtectionLayer, entity: MimeEntity) {
    try {
      if (layer.format === 'smime-signed-detached') {
        return parseMultipart(entity).parts[0]?.entity ?? null;
      }
      // Opaque: the signed entity is the SignedData's eContent (RFC 5652 §5.2).
      const content = (await loadSmime()).signedDataContent(decodeBody(entity));
      return content ? parseEntity(content) : null;
    } catch {
      return null;
    }
  },
  async describeSignature(layer: ProtectionLayer, entity: MimeEntity) {
    const smime = await loadSmime();
    const der =
      layer.format === 'smime-signed-detached'
        ? decodeBody(parseMultipart(entity).parts[1]?.entity ?? entity)
        : decodeBody(entity);
    return { cms: smime.describeSignedData(der) };
  },
};
