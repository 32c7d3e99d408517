/**
 * The last look before anything leaves: parse the exact bytes about to be sent and check the
 * line format (RFC 5322 §2.1.1: CRLF only, no line over 998 octets), the MIME structure the
 * scheme promises (RFC 3156 §4/§5, RFC 8551 §3.4/§3.5), that no Bcc header slipped in, and —
 * for signed-only messages — that our own signature verifies, with exactly the trust inputs the
 * signer was checked with (decision 0071). A failure stops the whole plan.
 */
import { getHeader, parseContentType, splitMessage } from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import type { PublicKey } from '@sealpost/pgp';
import type { SmimeCertificate } from '@sealpost/smime';
import type { Scheme } from './plan-send.js';
import { schemeAdapter } from './schemes/scheme.js';

export interface SelfCheckInput {
  readonly raw: Uint8Array;
  readonly scheme: Scheme;
  readonly sign: Scheme;
  /** To verify our own signature on signed-only messages. */
  readonly pgpVerificationKey?: PublicKey;
  readonly smimeSigner?: {
    readonly certificate: SmimeCertificate;
    readonly chain?: readonly SmimeCertificate[];
  };
  /**
   * The anchors the S/MIME signer was checked with when it was loaded. Absent: its chain was
   * not checked then, and is not checked here (the signature itself always is).
   */
  readonly smimeTrustAnchors?: readonly SmimeCertificate[];
}

export function fail(what: string): never {
  throw new SealpostError(
    'ESELFCHECK',
    `Self-check failed before sending: ${what}. Nothing was sent.`,
  );
}

export function checkLineFormat(raw: Uint8Array): void {
  let lineStart = 0;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    if (byte === 0x0a && raw[i - 1] !== 0x0d) fail(`bare LF at byte ${i}`);
    if (byte === 0x0d && raw[i + 1] !== 0x0a) fail(`bare CR at byte ${i}`);
    if (byte === 0x00) fail(`NUL byte at ${i}`);
    if (byte === 0x0a) {
      if (i - 1 - lineStart > 998) fail(`a line of ${i - 1 - lineStart} octets (limit 998)`);
      lineStart = i + 1;
    }
  }
  if (raw.length - lineStart > 998) fail('the last line is over 998 octets');
}

function expectedType(
  scheme: Scheme,
  sign: Scheme,
): { mediaType: string; protocol?: string } | undefined {
  if (scheme === 'pgp')
    return { mediaType: 'multipart/encrypted', protocol: 'application/pgp-encrypted' };
  if (scheme === 'smime') return { mediaType: 'application/pkcs7-mime' };
  if (sign === 'pgp')
    return { mediaType: 'multipart/signed', protocol: 'application/pgp-signature' };
  if (sign === 'smime')
    return { mediaType: 'multipart/signed', protocol: 'application/pkcs7-signature' };
  return undefined;
}

/**
 * The checks on the top-level header section (no Bcc, the media type and protocol the scheme
 * promises); `raw` may be the whole message or only its header section.
 */
export function checkTopLevel(
  raw: Uint8Array,
  input: Pick<SelfCheckInput, 'scheme' | 'sign'>,
): void {
  let parsed: ReturnType<typeof splitMessage>;
  try {
    parsed = splitMessage(raw);
  } catch (err) {
    fail(`the message does not parse (${(err as Error).message})`);
  }
  if (parsed.messageHeaders.some((h) => h.name.toLowerCase() === 'bcc'))
    fail('a Bcc header is present');
  const contentType = getHeader(parsed.entity, 'content-type');
  const expected = expectedType(input.scheme, input.sign);
  if (expected) {
    const actual = contentType ? parseContentType(contentType) : undefined;
    if (actual?.mediaType !== expected.mediaType)
      fail(`expected ${expected.mediaType}, found ${actual?.mediaType ?? 'none'}`);
    if (expected.protocol && actual.params.protocol?.toLowerCase() !== expected.protocol)
      fail(`expected protocol="${expected.protocol}"`);
  }
}

export async function selfCheck(input: SelfCheckInput): Promise<void> {
  checkLineFormat(input.raw);
  checkTopLevel(input.raw, input);
  if (input.scheme === 'none' && input.sign !== 'none') {
    const problem = await schemeAdapter(input.sign).verifyOwnSignature(input.raw, input);
    if (problem) fail(problem);
  }
}
