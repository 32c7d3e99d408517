/**
 * decrypt / verify of inline PGP (RFC 9580 §7 cleartext signature, §6.2 armored message in a
 * text/plain part): only the block is opened, and only its text is shown. The notes say what
 * the verdict does not cover — other parts, the header fields, text around the block
 * (decision 0093).
 */
import {
  flattenMimeTree,
  type HeaderField,
  joinMessage,
  mimeTree,
  type ProtectionLayer,
  splitMessage,
} from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import type * as Pgp from '@sealpost/pgp';
import { partText } from './inline-pgp-layer.js';
import type { OpenKeys, OpenOptions } from './open-keys.js';
import type { OpenedMessage, SignatureLine } from './opened-message.js';

// One import() per run: later calls reuse the module instead of resolving it again.
let pgpModule: Promise<typeof import('@sealpost/pgp')> | undefined;
const loadPgp = () => (pgpModule ??= import('@sealpost/pgp'));

function lines(statuses: readonly Pgp.SignatureStatus[]): SignatureLine[] {
  return statuses.map((s) => ({
    status: s.status,
    signer: s.signerFingerprint ?? null,
    keyId: s.keyId,
    addresses: [...s.addresses],
    userIds: [...s.userIds],
    created: s.created ? s.created.toISOString() : null,
    reason: s.reason ?? (s.status === 'unknown-key' ? 'none of the given keys made it' : null),
    code: s.code ?? null,
  }));
}

function notes(layer: ProtectionLayer, block: Pgp.InlinePgpBlock, partCount: number): string[] {
  const what = layer.kind === 'signed' ? 'signed' : 'encrypted';
  const found = [
    `Inline PGP: only the ${what} block in part ${layer.part} (lines ${block.firstLine}–${block.lastLine}) is covered; the header fields (Subject, From as shown by your mail client, …) are not.`,
  ];
  if (block.surrounded) {
    found.push(
      `Text outside the ${what} block in part ${layer.part} is not covered and is not shown.`,
    );
  }
  if (partCount > 1)
    found.push(
      'Other parts of the message (attachments, footers) are not covered and are not shown.',
    );
  return found;
}

/** Opens the inline block of `layer` (found by `findMessageProtection`). */
export async function openInlinePgp(
  bytes: Uint8Array,
  layer: ProtectionLayer,
  keys: OpenKeys,
  options: OpenOptions = {},
): Promise<OpenedMessage> {
  const { messageHeaders, entity } = splitMessage(bytes);
  const text = partText(entity, layer.part);
  if (text === null)
    throw new SealpostError('EPGP_FORMAT', `Part ${layer.part} cannot be decoded.`);
  const pgp = await loadPgp();
  const common = { verificationKeys: keys.pgpPublicKeys, headers: messageHeaders };
  let opened: Pgp.OpenedInline;
  if (layer.kind === 'encrypted') {
    if (keys.pgpPrivateKeys.length === 0) {
      throw new SealpostError(
        'EUSAGE',
        'This message holds inline PGP: decrypting it needs an OpenPGP secret key.',
        { details: { scheme: 'pgp', missing: 'pgpPrivateKeys' } },
      );
    }
    opened = await pgp.decryptInline(text, {
      ...common,
      decryptionKeys: keys.pgpPrivateKeys,
      ...(options.rsaRawDecrypt ? { rsaRawDecrypt: options.rsaRawDecrypt } : {}),
    });
  } else {
    opened = await pgp.verifyInline(text, common);
  }
  const shown: HeaderField[] = messageHeaders.filter(
    (h) => !/^content-|^mime-version$/i.test(h.name),
  );
  const body = new TextEncoder().encode(`${opened.text.replace(/\r?\n/g, '\r\n')}\r\n`);
  const partCount = flattenMimeTree(mimeTree(entity)).filter(
    (n) => !n.contentType.startsWith('multipart/'),
  ).length;
  return {
    scheme: 'pgp',
    encrypted: layer.kind === 'encrypted',
    inline: true,
    encryption: null,
    integrity: opened.integrity ?? null,
    headerProtection: null,
    headers: messageHeaders,
    outerHeaders: messageHeaders,
    hpOuter: [],
    signatures: lines(opened.signatures),
    notes: notes(layer, opened.block, partCount),
    message: joinMessage(shown, {
      headers: [{ name: 'Content-Type', value: 'text/plain; charset=utf-8' }],
      body,
    }),
  };
}
