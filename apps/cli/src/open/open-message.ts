/**
 * The recipient side for both schemes: decrypt (RFC 3156 §4 / RFC 8551 §3.3) or verify
 * (RFC 3156 §5 / RFC 8551 §3.5) a message, with RFC 9788 protected headers winning over the
 * outer ones when the payload carries hp=. One result shape whichever scheme it was.
 */
import type * as Compose from '@sealpost/compose';
import type { HeaderField } from '@sealpost/compose';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type * as Pgp from '@sealpost/pgp';
import type * as Smime from '@sealpost/smime';
import type { RsaRawDecrypt } from '@sealpost/smime';
import type { DecryptionKeys } from './open-command.js';

export type MessageScheme = 'pgp' | 'smime';

/**
 * The libraries, each loaded on first use: a PGP/MIME message never pays for pkijs, nor an
 * S/MIME one for openpgp.js (one-shot start-up time, bench/recipient.bench.ts).
 */
export interface OpenLibs {
  readonly compose: typeof Compose;
  pgp(): Promise<typeof Pgp>;
  smime(): Promise<typeof Smime>;
  rsaRawDecrypt(): Promise<RsaRawDecrypt>;
}

export interface SignatureLine {
  /** unknown-key: none of the given keys (OpenPGP) or trust anchors (S/MIME) vouches for the signer. */
  readonly status: 'valid' | 'invalid' | 'unknown-key';
  /** OpenPGP fingerprint, or the S/MIME certificate subject. */
  readonly signer: string | null;
  /** OpenPGP issuer key ID. */
  readonly keyId: string | null;
  /** Addresses the S/MIME certificate names. */
  readonly addresses: readonly string[];
  /** When the signature says it was made (OpenPGP creation time, CMS signingTime). */
  readonly created: string | null;
  readonly reason: string | null;
  /** The sealpost error code behind an S/MIME verdict, e.g. ESMIME_CERT_UNTRUSTED. */
  readonly code: string | null;
}

export interface OpenedMessage {
  readonly scheme: MessageScheme;
  readonly encrypted: boolean;
  /** S/MIME: the CMS structure and algorithms used. OpenPGP: null (see `sealpost inspect`). */
  readonly encryption: {
    readonly structure: string;
    readonly contentEncryptionOid: string;
    readonly keyEncryptionOid: string;
  } | null;
  readonly headerProtection: 'cipher' | 'clear' | null;
  /** The header fields to show: the protected ones when hp is present, else the outer ones. */
  readonly headers: readonly HeaderField[];
  readonly outerHeaders: readonly HeaderField[];
  /** What the sender says the outside showed (HP-Outer, only with hp="cipher"). */
  readonly hpOuter: readonly HeaderField[];
  readonly signatures: readonly SignatureLine[];
  /** The inner message: `headers` over the decrypted or signed entity. */
  readonly message: Uint8Array;
}

export type ProtectionKind =
  | { readonly scheme: MessageScheme; readonly kind: 'encrypted' | 'signed' }
  | { readonly scheme: null; readonly kind: 'none' };

/** How the message's own entity is protected (RFC 3156 / RFC 8551 media types). */
export function protectionOf(compose: typeof Compose, bytes: Uint8Array): ProtectionKind {
  let type: Compose.ContentType;
  try {
    type = compose.entityContentType(compose.splitMessage(bytes).entity);
  } catch (cause) {
    throw new SealpostError('EMIME', 'The file is not a readable RFC 5322 / MIME message.', {
      cause,
    });
  }
  const protocol = type.params.protocol?.toLowerCase() ?? '';
  if (type.mediaType === 'multipart/encrypted' && protocol === 'application/pgp-encrypted') {
    return { scheme: 'pgp', kind: 'encrypted' };
  }
  if (type.mediaType === 'multipart/signed' && protocol === 'application/pgp-signature') {
    return { scheme: 'pgp', kind: 'signed' };
  }
  if (
    type.mediaType === 'multipart/signed' &&
    /^application\/(x-)?pkcs7-signature$/.test(protocol)
  ) {
    return { scheme: 'smime', kind: 'signed' };
  }
  if (/^application\/(x-)?pkcs7-mime$/.test(type.mediaType)) {
    const signed = type.params['smime-type']?.toLowerCase() === 'signed-data';
    return { scheme: 'smime', kind: signed ? 'signed' : 'encrypted' };
  }
  return { scheme: null, kind: 'none' };
}

function pgpLines(statuses: readonly Pgp.SignatureStatus[]): SignatureLine[] {
  return statuses.map((s) => ({
    status: s.status,
    signer: s.signerFingerprint ?? null,
    keyId: s.keyId,
    addresses: [],
    created: s.created ? s.created.toISOString() : null,
    reason: s.reason ?? (s.status === 'unknown-key' ? 'none of the given keys made it' : null),
    code: null,
  }));
}

function smimeLines(report: Smime.SignatureReport | undefined): SignatureLine[] {
  return (report?.signers ?? []).map((s) => {
    // The signature itself checked, but no given trust anchor vouches for the certificate.
    const untrusted = s.status === 'invalid' && s.error?.code === 'ESMIME_CERT_UNTRUSTED';
    return {
      status: s.status === 'valid' ? 'valid' : untrusted ? 'unknown-key' : 'invalid',
      signer: s.certificate?.subject ?? null,
      keyId: null,
      addresses: [...(s.certificate?.addresses ?? [])],
      created: s.signingTime ? s.signingTime.toISOString() : null,
      reason: s.error?.message ?? null,
      code: s.error?.code ?? null,
    };
  });
}

function fromPgp(
  compose: typeof Compose,
  opened: Pgp.OpenedMessage,
): Omit<OpenedMessage, 'scheme' | 'encryption'> {
  return {
    encrypted: opened.encrypted,
    headerProtection: opened.hp ?? null,
    headers: opened.headers,
    outerHeaders: opened.outerHeaders,
    hpOuter: opened.hpOuter,
    signatures: pgpLines(opened.signatures),
    message: compose.joinMessage(opened.headers, opened.entity),
  };
}

/** Tries each candidate certificate until one is named by a RecipientInfo. */
async function decryptSmime(
  libs: OpenLibs,
  bytes: Uint8Array,
  identity: NonNullable<DecryptionKeys['smime']>,
  trustAnchors: readonly Smime.SmimeCertificate[],
): Promise<Smime.DecryptMimeResult> {
  const [smime, rsaRawDecrypt] = await Promise.all([libs.smime(), libs.rsaRawDecrypt()]);
  let lastError: unknown;
  for (const certificate of identity.certificates) {
    try {
      return await smime.decryptMime(bytes, {
        privateKey: identity.privateKey,
        certificate,
        rsaRawDecrypt,
        trustAnchors,
      });
    } catch (err) {
      const notForThis =
        err instanceof SealpostError &&
        err.code === 'ESMIME_DECRYPT' &&
        (err.details as { recipients?: number } | undefined)?.recipients !== undefined;
      if (!notForThis) throw err;
      lastError = err;
    }
  }
  throw lastError;
}

export interface DecryptInput {
  readonly keys: DecryptionKeys;
  readonly verificationKeys: readonly Pgp.PublicKey[];
  readonly trustAnchors: readonly Smime.SmimeCertificate[];
}

/** ENOT_PROTECTED unless the message is PGP/MIME or S/MIME encrypted; checked before any key is read. */
export function assertEncrypted(
  compose: typeof Compose,
  bytes: Uint8Array,
): ProtectionKind & { kind: 'encrypted' } {
  const protection = protectionOf(compose, bytes);
  if (protection.kind !== 'encrypted') {
    throw new SealpostError(
      'ENOT_PROTECTED',
      protection.kind === 'signed'
        ? 'The message is signed but not encrypted: use "sealpost verify".'
        : 'The message is not encrypted with PGP/MIME or S/MIME.',
    );
  }
  return protection as ProtectionKind & { kind: 'encrypted' };
}

export async function decryptMessage(
  libs: OpenLibs,
  bytes: Uint8Array,
  input: DecryptInput,
): Promise<OpenedMessage> {
  const protection = assertEncrypted(libs.compose, bytes);
  if (protection.scheme === 'pgp') {
    if (input.keys.pgp.length === 0) {
      throw new SealpostError(
        'EUSAGE',
        'This is a PGP/MIME message: give your OpenPGP secret key with --key FILE.',
      );
    }
    const opened = await (await libs.pgp()).decryptMime(bytes, {
      decryptionKeys: input.keys.pgp,
      verificationKeys: input.verificationKeys,
    });
    return { scheme: 'pgp', encryption: null, ...fromPgp(libs.compose, opened) };
  }
  if (!input.keys.smime) {
    throw new SealpostError(
      'EUSAGE',
      'This is an S/MIME message: give your private key and certificate (PEM) or PKCS#12 file with --key FILE.',
    );
  }
  const result = await decryptSmime(libs, bytes, input.keys.smime, input.trustAnchors);
  const outerHeaders = libs.compose.splitMessage(bytes).messageHeaders;
  return {
    scheme: 'smime',
    encrypted: true,
    encryption: {
      structure: result.encryption.structure,
      contentEncryptionOid: result.encryption.contentEncryptionOid,
      keyEncryptionOid: result.encryption.keyEncryptionOid,
    },
    headerProtection: result.hp ?? null,
    headers: result.headers,
    outerHeaders,
    hpOuter: result.hpOuter,
    signatures: smimeLines(result.signature),
    message: result.message,
  };
}

export async function verifyMessage(
  libs: OpenLibs,
  bytes: Uint8Array,
  input: Omit<DecryptInput, 'keys'>,
): Promise<OpenedMessage> {
  const protection = protectionOf(libs.compose, bytes);
  if (protection.kind !== 'signed') {
    throw new SealpostError(
      'ENOT_PROTECTED',
      protection.kind === 'encrypted'
        ? 'The message is encrypted: "sealpost decrypt" decrypts it and checks the signature inside.'
        : 'The message is not signed with PGP/MIME or S/MIME.',
    );
  }
  if (protection.scheme === 'pgp') {
    const pgp = await libs.pgp();
    const opened = await pgp.verifyMime(bytes, { verificationKeys: input.verificationKeys });
    return { scheme: 'pgp', encryption: null, ...fromPgp(libs.compose, opened) };
  }
  const smime = await libs.smime();
  const result = await smime.verifyMime(bytes, { trustAnchors: input.trustAnchors });
  return {
    scheme: 'smime',
    encrypted: false,
    encryption: null,
    headerProtection: result.hp ?? null,
    headers: result.headers,
    outerHeaders: libs.compose.splitMessage(bytes).messageHeaders,
    hpOuter: result.hpOuter,
    signatures: smimeLines(result.signature),
    message: result.message,
  };
}

/** Exit-code policy (docs/decisions/0055): an invalid signature is never shown as content. */
export function assertSignatures(opened: OpenedMessage, requireValid: boolean): void {
  const invalid = opened.signatures.filter((s) => s.status === 'invalid');
  if (invalid.length > 0) {
    const first = invalid[0]!;
    throw new SealpostError(
      'ESIGNATURE_INVALID',
      `${invalid.length} signature(s) on the message do not verify${first.signer ? ` (signer ${quoteUntrusted(first.signer)})` : ''}: ${(first.reason ?? 'the content or the signature was changed').replace(/\.$/, '')}.`,
      { details: { signatures: opened.signatures } },
    );
  }
  if (requireValid && !opened.signatures.some((s) => s.status === 'valid')) {
    throw new SealpostError(
      'ESIGNATURE_UNVERIFIED',
      opened.scheme === 'pgp'
        ? `The signature was made by key ${opened.signatures[0]?.keyId ?? '(unknown)'}, which is not among the keys given with --key.`
        : `The signer certificate ${quoteUntrusted(opened.signatures[0]?.signer ?? '')} does not chain to a CA given with --anchor.`,
      { details: { signatures: opened.signatures } },
    );
  }
}
