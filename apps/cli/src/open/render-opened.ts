/** The human and JSON forms of `sealpost decrypt` / `sealpost verify`. */
import type { HeaderField } from '@sealpost/compose';
import type { OpenedMessage, SignatureLine } from '@sealpost/pipeline/recipient';
import type { Output } from '../output.js';
import { clean, keyValueRows } from '../text/layout.js';

const SHOWN = ['from', 'to', 'cc', 'reply-to', 'subject', 'date', 'message-id'];

/** The JSON document: the opened message with the inner message as text or a file name. */
export function openedJson(opened: OpenedMessage, out: string | null) {
  const { message, ...rest } = opened;
  return {
    ...rest,
    ...(out === null ? { message: new TextDecoder().decode(message) } : { out }),
  };
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
  if (s.created) parts.push(`made ${s.created}`);
  if (s.status !== 'valid' && s.reason) parts.push(`(${clean(s.reason)})`);
  return parts.join(', ');
}

function headerRows(headers: readonly HeaderField[]): [string, string][] {
  return headers
    .filter((h) => SHOWN.includes(h.name.toLowerCase()))
    .map((h) => [clean(h.name), clean(h.value)] as [string, string]);
}

/** `algorithmName` turns a CMS algorithm OID into words (smime's `algorithmName` for S/MIME). */
export function renderOpened(
  opened: OpenedMessage,
  outFile: string | null,
  out: Output,
  algorithmName: (oid: string) => string,
): string {
  const scheme = opened.scheme === 'pgp' ? 'OpenPGP (PGP/MIME)' : 'S/MIME';
  const facts: [string, string][] = [
    ['scheme', scheme],
    ['encrypted', opened.encrypted ? 'yes' : 'no'],
  ];
  if (opened.encryption) {
    facts.push(['structure', opened.encryption.structure]);
    facts.push(['content cipher', algorithmName(opened.encryption.contentEncryptionOid)]);
    facts.push(['key transport', algorithmName(opened.encryption.keyEncryptionOid)]);
  }
  facts.push([
    'header protection',
    opened.headerProtection
      ? `hp="${opened.headerProtection}" (RFC 9788): the protected header fields below win over the outer ones`
      : 'none: the header fields below are the outer, unprotected ones',
  ]);
  const signatures =
    opened.signatures.length === 0
      ? ['  no signature']
      : opened.signatures.map((s) => `  ${signatureText(s, out)}`);
  const blocks = [
    `${out.bold('Message')}\n${keyValueRows(facts)}`,
    `${out.bold('Signatures')}\n${signatures.join('\n')}`,
    `${out.bold(opened.headerProtection ? 'Protected header fields' : 'Header fields')}\n${keyValueRows(headerRows(opened.headers))}`,
  ];
  if (opened.hpOuter.length > 0) {
    blocks.push(
      `${out.bold('What the outside showed')} (HP-Outer)\n${keyValueRows(headerRows(opened.hpOuter))}`,
    );
  }
  blocks.push(
    outFile === null
      ? `${out.bold('Inner message')}\n${new TextDecoder().decode(opened.message)}`
      : `Inner message written to ${outFile}`,
  );
  return blocks.join('\n\n');
}
