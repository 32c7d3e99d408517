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
import type { InlineCoverage } from '../inspect/inspection.js';
import { withLegacyHeaders } from '../open/legacy-header-protection.js';
import type { OpenedMessage, SignatureLine } from '../open/opened-message.js';
import type { OpenSide } from './open-side.js';

// One import() per run: later calls reuse the module instead of resolving it again.
let pgpModule: Promise<typeof import('@sealpost/pgp')> | undefined;
const loadPgp = () => (pgpModule ??= import('@sealpost/pgp'));

const ARMOR = /-----BEGIN PGP (MESSAGE|SIGNATURE)-----[\s\S]*?-----END PGP \1-----/;

/** The pipeline's lines for pgp's statuses (also the streamed side's, pgp-open-stream.ts). */
export function signatureLines(statuses: readonly Pgp.SignatureStatus[]): SignatureLine[] {
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
    inline: false,
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

/** The signed text of a cleartext signature block (after its Hash: lines, before the signature). */
function signedText(armored: string): string {
  const match =
    /^-----BEGIN PGP SIGNED MESSAGE-----\r?\n(?:[^\r\n]+\r?\n)*\r?\n([\s\S]*?)\r?\n-----BEGIN PGP SIGNATURE-----/m.exec(
      armored,
    );
  return (match?.[1] ?? '').replace(/^- /gm, '');
}

/** Where the inline block sits in the part's text (line range, surrounding text, first words). */
export async function inlineCoverage(
  text: string,
  kind: 'message' | 'signed-cleartext',
): Promise<InlineCoverage | null> {
  const block = (await loadPgp()).findInlineBlock(text, kind);
  if (!block) return null;
  const words =
    kind === 'signed-cleartext' ? signedText(block.armored).split(/\s+/).filter(Boolean) : [];
  return {
    firstLine: block.firstLine,
    lastLine: block.lastLine,
    totalLines: block.totalLines,
    surrounded: block.surrounded,
    firstWords:
      words.length > 0 ? `${words.slice(0, 8).join(' ')}${words.length > 8 ? ' …' : ''}` : null,
  };
}

export const pgpOpenSide: OpenSide = {
  scheme: 'pgp',

  async decrypt(bytes, keys, options) {
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
        ...(options.rsaRawDecrypt ? { rsaRawDecrypt: options.rsaRawDecrypt } : {}),
      }),
    );
  },

  async verify(bytes, keys) {
    const pgp = await loadPgp();
    return opened(await pgp.verifyMime(bytes, { verificationKeys: keys.pgpPublicKeys }));
  },

  streamed: {
    streams: (layer) => layer.format === 'pgp-mime-encrypted' || layer.format === 'pgp-mime-signed',
    load: async () => (await import('./pgp-open-stream.js')).pgpStreamedOpenSide,
  },

  async refineLayer(layer) {
    return layer;
  },

  async describeEncryption(layer: ProtectionLayer, entity: MimeEntity) {
    const pgp = await loadPgp();
    if (layer.format === 'inline-pgp-message') {
      const text = new TextDecoder().decode(decodeBody(entity));
      const armored = ARMOR.exec(text)?.[0] ?? '';
      const inline = await inlineCoverage(text, 'message');
      return {
        pgp: await pgp.describeEncryptedMessage(new TextEncoder().encode(armored)),
        ...(inline ? { inline } : {}),
      };
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
      const inline = await inlineCoverage(text, 'signed-cleartext');
      return { pgp: await pgp.describeCleartextSignature(text), ...(inline ? { inline } : {}) };
    }
    const signature = secondPart(entity, 'multipart/signed without its signature part');
    return { pgp: await pgp.describeDetachedSignature(decodeBody(signature)) };
  },
};
