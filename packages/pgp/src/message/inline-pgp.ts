/**
 * Inline PGP in a text body: an RFC 9580 §7 cleartext signature or an armored message
 * (§6.2) between other text. What it covers is the block only: text around it, other parts
 * and the header fields are not (decision 0093). Runtime-neutral.
 */
import { type HeaderField, redactedError } from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import * as openpgp from 'openpgp';
import { openPgpConfig } from '../config.js';
import type { PublicKey } from '../keys/read-keys.js';
import { type DecryptOptions, decryptMessage } from './decrypt-message.js';
import { type SignatureStatus, toSignatureStatuses } from './signature-status.js';
import { checkSignerAddress } from './signer-address.js';

/** Where the armored block sits in the text: 1-based line numbers, and what is around it. */
export interface InlinePgpBlock {
  readonly kind: 'message' | 'signed-cleartext';
  /** The armored block, from its BEGIN line to its END line. */
  readonly armored: string;
  readonly firstLine: number;
  readonly lastLine: number;
  readonly totalLines: number;
  /** True when there is non-blank text before or after the block (not covered by it). */
  readonly surrounded: boolean;
}

const BLOCKS = {
  'signed-cleartext':
    /^-----BEGIN PGP SIGNED MESSAGE-----\r?$[\s\S]*?^-----END PGP SIGNATURE-----\r?$/m,
  message: /^-----BEGIN PGP MESSAGE-----\r?$[\s\S]*?^-----END PGP MESSAGE-----\r?$/m,
} as const;

const lineCount = (text: string) => text.split('\n').length;

/** The first inline block of `kind` in `text`, or null. */
export function findInlineBlock(
  text: string,
  kind: 'message' | 'signed-cleartext',
): InlinePgpBlock | null {
  const match = BLOCKS[kind].exec(text);
  if (!match) return null;
  const before = text.slice(0, match.index);
  const after = text.slice(match.index + match[0].length);
  const firstLine = lineCount(before);
  return {
    kind,
    armored: match[0],
    firstLine,
    lastLine: firstLine + lineCount(match[0]) - 1,
    totalLines: lineCount(text.replace(/\r?\n$/, '')),
    surrounded: before.trim().length > 0 || after.trim().length > 0,
  };
}

export interface OpenedInline {
  readonly block: InlinePgpBlock;
  /** The covered text: the signed text, or the decrypted content as UTF-8. */
  readonly text: string;
  readonly integrity?: 'mdc' | 'aead';
  readonly signatures: readonly SignatureStatus[];
}

export interface InlineOptions {
  readonly verificationKeys: readonly PublicKey[];
  /** The message's header fields: each signing key must name the one From (decision 0075). */
  readonly headers: readonly HeaderField[];
}

/** Verifies the first cleartext signature in `text` (RFC 9580 §7). */
export async function verifyInline(text: string, options: InlineOptions): Promise<OpenedInline> {
  const block = findInlineBlock(text, 'signed-cleartext');
  if (!block) {
    throw new SealpostError('EPGP_FORMAT', 'The text holds no complete cleartext signature.');
  }
  const config = openPgpConfig({ rfc9580: true });
  let message: openpgp.CleartextMessage;
  try {
    message = await openpgp.readCleartextMessage({ cleartextMessage: block.armored, config });
  } catch (cause) {
    throw new SealpostError('EPGP_FORMAT', 'The cleartext signature block cannot be read.', {
      cause,
    });
  }
  const result = await openpgp.verify({
    message,
    verificationKeys: [...options.verificationKeys],
    config,
  });
  const statuses = await toSignatureStatuses(result.signatures, options.verificationKeys);
  const signatures = await checkSignerAddress(statuses, options.verificationKeys, options.headers);
  return { block, text: message.getText(), signatures };
}

/** Decrypts the first armored message in `text` and checks the signatures inside it. */
export async function decryptInline(
  text: string,
  options: InlineOptions & Omit<DecryptOptions, 'verificationKeys'>,
): Promise<OpenedInline> {
  const block = findInlineBlock(text, 'message');
  if (!block) throw new SealpostError('EPGP_FORMAT', 'The text holds no complete PGP message.');
  const decrypted = await decryptMessage(block.armored, options);
  try {
    const signatures = await checkSignerAddress(
      decrypted.signatures,
      options.verificationKeys,
      options.headers,
    );
    const plain = new TextDecoder('utf-8', { fatal: true }).decode(decrypted.content);
    return { block, text: plain, integrity: decrypted.integrity, signatures };
  } catch (error) {
    // What failed here is about decrypted content: keep the code, quote none of it.
    throw redactedError(error, {
      where: 'decrypted inline PGP content',
      fallbackCode: 'EPGP_FORMAT',
      keepMessage: [],
    });
  }
}
