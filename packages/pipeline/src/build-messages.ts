/**
 * Turns a plan into the exact bytes of every message, before anything is sent: sign and/or
 * encrypt each planned copy (PGP/MIME or S/MIME, with RFC 9788 header protection) and run the
 * self-check on the result. A crypto or self-check error therefore never leaves a half-sent plan.
 */
import { SealpostError } from '@sealpost/errors';
import type { SignerKey } from '@sealpost/keystore';
import * as pgp from '@sealpost/pgp';
import * as smime from '@sealpost/smime';
import type { PlannedMessage, SendPlan } from './plan-send.js';
import { selfCheck } from './self-check.js';

/** What a SignerKey's material holds, per scheme. */
export interface PgpSignerMaterial {
  readonly privateKey: pgp.PrivateKey;
}
export interface SmimeSignerMaterial {
  readonly certificate: smime.SmimeCertificate;
  readonly privateKey: smime.SmimePrivateKey;
  readonly chain?: readonly smime.SmimeCertificate[];
}

export interface BuiltMessage {
  readonly planned: PlannedMessage;
  readonly envelope: { readonly from: string; readonly to: readonly string[] };
  readonly raw: Uint8Array;
  /** What protects this copy, in words, as built (for the report). */
  readonly algorithms: readonly string[];
}

/** The algorithms a copy is built with under these options (the libraries' defaults otherwise). */
export function algorithmsFor(planned: PlannedMessage, options: BuildOptions): string[] {
  const out: string[] = [];
  if (planned.scheme === 'pgp')
    out.push('OpenPGP v4 keys, SEIPD v1 with MDC (AES-256), RFC 3156 PGP/MIME');
  if (planned.scheme === 'smime') {
    out.push(
      options.smimeCompat
        ? 'CMS EnvelopedData AES-256-CBC, RSA PKCS#1 v1.5 key transport (compatibility for old clients)'
        : 'CMS AuthEnvelopedData AES-256-GCM (RFC 5083/5084), RSA-OAEP SHA-256 or ECDH key transport',
    );
  }
  if (planned.sign === 'pgp') out.push('OpenPGP signature');
  if (planned.sign === 'smime') out.push('CMS SignedData, SHA-256');
  return out;
}

export interface BuildOptions {
  /** Signing keys by scheme (the plan only names them). */
  readonly signers?: { readonly pgp?: SignerKey; readonly smime?: SignerKey };
  /**
   * S/MIME compatibility for old clients (gpgsm 2.2, older Outlook): AES-256-CBC EnvelopedData
   * with RSA PKCS#1 v1.5 key transport instead of AES-256-GCM AuthEnvelopedData with RSA-OAEP
   * (RFC 8551 §2.7 recommends GCM; PKCS#1 v1.5 is kept only for readers that need it).
   */
  readonly smimeCompat?: boolean;
  readonly date?: Date;
}

function pgpSigner(options: BuildOptions): PgpSignerMaterial {
  const material = options.signers?.pgp?.material as PgpSignerMaterial | undefined;
  if (!material?.privateKey)
    throw new SealpostError('ECONFIG', 'No OpenPGP signing key was given.');
  return material;
}

function smimeSigner(options: BuildOptions): SmimeSignerMaterial {
  const material = options.signers?.smime?.material as SmimeSignerMaterial | undefined;
  if (!material?.certificate || !material.privateKey)
    throw new SealpostError('ECONFIG', 'No S/MIME signing certificate and key were given.');
  return material;
}

async function buildOne(
  mime: Uint8Array,
  planned: PlannedMessage,
  options: BuildOptions,
): Promise<Uint8Array> {
  const date = options.date ? { date: options.date } : {};
  const hp = planned.headerProtection;
  if (planned.scheme === 'pgp') {
    return pgp.encryptMime(mime, {
      recipientKeys: planned.encryptTo.map((k) => k.material as pgp.PublicKey),
      ...(planned.sign === 'pgp' ? { signingKey: pgpSigner(options).privateKey } : {}),
      headerProtection: hp,
      ...date,
    });
  }
  if (planned.scheme === 'smime') {
    const signer = planned.sign === 'smime' ? smimeSigner(options) : undefined;
    return smime.encryptMime(mime, {
      recipients: planned.encryptTo.map((k) => k.material as smime.SmimeCertificate),
      ...(options.smimeCompat
        ? { contentEncryption: 'aes-256-cbc' as const, rsaPadding: 'pkcs1v15' as const }
        : {}),
      ...(signer
        ? {
            sign: {
              certificate: signer.certificate,
              privateKey: signer.privateKey,
              ...(signer.chain ? { chain: signer.chain } : {}),
            },
          }
        : {}),
      headerProtection: hp,
    });
  }
  if (planned.sign === 'pgp') {
    return pgp.signMime(mime, { signingKey: pgpSigner(options).privateKey, ...date });
  }
  if (planned.sign === 'smime') {
    const signer = smimeSigner(options);
    return smime.signMime(mime, {
      certificate: signer.certificate,
      privateKey: signer.privateKey,
      ...(signer.chain ? { chain: signer.chain } : {}),
    });
  }
  return mime;
}

/** Builds and self-checks every message of the plan; throws before anything could be sent. */
export async function buildMessages(
  plan: SendPlan,
  mime: Uint8Array,
  options: BuildOptions = {},
): Promise<BuiltMessage[]> {
  if (!plan.sendable) {
    throw new SealpostError(
      'EPOLICY',
      'The plan refuses at least one recipient; nothing is built or sent.',
    );
  }
  const built: BuiltMessage[] = [];
  for (const planned of plan.messages) {
    const raw = await buildOne(mime, planned, options);
    await selfCheck({
      raw,
      scheme: planned.scheme,
      sign: planned.sign,
      ...(planned.sign === 'pgp'
        ? { pgpVerificationKey: pgpSigner(options).privateKey.toPublic() }
        : {}),
      ...(planned.sign === 'smime' ? { smimeSigner: smimeSigner(options) } : {}),
    });
    built.push({
      planned,
      envelope: { from: plan.from, to: planned.envelopeTo },
      raw,
      algorithms: algorithmsFor(planned, options),
    });
  }
  return built;
}
