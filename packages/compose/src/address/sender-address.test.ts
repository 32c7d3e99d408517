import { describe, expect, it } from 'vitest';
import { sameAddress, senderAddress } from './sender-address.js';

const from = (...values: string[]) => values.map((value) => ({ name: 'From', value }));

describe('senderAddress (RFC 5322 §3.6)', () => {
  it('returns the addr-spec of the one mailbox, domain lower-cased', () => {
    expect(senderAddress(from('Alice <alice@Example.ORG>'))).toBe('alice@example.org');
    expect(senderAddress([{ name: 'FROM', value: 'bob@example.org' }])).toBe('bob@example.org');
    // A folded field keeps its tab after unfolding: that is white space, not a control.
    expect(senderAddress(from('Alice\t<alice@example.org>'))).toBe('alice@example.org');
  });

  it('refuses two From fields, two mailboxes and unparsable From', () => {
    const cases = [
      from('alice@example.org', 'eve@evil.example'),
      from('alice@example.org, eve@evil.example'),
      from('alice@example.org <eve@evil.example>'),
      from('group: alice@example.org;'),
      from(''),
    ];
    for (const headers of cases) {
      expect(() => senderAddress(headers)).toThrow(
        expect.objectContaining({ code: 'ESENDER_AMBIGUOUS' }),
      );
    }
  });

  it('refuses a message without From, and never quotes the field', () => {
    expect(() => senderAddress([{ name: 'Subject', value: 'x' }])).toThrow(
      expect.objectContaining({ code: 'ESENDER_MISSING' }),
    );
    for (const value of ['SECRET-MARKER <a@example.org>, b@example.org', 'SECRET-MARKER@']) {
      const error = (() => {
        try {
          senderAddress(from(value));
        } catch (thrown) {
          return thrown as Error;
        }
        throw new Error('senderAddress accepted it');
      })();
      expect(`${error.message} ${JSON.stringify(error)}`).not.toContain('SECRET-MARKER');
      expect(error.cause).toBeUndefined();
    }
  });
});

describe('sameAddress', () => {
  it('compares strictly parsed addr-specs, case-insensitively', () => {
    expect(sameAddress('alice@example.org', 'ALICE@EXAMPLE.ORG')).toBe(true);
    expect(sameAddress('info@bücher.example', 'info@xn--bcher-kva.example')).toBe(true);
    expect(sameAddress('alice@example.org', 'alice@example.org.evil.example')).toBe(false);
    expect(sameAddress('not an address', 'not an address')).toBe(false);
  });
});
