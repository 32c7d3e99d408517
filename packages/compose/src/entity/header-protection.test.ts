import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { fromLatin1, latin1 } from './bytes.js';
import { protectHeaders, unprotectHeaders } from './header-protection.js';
import { joinMessage } from './message.js';
import { createEntity, getHeader, getHeaders, serializeEntity } from './mime-entity.js';

const message = fromLatin1(
  [
    'From: Alice <alice@example.org>',
    'To: Bob <bob@example.org>',
    'Subject: The secret plan',
    'Keywords: plan, secret',
    'Date: Fri, 27 Nov 2026 18:00:00 +0000',
    'Message-ID: <1@example.org>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 7bit',
    '',
    'Meet at noon.',
    '',
  ].join('\r\n'),
);

describe('RFC 9788 header protection', () => {
  it('mode cipher: hp="cipher", protected fields and HP-Outer inside, "[...]" outside', () => {
    const { payload, outerHeaders } = protectHeaders(message, { mode: 'cipher' });
    expect(getHeader(payload, 'Content-Type')).toBe('text/plain; charset=utf-8; hp=cipher');
    expect(getHeader(payload, 'Subject')).toBe('The secret plan');
    expect(getHeader(payload, 'MIME-Version')).toBeUndefined();
    expect(getHeaders(payload, 'HP-Outer')).toEqual([
      'From: Alice <alice@example.org>',
      'To: Bob <bob@example.org>',
      'Subject: [...]',
      'Date: Fri, 27 Nov 2026 18:00:00 +0000',
      'Message-ID: <1@example.org>',
    ]);
    expect(outerHeaders.find((h) => h.name === 'Subject')?.value).toBe('[...]');
    expect(outerHeaders.some((h) => h.name === 'Keywords')).toBe(false);
    expect(latin1(payload.body)).toBe('Meet at noon.\r\n');
  });

  it('hcp no_confidentiality keeps the outer Subject; mode clear adds no HP-Outer', () => {
    const open = protectHeaders(message, { mode: 'cipher', hcp: 'no_confidentiality' });
    expect(open.outerHeaders.find((h) => h.name === 'Subject')?.value).toBe('The secret plan');
    expect(getHeaders(open.payload, 'HP-Outer')).toContain('Subject: The secret plan');
    const clear = protectHeaders(message, { mode: 'clear' });
    expect(getHeader(clear.payload, 'Content-Type')).toBe('text/plain; charset=utf-8; hp=clear');
    expect(getHeaders(clear.payload, 'HP-Outer')).toEqual([]);
    expect(clear.outerHeaders.find((h) => h.name === 'Subject')?.value).toBe('The secret plan');
  });

  it('unprotectHeaders gives back hp, the protected fields, HP-Outer and the original entity', () => {
    const { payload } = protectHeaders(message, { mode: 'cipher' });
    const result = unprotectHeaders(payload);
    expect(result.hp).toBe('cipher');
    expect(result.headers.find((h) => h.name === 'Subject')?.value).toBe('The secret plan');
    expect(result.headers.some((h) => h.name === 'HP-Outer')).toBe(false);
    expect(result.hpOuter).toContainEqual({ name: 'Subject', value: '[...]' });
    expect(getHeader(result.entity, 'Content-Type')).toBe('text/plain; charset=utf-8');
    expect(getHeader(result.entity, 'Content-Transfer-Encoding')).toBe('7bit');
    expect(result.entity.body).toEqual(payload.body);
  });

  it('ignores HP-Outer when hp is not "cipher" and reports no hp on a plain entity', () => {
    const plain = createEntity({
      contentType: 'text/plain',
      body: 'x',
      headers: [{ name: 'HP-Outer', value: 'Subject: forged' }],
    });
    const result = unprotectHeaders(plain);
    expect(result.hp).toBeUndefined();
    expect(result.hpOuter).toEqual([]);
  });

  it('adds hp to a payload without Content-Type and round-trips through mailparser', async () => {
    const bare = fromLatin1('From: a@example.org\r\nSubject: Hi\r\n\r\nbody\r\n');
    const { payload, outerHeaders } = protectHeaders(bare, { mode: 'cipher' });
    expect(getHeader(payload, 'Content-Type')).toBe('text/plain; charset=us-ascii; hp=cipher');
    // What a recipient sees after decryption: the payload as a message of its own.
    const inner = await simpleParser(Buffer.from(serializeEntity(payload)));
    expect(inner.subject).toBe('Hi');
    expect(inner.text?.trim()).toBe('body');
    const outer = await simpleParser(
      Buffer.from(
        joinMessage(outerHeaders, createEntity({ contentType: 'text/plain', body: 'x' })),
      ),
    );
    expect(outer.subject).toBe('[...]');
  });
});
