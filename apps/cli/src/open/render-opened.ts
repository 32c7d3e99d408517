/** The human and JSON forms of `sealpost decrypt` / `sealpost verify`. */
import type { HeaderField } from '@sealpost/compose';
import { SealpostError } from '@sealpost/errors';
import type { OpenedMessage, OpenedMessageFile, SignatureLine } from '@sealpost/pipeline/recipient';
import type { Output } from '../output.js';
import { clean, keyValueRows, terminalText, wrap } from '../text/layout.js';

const SHOWN = ['from', 'to', 'cc', 'reply-to', 'subject', 'date', 'message-id'];

/** The JSON document: the opened message with the inner message as text or a file name. */
export function openedJson(opened: OpenedMessage | OpenedMessageFile, out: string | null) {
  if (!('message' in opened)) {
    // A large message (over 8 MiB) is never embedded: its size, and where it was written.
    const { release: _release, readMessage: _read, dispose: _dispose, ...rest } = opened;
    return { ...rest, ...(out === null ? { message: null } : { out }) };
  }
  const { message, ...rest } = opened;
  return {
    ...rest,
    ...(out === null ? { message: new TextDecoder().decode(message) } : { out }),
  };
}

/** The line above the inner message's printed text. */
function innerMessageHeading(out: Output): string {
  return `${out.bold('Inner message')} (control characters as \uFFFD; --out FILE has the bytes)`;
}

/**
 * The JSON document of an opened message whose inner message is printed in pieces (decision
 * 0142), as the text before and after the inside of its "message" string: joined around
 * `jsonStringPieces`, the same document as openedJson with the message in it.
 */
export function openedJsonAround(opened: OpenedMessage): [string, string] {
  const empty = openedJson({ ...opened, message: new Uint8Array(0) }, null);
  // As Output.result writes it; "message" is the last field, so the document ends `""\n}`.
  const document = JSON.stringify(empty, null, 2);
  const end = '"\n}';
  if (!document.endsWith(`"message": "${end}`)) {
    throw new SealpostError('EINTERNAL', 'The JSON document does not end with the message.');
  }
  return [document.slice(0, -end.length), end];
}

/**
 * The last block: the inner message cleaned, where it was written, or why it is not shown.
 * Raw bytes only go to --out (or JSON, where they are escaped): what is printed is cleaned.
 */
function innerMessageText(
  opened: OpenedMessage | OpenedMessageFile,
  outFile: string | null,
  out: Output,
): string {
  if (outFile !== null) return `Inner message written to ${clean(outFile)}`;
  if (!('message' in opened)) {
    const size = `${(opened.messageSize / 1024 / 1024).toFixed(1)} MiB`;
    const text = `Inner message not shown: it is ${size}, over the 8 MiB that are printed; --out FILE writes it`;
    return wrap(text, out.width, '');
  }
  return `${innerMessageHeading(out)}\n${terminalText(opened.message)}`;
}

function signatureText(s: SignatureLine, out: Output): string {
  const status =
    s.status === 'valid'
      ? out.green('valid')
      : s.status === 'invalid'
        ? out.red('INVALID')
        : 'unknown key';
  const who =
    s.signer !== null ? clean(s.signer) : s.keyId ? `key ID ${s.keyId}` : 'unknown signer';
  const parts = [`${status} — ${who}`];
  if (s.addresses.length > 0) parts.push(clean(`<${s.addresses.join('>, <')}>`));
  if (s.signer && s.keyId) parts.push(`key ID ${s.keyId}`);
  if (s.userIds.length > 0) parts.push(`user IDs: ${clean(s.userIds.join('; '))}`);
  if (s.created) parts.push(`made ${s.created}`);
  if (s.status !== 'valid' && s.reason) parts.push(`(${clean(s.reason)})`);
  if (s.code) parts.push(s.code);
  return parts.join(', ');
}

function headerRows(headers: readonly HeaderField[]): [string, string][] {
  return headers
    .filter((h) => SHOWN.includes(h.name.toLowerCase()))
    .map((h) => [clean(h.name), clean(h.value)] as [string, string]);
}

function headerProtectionText(hp: OpenedMessage['headerProtection']): string {
  if (hp === 'legacy-v1') {
    return 'legacy protected-headers="v1" (pre-RFC 9788 draft): the inner header fields below are the sender\'s; this is not RFC 9788 header protection';
  }
  return hp
    ? `hp="${hp}" (RFC 9788): the protected header fields below win over the outer ones`
    : 'none: the header fields below are the outer, unprotected ones';
}

function integrityText(integrity: OpenedMessage['integrity']): string {
  if (integrity === 'none') return 'none (CBC, malleable unless a valid signature covers it)';
  if (integrity === 'mdc') return 'MDC (SEIPD v1)';
  return 'AEAD';
}

/**
 * The one line that says what the checks found, for stderr after everything else (decision
 * 0090): content is cleaned before it is printed, and nothing follows this line.
 */
export function verdictLine(
  opened: Pick<OpenedMessage, 'signatures' | 'encrypted' | 'integrity'>,
): string {
  const valid = opened.signatures.find((s) => s.status === 'valid');
  const signed = valid
    ? `signature valid — ${clean(valid.signer ?? valid.keyId ?? 'unknown signer')}`
    : opened.signatures.length > 0
      ? 'no signature could be checked: the sender is not verified'
      : 'not signed: the sender is not verified';
  const parts = [opened.encrypted ? 'decrypted' : 'signed message', signed];
  if (opened.integrity === 'none' && !valid) parts.push('content may have been altered (EFAIL)');
  return `sealpost ${opened.encrypted ? 'decrypt' : 'verify'}: ${parts.join('; ')}`;
}

/** `algorithmName` turns a CMS algorithm OID into words (smime's `algorithmName` for S/MIME). */
export function renderOpened(
  opened: OpenedMessage | OpenedMessageFile,
  outFile: string | null,
  out: Output,
  algorithmName: (oid: string) => string,
): string {
  return [...factBlocks(opened, out, algorithmName), innerMessageText(opened, outFile, out)].join(
    '\n\n',
  );
}

/**
 * What renderOpened prints before the inner message's text, its heading line last: for an
 * inner message printed in pieces after it (decision 0142).
 */
export function renderOpenedHead(
  opened: OpenedMessage,
  out: Output,
  algorithmName: (oid: string) => string,
): string {
  return [...factBlocks(opened, out, algorithmName), innerMessageHeading(out)].join('\n\n');
}

function factBlocks(
  opened: OpenedMessage | OpenedMessageFile,
  out: Output,
  algorithmName: (oid: string) => string,
): string[] {
  const scheme =
    opened.scheme === 'smime'
      ? 'S/MIME'
      : opened.inline
        ? 'OpenPGP (inline)'
        : 'OpenPGP (PGP/MIME)';
  const facts: [string, string][] = [
    ['scheme', scheme],
    ['encrypted', opened.encrypted ? 'yes' : 'no'],
  ];
  if (opened.encryption) {
    facts.push(['structure', opened.encryption.structure]);
    facts.push(['content cipher', algorithmName(opened.encryption.contentEncryptionOid)]);
    facts.push(['key transport', algorithmName(opened.encryption.keyEncryptionOid)]);
  }
  if (opened.integrity) facts.push(['integrity', integrityText(opened.integrity)]);
  facts.push(['header protection', headerProtectionText(opened.headerProtection)]);
  const signatures =
    opened.signatures.length === 0
      ? ['  no signature']
      : opened.signatures.map((s) => `  ${wrap(signatureText(s, out), out.width - 2, '    ')}`);
  const width = out.width;
  const blocks = [
    `${out.bold('Message')}\n${keyValueRows(facts, '  ', width)}`,
    `${out.bold('Signatures')}\n${signatures.join('\n')}`,
    `${out.bold(opened.headerProtection === 'legacy-v1' ? 'Header fields (legacy v1, inside the payload)' : opened.headerProtection ? 'Protected header fields' : 'Header fields')}\n${keyValueRows(headerRows(opened.headers), '  ', width)}`,
  ];
  if (opened.hpOuter.length > 0) {
    blocks.push(
      `${out.bold('What the outside showed')} (HP-Outer)\n${keyValueRows(headerRows(opened.hpOuter), '  ', width)}`,
    );
  }
  if (opened.notes.length > 0) {
    blocks.push(
      `${out.bold('Notes')}\n${keyValueRows(
        opened.notes.map((n) => ['-', clean(n)] as [string, string]),
        '  ',
        width,
      )}`,
    );
  }
  return blocks;
}
