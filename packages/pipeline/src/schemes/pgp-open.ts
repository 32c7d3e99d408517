/**
 * The receiving side of OpenPGP: PGP/MIME decrypt and verify (RFC 3156 §4–5) and the packet
 * listing of encrypted or signed data (RFC 9580 §5), with @sealpost/pgp loaded on first use.
 */
import {
  decodeBody,
  joinMessage,
  type MimeEntity,
  type ProtectionLayer,
  parseMultipart,
} from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import type * as Pgp from '@sealpost/pgp';
import { withLegacyHeaders } from '../open/legacy-header-protection.js';
import type { OpenedMessage, SignatureLine } from '../open/opened-message.js';
import type { OpenSide } from './open-side.js';

const loadPgp = () => import('@sealpost/pgp');

const ARMOR = /-----BEGIN PGP (MESSAGE|SIGNATURE)-----[\s\S]*?-----END PGP \1-----/;

function signatureLines(statuses: readonly Pgp.SignatureStatus[]): SignatureLine[] {
  return statuses.map((s) => ({
    status: s.status,
    signer: s.signerFingerprint ?? null,
    keyId: s.keyId,
    // Which user IDs the key has and which matched From: what ties the signature to the sender.
    addresses: [...s.addresses],
    userIds: [...s.userIds],
    created: s.created ? s.created.toISOString() : null,
    reason: s.reason ?? (s.status === 'unknown-key' ? 'none of the given keys made it' : null),
    code: s.code ?? null,
  }));
}

function opened(result: Pgp.OpenedPgpMessage): OpenedMessage {
  return withLegacyHeaders(openedFrom(result), result.entity);
}

function openedFrom(result: Pgp.OpenedPgpMessage): OpenedMessage {
  return {
    scheme: 'pgp',
    encryption: null,
    encrypted: result.encrypted,
    integrity: result.encrypted ? (result.integrity ?? 'mdc') : null,
    headerProtection: result.hp ?? null,
    headers: result.headers,
    outerHeaders: result.outerHeaders,
    hpOuter: result.hpOuter,
    signatures: signatureLines(result.signatures),
    notes: [],
    message: joinMessage(result.headers, result.entity),
  };
}

/** The second part of a multipart/encrypted or multipart/signed entity (RFC 1847 §2.1–2.2). */
function secondPart(entity: MimeEntity, what: string): MimeEntity {
  const part = parseMultipart(entity).parts[1];
  if (!part) throw new Error(what);
  return part.entity;
}

/**
 * Whether a text holds inline PGP (RFC 9580 §7 cleartext signature or an armored message).
 * @sealpost/pgp is loaded only when the text has an armor line at all.
 */
export async function inlinePgpIn(text: string): Promise<'message' | 'signed-cleartext' | null> {
  if (!text.includes('-----BEGIN PGP ')) return null;
  return (await loadPgp()).inlinePgpKind(text);
}

export const pgpOpenSide: OpenSide = {
  scheme: 'pgp',

  async decrypt(bytes, keys) {
    if (keys.pgpPrivateKeys.length === 0) {
      throw new SealpostError(
        'EUSAGE',
        'This is a PGP/MIME message: decrypting it needs an OpenPGP secret key.',
        { details: { scheme: 'pgp', missing: 'pgpPrivateKeys' } },
      );
    }
    const pgp = await loadPgp();
    return opened(
      await pgp.decryptMime(bytes, {
        decryptionKeys: keys.pgpPrivateKeys,
        verificationKeys: keys.pgpPublicKeys,
      }),
    );
  },

  async verify(bytes, keys) {
    const pgp = await loadPgp();
    return opened(await pgp.verifyMime(bytes, { verificationKeys: keys.pgpPublicKeys }));
  },

  async refineLayer(layer) {
    return layer;
  },

  async describeEncryption(layer: ProtectionLayer, entity: MimeEntity) {
    const pgp = await loadPgp();
    if (layer.format === 'inline-pgp-message') {
      const armored = ARMOR.exec(new TextDecoder().decode(decodeBody(entity)))?.[0] ?? '';
      return { pgp: await pgp.describeEncryptedMessage(new TextEncoder().encode(armored)) };
    }
    const data = secondPart(entity, 'multipart/encrypted without its data part');
    return { pgp: await pgp.describeEncryptedMessage(decodeBody(data)) };
  },

  async signedEntity(layer: ProtectionLayer, entity: MimeEntity) {
    if (layer.format !== 'pgp-mime-signed') return null;
    try {
      return parseMultipart(entity).parts[0]?.entity ?? null;
    } catch {
      return null;
    }
  },
  async describeSignature(layer: ProtectionLayer, entity: MimeEntity) {
    const pgp = await loadPgp();
    if (layer.format === 'inline-pgp-signed') {
      const text = new TextDecoder().decode(decodeBody(entity));
      return { pgp: await pgp.describeCleartextSignature(text) };
    }
    const signature = secondPart(entity, 'multipart/signed without its signature part');
    return { pgp: await pgp.describeDetachedSignature(decodeBody(signature)) };
  },
};
