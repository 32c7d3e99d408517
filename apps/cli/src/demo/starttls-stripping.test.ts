import { describe, expect, it } from 'vitest';
import { createStartTlsStripper, stripStartTlsOffer } from './starttls-stripping.js';

describe('the demo attacker', () => {
  it('removes the STARTTLS offer from an EHLO reply and keeps the rest', () => {
    expect(
      stripStartTlsOffer(
        '250-mx.localhost Hello\r\n250-STARTTLS\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n',
      ),
    ).toBe('250-mx.localhost Hello\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n');
  });

  it('makes the line before a final STARTTLS the final line', () => {
    expect(stripStartTlsOffer('250-mx.localhost Hello\r\n250 STARTTLS\r\n')).toBe(
      '250 mx.localhost Hello\r\n',
    );
  });

  it('leaves other replies byte for byte', () => {
    expect(stripStartTlsOffer('220 mx.localhost ESMTP\r\n')).toBe('220 mx.localhost ESMTP\r\n');
  });

  it('waits for the whole reply when it arrives in pieces', () => {
    const stripper = createStartTlsStripper();
    expect(stripper.push(Buffer.from('220 hi\r\n250-mx Hello\r\n250-STA')).toString()).toBe(
      '220 hi\r\n',
    );
    expect(stripper.push(Buffer.from('RTTLS\r\n250 SIZE 10\r\n')).toString()).toBe(
      '250-mx Hello\r\n250 SIZE 10\r\n',
    );
    expect(stripper.removed).toBe(1);
  });

  it('answers a STARTTLS command itself, and only that command', () => {
    const stripper = createStartTlsStripper();
    expect(stripper.intercept(Buffer.from('STARTTLS\r\n'))!.toString()).toMatch(/^454 /);
    expect(stripper.intercept(Buffer.from('MAIL FROM:<a@b.example>\r\n'))).toBeNull();
  });
});
