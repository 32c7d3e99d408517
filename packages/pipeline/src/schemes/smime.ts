/**
 * S/MIME on the send side: CMS enveloping (RFC 8551 §3.3, AuthEnvelopedData per RFC 5083 by
 * default, signed inside when asked) and signing (RFC 8551 §3.5), with RFC 9788 header
 * protection. pkijs and asn1js load on first use only, through @sealpost/smime.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { decodeBody, parseEntity } from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import type { SmimeCertificate } from '@sealpost/smime';
import type { BuildOptions, SmimeSignerMaterial } from '../build-messages.js';
import type { PlannedMessage } from '../plan-send.js';
import type { SelfCheckInput } from '../self-check.js';
import type { SignedParts } from '../spool/signed-parts.js';
import type { OwnSignatureCheck, SendSide } from './scheme.js';

/** The DER of the application/pkcs7-signature part in what follows the signed part. */
function signatureDer(rest: Buffer): Uint8Array | undefined {
  // rest: CRLF "--boundary" CRLF <signature entity> CRLF "--boundary--" ... (RFC 2046 §5.1.1)
  const start = rest.indexOf('\r\n', 2);
  const delimiter = rest.subarray(0, start);
  const end = rest.indexOf(Buffer.concat([delimiter, Buffer.from('--')]), start);
  if (start === -1 || end === -1) return undefined;
  try {
    return decodeBody(parseEntity(rest.subarray(start + 2, end)));
  } catch {
    return undefined;
  }
}

function signer(options: BuildOptions): SmimeSignerMaterial {
  const material = options.signers?.smime?.material as SmimeSignerMaterial | undefined;
  if (!material?.certificate || !material.privateKey)
    throw new SealpostError('ECONFIG', 'No S/MIME signing certificate and key were given.');
  return material;
}

function sameCertificate(a: SmimeCertificate | undefined, b: SmimeCertificate): boolean {
  return a !== undefined && a.der.length === b.der.length && a.der.every((x, i) => x === b.der[i]);
}

/**
 * Our own signature on a signed-only copy: SHA-256 over the first part as it goes by, then
 * the signature over the attributes that carry that digest (RFC 5652 §5.4), with our
 * certificate and the trust inputs the signer was checked with (decision 0071).
 */
function ownSignatureCheck(input: SelfCheckInput): OwnSignatureCheck | undefined {
  const own = input.smimeSigner;
  if (!own) return undefined;
  const hash = createHash('sha256');
  return {
    content: (bytes: Uint8Array) => hash.update(bytes),
    async end(rest: Buffer) {
      const der = signatureDer(rest);
      if (!der) return 'the S/MIME signature part is missing';
      const smime = await import('@sealpost/smime/node');
      return smime.verifyDetachedDigest(der, new Uint8Array(hash.digest()), {
        certificate: own.certificate,
        ...(own.chain ? { chain: own.chain } : {}),
        ...(input.smimeTrustAnchors ? { trustAnchors: input.smimeTrustAnchors } : {}),
      });
    },
  };
}

export const smimeSendSide: SendSide = {
  scheme: 'smime',
  displayName: 'S/MIME',

  async buildCopy(mime: Uint8Array, planned: PlannedMessage, options: BuildOptions) {
    const material = planned.sign === 'smime' ? signer(options) : undefined;
    const signWith = material && {
      certificate: material.certificate,
      privateKey: material.privateKey,
      ...(material.chain ? { chain: material.chain } : {}),
    };
    const smime = await import('@sealpost/smime');
    if (planned.scheme === 'smime') {
      return smime.encryptMime(mime, {
        recipients: planned.encryptTo.map((k) => k.material as SmimeCertificate),
        ...(options.smimeCompat
          ? { contentEncryption: 'aes-256-cbc' as const, rsaPadding: 'pkcs1v15' as const }
          : {}),
        ...(signWith ? { sign: signWith } : {}),
        headerProtection: planned.headerProtection,
      });
    }
    if (!signWith) throw new SealpostError('EINTERNAL', 'Nothing to do for this S/MIME copy.');
    return smime.signMime(mime, signWith);
  },

  streamCopy(planned: PlannedMessage, options: BuildOptions) {
    // AES-256-GCM AuthEnvelopedData and detached signatures stream (smime/node); the CBC
    // compatibility mode does not, and is built in memory.
    if (planned.scheme === 'smime' && options.smimeCompat) return undefined;
    const material = planned.sign === 'smime' ? signer(options) : undefined;
    const sign = material && {
      certificate: material.certificate,
      privateKey: material.privateKey,
      ...(material.chain ? { chain: material.chain } : {}),
    };
    const recipients = planned.encryptTo.map((k) => k.material as SmimeCertificate);
    const headerProtection = planned.headerProtection;
    if (planned.scheme === 'smime') {
      return async (open: () => Readable, crlf?: boolean) => {
        const smime = await import('@sealpost/smime/node');
        const canonical = crlf === true;
        return sign
          ? smime.signEncryptMimeStream(open, { recipients, sign, headerProtection, canonical })
          : smime.encryptMimeStream(open(), { recipients, headerProtection, canonical });
      };
    }
    if (!sign) return undefined;
    return async (open: () => Readable, crlf?: boolean) => {
      const smime = await import('@sealpost/smime/node');
      return smime.signMimeStream(open, { ...sign, canonical: crlf === true });
    };
  },

  async verifyOwnSignatureParts(split: () => SignedParts, input: SelfCheckInput) {
    const check = ownSignatureCheck(input);
    if (!check) return 'no certificate to verify our S/MIME signature';
    const parts = split();
    for await (const chunk of parts.content) check.content(chunk as Buffer);
    return check.end(parts.rest());
  },

  ownSignatureCheck,

  async verifyOwnSignature(raw: Uint8Array, input: SelfCheckInput) {
    const own = input.smimeSigner;
    if (!own) return 'no certificate to verify our S/MIME signature';
    const anchors = input.smimeTrustAnchors;
    const smime = await import('@sealpost/smime');
    const result = await smime.verifyMime(raw, {
      trustAnchors: anchors ?? [],
      checkSenderAddress: false,
    });
    const signers = result.signature.signers;
    if (signers.length === 0) return 'our own S/MIME signature is missing';
    for (const s of signers) {
      if (!sameCertificate(s.certificate, own.certificate))
        return 'the S/MIME signature is not made with our certificate';
      if (s.status === 'valid') continue;
      // Without anchors the signer's chain was not checked when it was loaded, so it is not
      // checked here either. The chain is checkCertificate's last step: an "untrusted" verdict
      // means the signature, digest, dates, usage and key strength all passed.
      if (anchors === undefined && s.error?.code === 'ESMIME_CERT_UNTRUSTED') continue;
      return `our own S/MIME signature does not verify (${s.error?.code ?? 'invalid'})`;
    }
    return undefined;
  },

  algorithms(planned: PlannedMessage, options: BuildOptions) {
    const out: string[] = [];
    if (planned.scheme === 'smime') {
      out.push(
        options.smimeCompat
          ? 'CMS EnvelopedData AES-256-CBC, RSA PKCS#1 v1.5 key transport (compatibility for old clients)'
          : 'CMS AuthEnvelopedData AES-256-GCM (RFC 5083/5084), RSA-OAEP SHA-256 or ECDH key transport',
      );
    }
    if (planned.sign === 'smime') out.push('CMS SignedData, SHA-256');
    return out;
  },
};
