import { describe, expect, it } from 'vitest';
import { excerpt, inspectLink, inspectServerCopy, nothingReceived } from './evidence.js';

const secrets = {
  subject: 'Quarterly numbers',
  bodyPhrase: 'seven apples',
  attachmentName: 'numbers.csv',
  sender: 'alice@sender.localhost',
  recipient: 'bob@recipient.localhost',
};

describe('demo evidence', () => {
  it('finds every secret in a transport-only copy, with an excerpt', () => {
    const copy = Buffer.from(
      'From: alice@sender.localhost\r\nTo: bob@recipient.localhost\r\nDate: Tue, 1 Dec 2026 08:00:00 +0000\r\nSubject: Quarterly numbers\r\n\r\nwe have seven apples\r\nContent-Disposition: attachment; filename=numbers.csv\r\n',
    );
    const evidence = inspectServerCopy('submission server', copy, secrets);
    expect(evidence.findings.every((f) => f.seen)).toBe(true);
    expect(evidence.findings.find((f) => f.part === 'body')!.excerpt).toContain('seven apples');
  });

  it('finds only the envelope-level parts in an encrypted copy', () => {
    const copy = Buffer.from(
      'From: alice@sender.localhost\r\nTo: bob@recipient.localhost\r\nDate: Tue, 1 Dec 2026 08:00:00 +0000\r\nSubject: [...]\r\n\r\n-----BEGIN PGP MESSAGE-----\r\nwcBMA...\r\n',
    );
    const seen = Object.fromEntries(
      inspectServerCopy('relay', copy, secrets).findings.map((f) => [f.part, f.seen]),
    );
    expect(seen).toEqual({
      body: false,
      subject: false,
      'attachment-names': false,
      sender: true,
      recipients: true,
      date: true,
      size: true,
    });
  });

  it('says so when nothing arrived, and claims no part seen', () => {
    const nothing = nothingReceived('mailbox', 'the relay kept it');
    expect(nothing.received).toBe(false);
    expect(nothing.findings.every((f) => !f.seen)).toBe(true);
    expect(nothing.findings.map((f) => f.part)).toContain('date');
  });

  it('describes a TLS link and a STARTTLS link by what a wiretap sees', () => {
    const tls = inspectLink(
      'link',
      Buffer.from([0x16, 0x03, 0x01, 0x00, 0x20, 0x01]),
      Buffer.alloc(0),
      secrets,
    );
    expect(tls.summary).toMatch(/^TLS from the first byte \(16 03 01/);
    expect(tls.findings.filter((f) => f.part !== 'size').every((f) => !f.seen)).toBe(true);
    const starttls = inspectLink(
      'link',
      Buffer.concat([Buffer.from('EHLO me\r\nSTARTTLS\r\n'), Buffer.from([0x16, 0x03, 0x01])]),
      Buffer.from('220 ready\r\n'),
      secrets,
    );
    expect(starttls.summary).toBe('cleartext "EHLO me ⏎ STARTTLS ⏎", then TLS records only');
  });

  it('shows non-printable bytes as dots in excerpts', () => {
    expect(excerpt(Buffer.from([0x41, 0x00, 0x42, 0xff]), 0, 4)).toBe('A·B·');
  });
});
