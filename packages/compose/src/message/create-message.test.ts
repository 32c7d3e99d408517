import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createMessage } from './create-message.js';

const base = { from: 'Alice <alice@example.org>', to: 'bob@example.org' };

describe('createMessage', () => {
  it('returns a frozen message whose envelope comes from the parsed lists', () => {
    const message = createMessage({
      ...base,
      sender: 'list@example.org',
      replyTo: ['replies@example.org', { name: 'Help', address: 'help@example.org' }],
      cc: '"Doe, Jane" <jane@example.org>, carl@example.org',
      bcc: { address: 'hidden@example.org' },
      subject: 'Hello',
      text: 'Hi',
      headers: { 'X-Campaign': 'one' },
    });
    expect(Object.isFrozen(message)).toBe(true);
    expect(Object.isFrozen(message.to)).toBe(true);
    expect(Object.isFrozen(message.envelope.to)).toBe(true);
    expect(message.cc.map((a) => a.name)).toEqual(['Doe, Jane', undefined]);
    expect(message.replyTo[1]).toEqual({
      name: 'Help',
      address: 'help@example.org',
      smtputf8: false,
    });
    expect(message.envelope).toEqual({
      from: 'list@example.org',
      to: ['bob@example.org', 'jane@example.org', 'carl@example.org', 'hidden@example.org'],
    });
    expect(message.headers).toEqual([{ name: 'X-Campaign', value: 'one' }]);
    expect(message.messageId).toMatch(/^<[0-9a-f-]{36}@example\.org>$/);
    expect(message.generated).toEqual({ messageId: true, date: true });
    expect(() => {
      (message as { subject?: string }).subject = 'changed';
    }).toThrow(TypeError);
  });

  it('flags SMTPUTF8 in the envelope and uses A-labels', () => {
    const message = createMessage({ from: 'jörg@bücher.example', to: 'bob@bücher.example' });
    expect(message.envelope).toEqual({
      from: 'jörg@xn--bcher-kva.example',
      to: ['bob@xn--bcher-kva.example'],
      smtputf8: true,
    });
  });

  it('keeps a given Message-ID (adding brackets) and date', () => {
    const date = new Date('2026-11-27T18:00:00Z');
    const message = createMessage({ ...base, messageId: 'abc.1@example.org', date });
    expect(message.messageId).toBe('<abc.1@example.org>');
    expect(message.date.getTime()).toBe(date.getTime());
    expect(message.generated).toEqual({ messageId: false, date: false });
  });

  it('rejects missing, empty and duplicate recipients with EMESSAGE', () => {
    const code = expect.objectContaining({ code: 'EMESSAGE' });
    expect(() => createMessage({ from: 'a@example.org' })).toThrow(code);
    expect(() => createMessage({ from: 'a@example.org', to: [], cc: [] })).toThrow(code);
    expect(() => createMessage({ ...base, bcc: 'Bob@Example.org' })).toThrow(code);
    expect(() => createMessage({ ...base, date: new Date('nope') })).toThrow(code);
    expect(() => createMessage({ to: 'b@example.org' } as never)).toThrow(code);
  });

  it('validates attachments: one source, readable path, safe names', () => {
    const code = (c: string) => expect.objectContaining({ code: c });
    expect(() => createMessage({ ...base, attachments: [{ filename: 'a' }] })).toThrow(
      code('EATTACHMENT'),
    );
    expect(() => createMessage({ ...base, attachments: [{ content: 'x', path: 'y' }] })).toThrow(
      code('EATTACHMENT'),
    );
    expect(() => createMessage({ ...base, attachments: [{ path: 'does/not/exist.txt' }] })).toThrow(
      code('EATTACHMENT'),
    );
    const ok = createMessage({
      ...base,
      attachments: [
        { filename: 'a.txt', content: 'text' },
        { filename: 'b.bin', stream: Readable.from([]) },
      ],
    });
    expect(ok.attachments[0]?.content).toEqual(new TextEncoder().encode('text'));
    expect(ok.attachments[1]?.disposition).toBe('attachment');
  });
});
