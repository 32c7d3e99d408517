import { readdirSync, readFileSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { fromLatin1, latin1 } from './bytes.js';
import { decodeHeaderText, encodeHeaderText } from './encoded-word.js';
import { joinMessage, splitMessage } from './message.js';
import { createEntity, getHeader } from './mime-entity.js';

describe('splitMessage / joinMessage', () => {
  it('separates message fields from the entity and puts them back with MIME-Version', () => {
    const bytes = fromLatin1(
      'From: a@example.org\nMIME-Version: 1.0\nSubject: s\nContent-Type: text/plain\n\nbody\n',
    );
    const { messageHeaders, entity } = splitMessage(bytes);
    expect(messageHeaders).toEqual([
      { name: 'From', value: 'a@example.org' },
      { name: 'Subject', value: 's' },
    ]);
    expect(entity.headers).toEqual([{ name: 'Content-Type', value: 'text/plain' }]);
    expect(latin1(joinMessage(messageHeaders, entity))).toBe(
      'From: a@example.org\r\nSubject: s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nbody\r\n',
    );
  });

  it('writes one MIME-Version even when the caller passes one', () => {
    const out = latin1(
      joinMessage(
        [{ name: 'MIME-Version', value: '1.0' }],
        createEntity({ contentType: 'text/plain', body: '' }),
      ),
    );
    expect(out.match(/MIME-Version/g)).toHaveLength(1);
  });

  it('rejects injected outer header fields', () => {
    const entity = createEntity({ contentType: 'text/plain', body: '' });
    expect(() => joinMessage([{ name: 'Subject', value: 'x\r\nBcc: e@x.test' }], entity)).toThrow(
      expect.objectContaining({ code: 'EHEADER' }),
    );
  });
});

describe('RFC 2047 encoded-words', () => {
  it('encodes non-ASCII text in words of at most 75 characters that mailparser decodes', async () => {
    const subject = `Grüße aus Köln — ${'ünïcödé '.repeat(12)}🎉`;
    const encoded = encodeHeaderText(subject);
    for (const word of encoded.split(' ')) expect(word.length).toBeLessThanOrEqual(75);
    expect(decodeHeaderText(encoded)).toBe(subject);
    const entity = createEntity({ contentType: 'text/plain', body: 'x' });
    const parsed = await simpleParser(
      Buffer.from(joinMessage([{ name: 'Subject', value: encoded }], entity)),
    );
    expect(parsed.subject).toBe(subject);
    expect(getHeader(entity, 'Content-Type')).toBe('text/plain; charset=utf-8');
  });

  it('leaves plain ASCII alone but encodes text that looks like an encoded-word', () => {
    expect(encodeHeaderText('plain text')).toBe('plain text');
    expect(decodeHeaderText(encodeHeaderText('=?x?='))).toBe('=?x?=');
    expect(decodeHeaderText('=?iso-8859-1?Q?K=F6ln_ist?= =?utf-8?q?_sch=C3=B6n?=')).toBe(
      'Köln ist schön',
    );
  });
});

describe('runtime neutrality', () => {
  it('src/entity imports no node: modules (pgp and smime run in browsers)', () => {
    const dir = new URL('.', import.meta.url);
    const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(sources.length).toBeGreaterThan(5);
    for (const file of sources) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      expect(text, file).not.toMatch(/from ['"]node:|require\(|\bBuffer\b/);
    }
  });
});
