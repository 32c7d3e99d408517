/**
 * OpenPGP on the send side: PGP/MIME encryption (RFC 3156 §4, signed inside when asked) and
 * signing (RFC 3156 §5), with RFC 9788 header protection. openpgp.js loads on first use only.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { SealpostError } from '@sealpost/errors';
import type { PublicKey } from '@sealpost/pgp';
import type { BuildOptions, PgpSignerMaterial } from '../build-messages.js';
import type { PlannedMessage } from '../plan-send.js';
import type { SelfCheckInput } from '../self-check.js';
import type { SignedParts } from '../spool/signed-parts.js';
import type { SendSide } from './scheme.js';
import { webReadable } from './web-readable.js';

/** The armored signature in the signature part's bytes (RFC 3156 §5). */
function armoredSignature(rest: Buffer): string {
  const text = rest.toString('latin1');
  return /-----BEGIN PGP SIGNATURE-----[\s\S]*?-----END PGP SIGNATURE-----/.exec(text)?.[0] ?? '';
}

function signer(options: BuildOptions): PgpSignerMaterial {
  const material = options.signers?.pgp?.material as PgpSignerMaterial | undefined;
  if (!material?.privateKey)
    throw new SealpostError('ECONFIG', 'No OpenPGP signing key was given.');
  return material;
}

export const pgpSendSide: SendSide = {
  scheme: 'pgp',
  displayName: 'OpenPGP',

  async buildCopy(mime: Uint8Array, planned: PlannedMessage, options: BuildOptions) {
    const date = options.date ? { date: options.date } : {};
    const signingKey = planned.sign === 'pgp' ? signer(options).privateKey : undefined;
    const pgp = await import('@sealpost/pgp');
    if (planned.scheme === 'pgp') {
      return pgp.encryptMime(mime, {
        recipientKeys: planned.encryptTo.map((k) => k.material as PublicKey),
        ...(signingKey ? { signingKey } : {}),
        headerProtection: planned.headerProtection,
        ...date,
      });
    }
    if (!signingKey) throw new SealpostError('EINTERNAL', 'Nothing to do for this OpenPGP copy.');
    return pgp.signMime(mime, { signingKey, ...date });
  },

  streamCopy(planned: PlannedMessage, options: BuildOptions) {
    // openpgp.js streams encryption with the one-pass signature inside it (RFC 4880 §5.4), and
    // a detached signature over a stream (signMimeStream reads the message once).
    const signingKey = planned.sign === 'pgp' ? signer(options).privateKey : undefined;
    const date = options.date ? { date: options.date } : {};
    const web = (open: () => Readable) => () => webReadable(open());
    const node = (out: ReadableStream<Uint8Array>) =>
      Readable.fromWeb(out as unknown as WebReadableStream<Uint8Array>);
    if (planned.scheme === 'pgp') {
      return async (open: () => Readable, crlf?: boolean) => {
        const pgp = await import('@sealpost/pgp');
        const out = await pgp.encryptMimeStream(web(open)(), {
          recipientKeys: planned.encryptTo.map((k) => k.material as PublicKey),
          ...(signingKey ? { signingKey } : {}),
          headerProtection: planned.headerProtection,
          canonical: crlf === true,
          ...date,
        });
        return node(out);
      };
    }
    if (!signingKey) return undefined;
    return async (open: () => Readable, crlf?: boolean) => {
      const pgp = await import('@sealpost/pgp');
      return node(
        await pgp.signMimeStream(web(open), { signingKey, canonical: crlf === true, ...date }),
      );
    };
  },

  async verifyOwnSignatureParts(split: () => SignedParts, input: SelfCheckInput) {
    if (!input.pgpVerificationKey) return 'no key to verify our OpenPGP signature';
    const pgp = await import('@sealpost/pgp');
    // The signature part comes last and is needed first: it is read from the end of the file,
    // then the content is hashed in one pass, and the part the forward split finds after it
    // must be that same part.
    const parts = split();
    const last = parts.lastPart();
    const statuses = await pgp.verifyDetachedStream(
      webReadable(parts.content),
      armoredSignature(last),
      [input.pgpVerificationKey],
    );
    if (!parts.rest().equals(last)) return 'multipart/signed has more than two parts';
    return statuses.some((s) => s.status === 'valid')
      ? undefined
      : 'our own OpenPGP signature does not verify';
  },

  async verifyOwnSignature(raw: Uint8Array, input: SelfCheckInput) {
    if (!input.pgpVerificationKey) return 'no key to verify our OpenPGP signature';
    const pgp = await import('@sealpost/pgp');
    // Our own signature, whatever From says: `send` warns separately when the key does not carry it.
    const result = await pgp.verifyMime(raw, {
      verificationKeys: [input.pgpVerificationKey],
      checkSenderAddress: false,
    });
    return result.signatures.some((s) => s.status === 'valid')
      ? undefined
      : 'our own OpenPGP signature does not verify';
  },

  algorithms(planned: PlannedMessage) {
    const out: string[] = [];
    if (planned.scheme === 'pgp')
      out.push('OpenPGP v4 keys, SEIPD v1 with MDC (AES-256), RFC 3156 PGP/MIME');
    if (planned.sign === 'pgp') out.push('OpenPGP signature');
    return out;
  },
};
