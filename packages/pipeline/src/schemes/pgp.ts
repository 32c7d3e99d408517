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
import type { SendSide } from './scheme.js';

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
    // openpgp.js streams encryption and the one-pass signature inside it (RFC 4880 §5.4);
    // a signed-only copy (a detached signature) is built in memory for now.
    if (planned.scheme !== 'pgp') return undefined;
    const signingKey = planned.sign === 'pgp' ? signer(options).privateKey : undefined;
    return async (source: Readable) => {
      const pgp = await import('@sealpost/pgp');
      const out = await pgp.encryptMimeStream(
        Readable.toWeb(source) as unknown as ReadableStream<Uint8Array>,
        {
          recipientKeys: planned.encryptTo.map((k) => k.material as PublicKey),
          ...(signingKey ? { signingKey } : {}),
          headerProtection: planned.headerProtection,
          ...(options.date ? { date: options.date } : {}),
        },
      );
      return Readable.fromWeb(out as unknown as WebReadableStream<Uint8Array>);
    };
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
