import { describe, expect, it } from 'vitest';
import { messageIdOf, outerSubject } from './protect-at-enqueue.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('outer header fields', () => {
  it('finds the Message-ID and the decoded Subject of the outer header section only', () => {
    const raw = bytes(
      'Subject: =?utf-8?Q?Gr=C3=BC=C3=9Fe?=\r\nMessage-ID:\r\n <a@b.example>\r\n\r\nMessage-ID: <inner@x>\r\n',
    );
    expect(messageIdOf(raw)).toBe('<a@b.example>');
    expect(outerSubject(raw)).toBe('Grüße');
    expect(messageIdOf(bytes('Subject: x\r\n\r\nMessage-ID: <inner@x>\r\n'))).toBeUndefined();
  });
});
