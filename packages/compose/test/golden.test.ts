import { readFileSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { protectHeaders } from '../src/entity/header-protection.js';
import { splitMessage } from '../src/entity/message.js';
import { getHeader } from '../src/entity/mime-entity.js';
import { parseMultipart } from '../src/entity/multipart.js';
import { createMessage } from '../src/message/create-message.js';
import type { ToMimeOptions } from '../src/mime/composer-options.js';
import { toMime } from '../src/mime/to-mime.js';

/**
 * Golden vectors: deterministic output (fixed boundaries, Date, Message-ID) must stay
 * byte-identical, so a change in nodemailer or in our mapping shows up as a diff here.
 * Regenerate only on purpose: write the new toMime() output over the fixture and review it.
 */
function vectorMessage() {
  return createMessage({
    from: 'Alice Example <alice@example.org>',
    to: ['Bob <bob@example.org>'],
    cc: '"Doe, Jane" <jane@bücher.example>',
    bcc: 'hidden@example.org',
    subject: 'Quartalsbericht — Grüße',
    text: 'Hallo Bob,\nanbei der Bericht.\n',
    html: '<p>Hallo Bob,</p>\n<p>anbei der Bericht.</p>\n',
    headers: { 'X-Vector': 'golden-1' },
    attachments: [{ filename: 'Bericht März.csv', contentType: 'text/csv', content: 'a;b\n1;2\n' }],
  });
}

const cases: readonly [string, ToMimeOptions][] = [
  ['golden-deterministic.eml', { deterministic: true }],
  ['golden-for-signing.eml', { deterministic: true, forSigning: true }],
];

describe('golden vectors', () => {
  for (const [file, options] of cases) {
    it(file, async () => {
      const expected = readFileSync(new URL(`fixtures/${file}`, import.meta.url));
      const bytes = await toMime(vectorMessage(), options);
      expect(Buffer.from(bytes).toString('latin1')).toBe(expected.toString('latin1'));
      const parsed = await simpleParser(Buffer.from(bytes));
      expect(parsed.subject).toBe('Quartalsbericht — Grüße');
      expect(parsed.messageId).toBe('<deterministic@example.org>');
      expect(parsed.attachments[0]?.filename).toBe('Bericht März.csv');
      expect(parsed.headers.has('bcc')).toBe(false);
    });
  }
});

describe('toMime output feeds the entity API (what pgp and smime do with it)', () => {
  it('splits, parses multipart raw parts and protects headers', async () => {
    const bytes = await toMime(vectorMessage(), { deterministic: true, forSigning: true });
    const { messageHeaders, entity } = splitMessage(bytes);
    expect(messageHeaders.map((h) => h.name)).toEqual([
      'X-Vector',
      'From',
      'To',
      'Cc',
      'Subject',
      'Message-ID',
      'Date',
    ]);
    const { parts } = parseMultipart(entity);
    expect(parts.map((p) => getHeader(p.entity, 'Content-Type'))).toEqual([
      'multipart/alternative; boundary="--_sealpost-deterministic-Part_2"',
      'text/csv; name="=?UTF-8?Q?Bericht_M=C3=A4rz=2Ecsv?="',
    ]);
    const { payload, outerHeaders } = protectHeaders(bytes, { mode: 'cipher' });
    expect(getHeader(payload, 'Content-Type')).toMatch(/^multipart\/mixed; .*hp=cipher$/);
    expect(outerHeaders.find((h) => h.name === 'Subject')?.value).toBe('[...]');
  });
});
