import { describe, expect, it } from 'vitest';
import { inspectAttack } from './attack-evidence.js';
import type { RecordedChunk } from './link-recorder.js';

const secrets = {
  subject: 'Quarterly numbers',
  bodyPhrase: 'seven apples',
  attachmentName: 'numbers.csv',
  sender: 'alice@sender.localhost',
  recipient: 'bob@recipient.localhost',
};
const chunk = (direction: 'up' | 'down', text: string, extra: Partial<RecordedChunk> = {}) => ({
  connection: 1,
  direction,
  bytes: Buffer.from(text),
  ...extra,
});

describe('what the attacker recorded', () => {
  it('finds the secrets in the cleartext and marks the removed STARTTLS offer', () => {
    const evidence = inspectAttack(
      'attacker',
      [
        chunk('down', '220 mx ESMTP\r\n'),
        chunk('up', 'EHLO relay\r\n'),
        chunk('down', '250-mx\r\n250-STARTTLS\r\n250 SIZE 1\r\n', {
          passedOn: Buffer.from('250-mx\r\n250 SIZE 1\r\n'),
        }),
        chunk('up', 'MAIL FROM:<alice@sender.localhost>\r\n'),
        chunk('down', '354 go on\r\n'),
        chunk('up', 'Subject: Quarterly numbers\r\n\r\nwe have seven apples\r\n.\r\n'),
      ],
      secrets,
    );
    expect(evidence.kind).toBe('attacker-recording');
    expect(evidence.findings.find((f) => f.part === 'body')!.seen).toBe(true);
    expect(evidence.summary).toContain('sent the whole message in cleartext');
    expect(evidence.transcript).toContain('mailbox: 250-STARTTLS   ← removed by the attacker');
    expect(evidence.transcript).toContain('relay:   [the message, 52 bytes, in the clear]');
    expect(evidence.transcript!.join('\n')).not.toContain('seven apples');
  });

  it('shows a STARTTLS it kept from the server and its own answer', () => {
    const evidence = inspectAttack(
      'attacker',
      [
        chunk('up', 'STARTTLS\r\n', { passedOn: Buffer.alloc(0) }),
        chunk('down', '454 TLS not available\r\n', { forged: true }),
        chunk('up', 'QUIT\r\n'),
      ],
      secrets,
    );
    expect(evidence.transcript).toEqual([
      'relay:   STARTTLS   ← kept from the mailbox',
      'attacker: 454 TLS not available   ← its own answer',
      'relay:   QUIT',
    ]);
  });
});
