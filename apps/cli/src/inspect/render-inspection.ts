/** The human form of `sealpost inspect`: structure, protection, recipients, exposure table. */
import { flattenMimeTree, type MimeNode, type ProtectionFormat } from '@sealpost/compose';
import { type Inspection, renderExposureTable } from '@sealpost/pipeline/recipient';
import type { CmsIdentifier } from '@sealpost/smime';
import type { Output } from '../output.js';
import { clean, keyValueRows, wrap } from '../text/layout.js';

const FORMAT_LABEL: Record<ProtectionFormat, string> = {
  'pgp-mime-encrypted': 'PGP/MIME multipart/encrypted (RFC 3156 §4)',
  'pgp-mime-signed': 'PGP/MIME multipart/signed (RFC 3156 §5)',
  'inline-pgp-message': 'inline PGP (an armored OpenPGP message in a text part)',
  'inline-pgp-signed': 'inline PGP cleartext signature (RFC 9580 §7)',
  'smime-enveloped': 'S/MIME application/pkcs7-mime (RFC 8551 §3.3)',
  'smime-signed-detached': 'S/MIME multipart/signed (RFC 8551 §3.5.3)',
  'smime-signed-opaque': 'S/MIME application/pkcs7-mime signed-data (RFC 8551 §3.5.2)',
};

function nodeLine(node: MimeNode, width: number): string {
  const depth = node.part.split('.').length - 1;
  const params = Object.entries(node.params)
    .filter(([k]) => k !== 'boundary' && k !== 'name')
    .map(([k, v]) => `; ${k}=${v}`)
    .join('');
  const extra = [
    node.filename !== null ? `"${node.filename}"` : '',
    node.disposition ?? '',
    `${node.size} bytes${node.transferEncoding ? ` ${node.transferEncoding}` : ''}`,
    node.note ? `(${node.note})` : '',
  ].filter((s) => s.length > 0);
  const lead = `  ${node.part.padEnd(8)} ${'  '.repeat(depth)}`;
  // The facts after the type wrap under it rather than past the terminal's edge.
  return wrap(
    clean(`${node.contentType}${params}  ${extra.join('  ')}`),
    width - lead.length,
    ' '.repeat(lead.length),
  ).replace(/^/, lead);
}

function identifierText(id: CmsIdentifier): string {
  if (id.subjectKeyIdentifier) return `subject key identifier ${id.subjectKeyIdentifier}`;
  if (id.issuer) return `issuer ${id.issuer}, serial ${id.serialNumber}`;
  return '(no identifier)';
}

function encryptionRows(i: Inspection): [string, string][] {
  const e = i.encryption;
  if (!e) return [['encrypted', 'no']];
  const rows: [string, string][] = [['encrypted', `${FORMAT_LABEL[e.format]}, part ${e.part}`]];
  if (e.error) rows.push(['unreadable', clean(e.error)]);
  for (const r of e.pgp?.recipients ?? []) {
    rows.push([
      'recipient',
      `${r.wildcard ? 'hidden key ID (wildcard)' : `key ID ${r.keyId}`}, ${r.algorithm}, PKESK v${r.version}`,
    ]);
  }
  if (e.pgp && e.pgp.passwords > 0) rows.push(['passwords', `${e.pgp.passwords} (SKESK)`]);
  if (e.pgp) {
    const integrity = {
      'seipd-v1': 'SEIPD v1 (MDC)',
      'seipd-v2': `SEIPD v2 (AEAD ${e.pgp.aead ?? ''})`.replace(' )', ')'),
      sed: 'NONE: tag 9 without MDC',
      none: 'no encrypted data packet found',
    }[e.pgp.integrity];
    rows.push(['integrity', integrity]);
  }
  if (e.cms) {
    rows.push(['structure', e.cms.structure]);
    rows.push(['content cipher', e.cms.contentEncryption]);
    for (const r of e.cms.recipients) {
      rows.push(['recipient', `${r.type}: ${clean(identifierText(r))}; ${r.keyEncryption}`]);
    }
  }
  return rows;
}

function signatureRows(i: Inspection): [string, string][] {
  const s = i.signature;
  if (!s) {
    return [
      ['signed', i.encryption ? 'not visible from outside (a signature may be inside)' : 'no'],
    ];
  }
  const rows: [string, string][] = [['signed', `${FORMAT_LABEL[s.format]}, part ${s.part}`]];
  if (s.inline) {
    const lines = `lines ${s.inline.firstLine}–${s.inline.lastLine} of ${s.inline.totalLines}`;
    rows.push([
      'covers',
      `${s.inline.surrounded ? `only ${lines}; text outside the signed block is not covered` : `the whole text (${lines})`}${s.inline.firstWords ? `, beginning "${clean(s.inline.firstWords)}"` : ''}`,
    ]);
  }
  if (s.error) rows.push(['unreadable', clean(s.error)]);
  for (const p of s.pgp ?? []) {
    rows.push([
      'signer',
      `key ID ${p.keyId}${p.fingerprint ? ` (fingerprint ${p.fingerprint})` : ''}, ${p.algorithm}/${p.hashAlgorithm}, made ${p.created ?? 'at an unknown time'}`,
    ]);
  }
  for (const c of s.cms ?? []) {
    rows.push([
      'signer',
      `${clean(c.certificateSubject ?? identifierText(c))}; ${c.signatureAlgorithm}, ${c.digestAlgorithm}${c.signingTime ? `, signed ${c.signingTime}` : ''}`,
    ]);
  }
  rows.push(['', 'Not verified here: run "sealpost verify" with the signer\'s key or CA.']);
  return rows;
}

export function renderInspection(file: string, i: Inspection, out: Output): string {
  const h = i.headers;
  const headerRows: [string, string][] = (
    [
      ['From', h.from],
      ['To', h.to],
      ['Cc', h.cc],
      ['Subject', h.subject],
      ['Date', h.date],
      ['Message-ID', h.messageId],
    ] as const
  ).flatMap(([k, v]) => (v === null ? [] : [[k, clean(v)] as [string, string]]));
  return [
    `${out.bold(clean(file))}  ${i.size} bytes`,
    `${out.bold('Outer header fields')} (every server reads these)\n${keyValueRows(headerRows, '  ', out.width)}`,
    `${out.bold('Structure')}\n${flattenMimeTree(i.structure)
      .map((n) => nodeLine(n, out.width))
      .join('\n')}`,
    `${out.bold('Protection')}\n${keyValueRows([...encryptionRows(i), ...signatureRows(i)], '  ', out.width)}`,
    `${out.bold('Header protection')} (${i.headerProtection.scheme === 'legacy-v1' ? 'legacy protected-headers="v1", not RFC 9788' : 'RFC 9788'})\n  ${wrap(clean(i.headerProtection.explanation), out.width - 4, '  ')}`,
    ...(i.notes.length > 0
      ? [
          `${out.bold('Notes')}\n${i.notes.map((n) => `  - ${wrap(clean(n), out.width - 6, '    ')}`).join('\n')}`,
        ]
      : []),
    `${out.bold('Who can read what')} (scheme: ${i.exposure.scheme})\n${renderExposureTable(i.exposure.matrix)}\n${wrap(i.exposure.assumption, out.width, '')}`,
  ].join('\n\n');
}
