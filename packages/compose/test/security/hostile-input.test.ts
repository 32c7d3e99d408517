import { Readable } from 'node:stream';
import { isSealpostError } from '@sealpost/errors';
import { HOSTILE_ADDRESSES } from '@sealpost/testkit';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { parseAddressList } from '../../src/address/address.js';
import { createMessage } from '../../src/message/create-message.js';
import type { MessageInput } from '../../src/message/message.js';
import { toMime } from '../../src/mime/to-mime.js';

const INJECT = '\r\nBcc: evil@x.test';
const base = { from: 'alice@example.org', to: 'bob@example.org' } as const;
const REFUSED = ['EADDRESS', 'EHEADER', 'EMESSAGE', 'EATTACHMENT'];

/** Fails unless `run` throws a SealpostError with `code` (never builds a message). */
function expectRefused(run: () => unknown, code: string): void {
  let result: unknown;
  try {
    result = run();
  } catch (error) {
    expect(isSealpostError(error), String(error)).toBe(true);
    expect(REFUSED).toContain((error as { code: string }).code);
    expect((error as { code: string }).code).toBe(code);
    // The message quotes the input safely: no raw line break reaches a log line.
    expect((error as Error).message).not.toMatch(/[\r\n\u2028]/);
    return;
  }
  expect.fail(`accepted: ${JSON.stringify(result)}`);
}

describe('hostile addresses stay refused with the loose submission syntax (readSubmission)', () => {
  const loose = { comments: true, emptyGroups: true } as const;
  for (const { title, input } of HOSTILE_ADDRESSES) {
    it(title, () => expectRefused(() => parseAddressList(input, loose), 'EADDRESS'));
  }
});

describe('hostile addresses (testkit corpus) are refused with EADDRESS', () => {
  it('has at least 40 address cases', () =>
    expect(HOSTILE_ADDRESSES.length).toBeGreaterThanOrEqual(40));
  for (const { title, input } of HOSTILE_ADDRESSES) {
    it(title, () => {
      expectRefused(() => parseAddressList(input), 'EADDRESS');
      // …and in every address field of a message.
      for (const field of ['to', 'cc', 'bcc', 'replyTo', 'from', 'sender'] as const) {
        expectRefused(() => createMessage({ ...base, [field]: input }), 'EADDRESS');
      }
    });
  }
});

const HEADER_CASES: readonly { title: string; input: MessageInput; code: string }[] = [
  { title: 'subject with CRLF', input: { ...base, subject: `Hi${INJECT}` }, code: 'EHEADER' },
  {
    title: 'subject with bare LF',
    input: { ...base, subject: 'Hi\nBcc: evil@x.test' },
    code: 'EHEADER',
  },
  { title: 'subject with NUL', input: { ...base, subject: 'Hi\u0000' }, code: 'EHEADER' },
  {
    title: 'subject with U+2028',
    input: { ...base, subject: 'Hi\u2028Bcc: evil@x.test' },
    code: 'EHEADER',
  },
  {
    title: 'subject with an unfoldable 1000-octet word',
    input: { ...base, subject: 'x'.repeat(1000) },
    code: 'EHEADER',
  },
  {
    title: 'display name object with CRLF',
    input: { ...base, to: { name: `Bob${INJECT}`, address: 'bob@example.org' } },
    code: 'EADDRESS',
  },
  {
    title: 'from name object with LF',
    input: { ...base, from: { name: 'A\nBcc: evil@x.test', address: 'alice@example.org' } },
    code: 'EADDRESS',
  },
  {
    title: 'address object hiding a list',
    input: { ...base, to: { address: 'bob@example.org>, evil@x.test' } },
    code: 'EADDRESS',
  },
  {
    title: 'address object hiding a name-addr',
    input: { ...base, cc: { address: 'Evil <evil@x.test>' } },
    code: 'EADDRESS',
  },
  {
    title: 'two From addresses',
    input: { ...base, from: 'alice@example.org, evil@x.test' },
    code: 'EADDRESS',
  },
  {
    title: 'extra header value with CRLF',
    input: { ...base, headers: { 'X-Note': `v${INJECT}` } },
    code: 'EHEADER',
  },
  {
    title: 'extra header name with CRLF',
    input: { ...base, headers: { [`X-A${INJECT}`]: 'v' } },
    code: 'EHEADER',
  },
  {
    title: 'extra header name with a space',
    input: { ...base, headers: { 'X Note': 'v' } },
    code: 'EHEADER',
  },
  {
    title: 'extra header name with a colon',
    input: { ...base, headers: { 'Bcc:X': 'v' } },
    code: 'EHEADER',
  },
  {
    title: 'extra header Bcc (reserved)',
    input: { ...base, headers: { Bcc: 'evil@x.test' } },
    code: 'EHEADER',
  },
  {
    title: 'extra header To (reserved)',
    input: { ...base, headers: { to: 'evil@x.test' } },
    code: 'EHEADER',
  },
  {
    title: 'extra header Content-Type (reserved)',
    input: { ...base, headers: { 'Content-Type': 'text/html' } },
    code: 'EHEADER',
  },
  {
    title: 'extra header array form with LF',
    input: { ...base, headers: [{ name: 'X-A', value: 'v\nBcc: e@x.test' }] },
    code: 'EHEADER',
  },
  {
    title: 'Message-ID with CRLF',
    input: { ...base, messageId: `<a@example.org>${INJECT}` },
    code: 'EHEADER',
  },
  {
    title: 'Message-ID with two ids',
    input: { ...base, messageId: '<a@example.org> <b@example.org>' },
    code: 'EHEADER',
  },
  { title: 'Message-ID without @', input: { ...base, messageId: 'not-an-id' }, code: 'EHEADER' },
  {
    title: 'attachment file name with CRLF',
    input: { ...base, attachments: [{ filename: `a.txt${INJECT}`, content: 'x' }] },
    code: 'EHEADER',
  },
  {
    title: 'attachment file name with NUL',
    input: { ...base, attachments: [{ filename: 'a.txt\u0000.exe', content: 'x' }] },
    code: 'EHEADER',
  },
  {
    title: 'attachment file name with a path',
    input: { ...base, attachments: [{ filename: '../../etc/passwd', content: 'x' }] },
    code: 'EATTACHMENT',
  },
  {
    title: 'attachment file name with bidi override',
    input: { ...base, attachments: [{ filename: 'invoice\u202efdp.exe', content: 'x' }] },
    code: 'EATTACHMENT',
  },
  {
    title: 'attachment content type with CRLF',
    input: {
      ...base,
      attachments: [{ filename: 'a', contentType: `text/plain${INJECT}`, content: 'x' }],
    },
    code: 'EHEADER',
  },
  {
    title: 'attachment content type parameter with LF',
    input: {
      ...base,
      attachments: [
        { filename: 'a', contentType: 'text/plain; charset="x\nBcc: e@x.test"', content: 'x' },
      ],
    },
    code: 'EHEADER',
  },
  {
    title: 'attachment content type without subtype',
    input: { ...base, attachments: [{ filename: 'a', contentType: 'text', content: 'x' }] },
    code: 'EATTACHMENT',
  },
  {
    title: 'attachment disposition with CRLF',
    input: { ...base, attachments: [{ content: 'x', disposition: `inline${INJECT}` as 'inline' }] },
    code: 'EHEADER',
  },
  {
    title: 'duplicate recipient across To and Bcc',
    input: { ...base, bcc: 'bob@example.org' },
    code: 'EMESSAGE',
  },
  {
    title: 'duplicate recipient differing in case',
    input: { ...base, cc: 'BOB@EXAMPLE.ORG' },
    code: 'EMESSAGE',
  },
  { title: 'no recipients', input: { from: 'alice@example.org', to: [] }, code: 'EMESSAGE' },
  {
    title: 'duplicate recipient inside one list string',
    input: { ...base, to: 'bob@example.org, Bob <bob@example.org>' },
    code: 'EMESSAGE',
  },
  {
    title: 'date given as text with CRLF',
    input: { ...base, date: `Mon, 1 Jan 2026${INJECT}` as unknown as Date },
    code: 'EMESSAGE',
  },
];

describe('header injection through every field is refused', () => {
  it('has header cases for every field', () =>
    expect(HEADER_CASES.length).toBeGreaterThanOrEqual(30));
  for (const { title, input, code } of HEADER_CASES) {
    it(title, () => expectRefused(() => createMessage(input), code));
  }
});

describe('tricky but valid input never changes the recipient list', () => {
  async function headersOf(input: MessageInput) {
    const message = createMessage(input);
    const bytes = Buffer.from(await toMime(message));
    const parsed = await simpleParser(bytes);
    const raw = bytes.toString('latin1');
    const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
    return { message, parsed, head };
  }

  it('a quoted display name holding addresses and "Bcc:"', async () => {
    const { message, parsed, head } = await headersOf({
      ...base,
      to: '"evil@x.test, Bcc: evil@x.test" <bob@example.org>',
    });
    expect(message.envelope.to).toEqual(['bob@example.org']);
    const to = parsed.to && !Array.isArray(parsed.to) ? parsed.to.value : [];
    expect(to).toEqual([{ name: 'evil@x.test, Bcc: evil@x.test', address: 'bob@example.org' }]);
    expect(head).not.toMatch(/^bcc:/im);
  });

  it('a subject and file name that look like header fields stay inside their field', async () => {
    const filename = 'x"; filename="evil.exe';
    const { message, parsed, head } = await headersOf({
      ...base,
      subject: 'Bcc: evil@x.test',
      attachments: [{ filename, stream: Readable.from([Buffer.from('data')]) }],
    });
    expect(message.envelope.to).toEqual(['bob@example.org']);
    expect(parsed.subject).toBe('Bcc: evil@x.test');
    expect(parsed.attachments.map((a) => a.filename)).toEqual([filename]);
    expect(head.split('\r\n').filter((l) => /^bcc:/i.test(l))).toEqual([]);
  });
});
