/**
 * Turns a plan into the exact bytes of every message, before anything is sent: sign and/or
 * encrypt each planned copy (PGP/MIME or S/MIME, with RFC 9788 header protection) and run the
 * self-check on the result. A crypto or self-check error therefore never leaves a half-sent plan.
 * The crypto lives behind the scheme adapters (schemes/), loaded only for the schemes in use.
 */
import { SealpostError } from '@sealpost/errors';
import type { PgpSignerMaterial, SignerKey, SmimeSignerMaterial } from '@sealpost/keystore';
import type { SmimeCertificate } from '@sealpost/smime';
import type { Envelope } from '@sealpost/transport';
import type { PlannedMessage, SendPlan } from './plan-send.js';
import { copyScheme, schemeAdapter } from './schemes/scheme.js';
import { type SelfCheckInput, selfCheck } from './self-check.js';
import type { SpooledCopy } from './spool/spooled-copy.js';
import type { CopyBuilder } from './workers/pgp-copy-pool.js';

/** What a SignerKey's material holds, per scheme (defined with the key types in the keystore). */
export type { PgpSignerMaterial, SmimeSignerMaterial } from '@sealpost/keystore';

export interface BuiltMessage {
  readonly planned: PlannedMessage;
  /** MAIL FROM / RCPT TO of this copy, with the SMTP extensions its bytes need. */
  readonly envelope: Envelope;
  /**
   * The exact bytes: in memory, or (large messages, issue 12) a file in the private spool
   * directory that prepareSend removes with `dispose()`.
   */
  readonly raw: Uint8Array | SpooledCopy;
  /** What protects this copy, in words, as built (for the report). */
  readonly algorithms: readonly string[];
}

/** The algorithms a copy is built with under these options (the libraries' defaults otherwise). */
export function algorithmsFor(planned: PlannedMessage, options: BuildOptions): string[] {
  const schemes = [...new Set([planned.scheme, planned.sign])].filter((s) => s !== 'none');
  // Encryption first, then the signature, as the copy is layered.
  return schemes.flatMap((s) => schemeAdapter(s).algorithms(planned, options));
}

export interface BuildOptions {
  /** Signing keys by scheme (the plan only names them). */
  readonly signers?: { readonly pgp?: SignerKey; readonly smime?: SignerKey };
  /**
   * The trust anchors the S/MIME signer was checked with when it was loaded; the self-check
   * verifies our own signature with exactly these. Absent: the signer's chain was not checked,
   * and the self-check does not check it either.
   */
  readonly signerTrustAnchors?: readonly SmimeCertificate[];
  /**
   * S/MIME compatibility for old clients (gpgsm 2.2, older Outlook): AES-256-CBC EnvelopedData
   * with RSA PKCS#1 v1.5 key transport instead of AES-256-GCM AuthEnvelopedData with RSA-OAEP
   * (RFC 8551 §2.7 recommends GCM; PKCS#1 v1.5 is kept only for readers that need it).
   */
  readonly smimeCompat?: boolean;
  readonly date?: Date;
  /** Builds the copies instead of the scheme adapters, e.g. createPgpCopyPool() for bulk sends. */
  readonly copyBuilder?: CopyBuilder;
}

/** What the self-check needs to verify our own signature on a signed-only copy. */
export function ownSignature(
  planned: PlannedMessage,
  options: BuildOptions,
): Partial<SelfCheckInput> {
  if (planned.scheme !== 'none') return {};
  if (planned.sign === 'pgp') {
    const material = options.signers?.pgp?.material as PgpSignerMaterial | undefined;
    return material?.privateKey ? { pgpVerificationKey: material.privateKey.toPublic() } : {};
  }
  if (planned.sign === 'smime') {
    const material = options.signers?.smime?.material as SmimeSignerMaterial | undefined;
    return {
      ...(material?.certificate ? { smimeSigner: material } : {}),
      ...(options.signerTrustAnchors ? { smimeTrustAnchors: options.signerTrustAnchors } : {}),
    };
  }
  return {};
}

/**
 * Whether this copy needs SMTPUTF8 (RFC 6531 §3.4): a non-ASCII address in its envelope, or
 * UTF-8 in its header section (RFC 6532). Decided per copy, from what is actually sent: a Bcc
 * recipient's non-ASCII address makes their own copy need it, not everyone else's.
 */
function needsSmtpUtf8(addresses: readonly string[], raw: Uint8Array): boolean {
  if (addresses.some((a) => /[^\x00-\x7f]/.test(a))) return true;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (b > 0x7f) return true;
    // The header section ends at the first empty line (RFC 5322 §2.1).
    if (b === 0x0a && raw[i + 1] === 0x0d && raw[i + 2] === 0x0a) return false;
  }
  return false;
}

/** True when a byte is outside 7-bit ASCII (RFC 6152: then the body needs 8BITMIME). */
function hasEightBit(raw: Uint8Array): boolean {
  return raw.some((b) => b > 0x7f);
}

/** MAIL FROM / RCPT TO of a copy, with SMTPUTF8 / 8BITMIME as its bytes need. */
export function copyEnvelope(
  plan: SendPlan,
  planned: PlannedMessage,
  facts: { readonly utf8Header: boolean; readonly eightBit: boolean },
): Envelope {
  const utf8 =
    facts.utf8Header || needsSmtpUtf8([plan.from, ...planned.envelopeTo], new Uint8Array(0));
  return {
    from: plan.from,
    to: planned.envelopeTo,
    ...(utf8 ? { smtputf8: true } : {}),
    ...(facts.eightBit ? { eightBitMime: true } : {}),
  };
}

export async function buildOne(
  mime: Uint8Array,
  planned: PlannedMessage,
  options: BuildOptions,
): Promise<Uint8Array> {
  const scheme = copyScheme(planned);
  if (!scheme) return mime;
  if (options.copyBuilder) return options.copyBuilder.buildCopy(mime, planned, options);
  return schemeAdapter(scheme).buildCopy(mime, planned, options);
}

/** Nothing is built for a plan that refuses a recipient (the caller should have stopped). */
export function refuseUnsendable(plan: SendPlan): void {
  if (!plan.sendable) {
    throw new SealpostError(
      'EPOLICY',
      'The plan refuses at least one recipient; nothing is built or sent.',
    );
  }
}

/** Copies built at once when a copyBuilder (a worker pool) can take them in parallel. */
const PARALLEL_COPIES = 8;

/**
 * Builds and self-checks every message of the plan; throws before anything could be sent. With
 * a copyBuilder, up to PARALLEL_COPIES copies are being built at once (a pool's threads work on
 * them side by side); the result keeps the plan's order either way.
 */
export async function buildMessages(
  plan: SendPlan,
  mime: Uint8Array,
  options: BuildOptions = {},
): Promise<BuiltMessage[]> {
  refuseUnsendable(plan);
  const buildChecked = async (planned: PlannedMessage): Promise<BuiltMessage> => {
    const raw = await buildOne(mime, planned, options);
    await selfCheck({
      raw,
      scheme: planned.scheme,
      sign: planned.sign,
      ...ownSignature(planned, options),
    });
    const facts = {
      utf8Header: needsSmtpUtf8([], raw),
      eightBit: hasEightBit(raw),
    };
    return {
      planned,
      envelope: copyEnvelope(plan, planned, facts),
      raw,
      algorithms: algorithmsFor(planned, options),
    };
  };
  const width = options.copyBuilder ? PARALLEL_COPIES : 1;
  const built: BuiltMessage[] = new Array(plan.messages.length);
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < plan.messages.length) {
      const index = next++;
      try {
        built[index] = await buildChecked(plan.messages[index]!);
      } catch (err) {
        failed = true; // the plan is dead: start no further copy
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, plan.messages.length) }, lane));
  return built;
}
