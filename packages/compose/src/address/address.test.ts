import { describe, expect, it } from 'vitest';
import { parseAddress, parseAddressList } from './address.js';

describe('parseAddress (RFC 5322 §3.4, strict)', () => {
  it('reads a bare address and a name-addr', () => {
    expect(parseAddress('bob@example.org')).toEqual({
      address: 'bob@example.org',
      smtputf8: false,
    });
    expect(parseAddress('Bob Example <bob@Example.ORG>')).toEqual({
      name: 'Bob Example',
      address: 'bob@example.org',
      smtputf8: false,
    });
    expect(parseAddress('  <bob@example.org>  ')).toEqual({
      address: 'bob@example.org',
      smtputf8: false,
    });
  });

  it('reads quoted names with specials and escapes, and obs-phrase dots', () => {
    expect(parseAddress('"Doe, John \\"JD\\"" <jd@example.org>').name).toBe('Doe, John "JD"');
    expect(parseAddress('"bob@example.org" <alice@example.org>')).toMatchObject({
      name: 'bob@example.org',
      address: 'alice@example.org',
    });
    expect(parseAddress('John Q. Public <jqp@example.org>').name).toBe('John Q. Public');
  });

  it('decodes RFC 2047 display names and non-ASCII names (RFC 6532)', () => {
    expect(parseAddress('=?UTF-8?B?SsO8cmdlbg==?= <j@example.org>').name).toBe('Jürgen');
    expect(parseAddress('Jürgen Müller <j@example.org>').name).toBe('Jürgen Müller');
  });

  it('converts IDN domains to A-labels and flags non-ASCII local parts for SMTPUTF8', () => {
    expect(parseAddress('info@bücher.example')).toEqual({
      address: 'info@xn--bcher-kva.example',
      smtputf8: false,
    });
    expect(parseAddress('jörg@example.org')).toEqual({
      address: 'jörg@example.org',
      smtputf8: true,
    });
    expect(parseAddress('a@xn--bcher-kva.example').address).toBe('a@xn--bcher-kva.example');
  });

  it('keeps a quoted local part quoted unless it is a plain dot-atom', () => {
    expect(parseAddress('"john.doe"@example.org').address).toBe('john.doe@example.org');
    expect(parseAddress('"john doe"@example.org').address).toBe('"john doe"@example.org');
  });

  it('enforces RFC 5321 lengths: local part 64, address 254', () => {
    const domain = `${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(60)}.org`; // 192 octets
    expect(parseAddress(`${'a'.repeat(64)}@example.org`).address).toHaveLength(76);
    expect(() => parseAddress(`${'a'.repeat(65)}@example.org`)).toThrow(/longer than 64/);
    expect(parseAddress(`${'a'.repeat(61)}@${domain}`).address.length).toBe(254);
    expect(() => parseAddress(`${'a'.repeat(62)}@${domain}`)).toThrow(/longer than 254/);
  });

  it('requires exactly one address', () => {
    expect(() => parseAddress('a@example.org, b@example.org')).toThrow(
      expect.objectContaining({ code: 'EADDRESS' }),
    );
  });
});

describe('parseAddressList', () => {
  it('splits on commas outside quotes', () => {
    const list = parseAddressList(
      '"Doe, Jane" <jane@example.org>, bob@example.org,Carol <c@example.org>',
    );
    expect(list.map((a) => a.address)).toEqual([
      'jane@example.org',
      'bob@example.org',
      'c@example.org',
    ]);
    expect(list[0]?.name).toBe('Doe, Jane');
    expect(Object.isFrozen(list[0])).toBe(true);
  });

  it('rejects empty entries and an empty list', () => {
    for (const text of [
      '',
      '   ',
      'a@example.org,',
      ',a@example.org',
      'a@example.org,,b@example.org',
    ]) {
      expect(() => parseAddressList(text)).toThrow(expect.objectContaining({ code: 'EADDRESS' }));
    }
  });
});

describe('parseAddressList with the submission syntax (sendmail input)', () => {
  const loose = { comments: true, emptyGroups: true, localDomain: 'example.org' } as const;
  it('skips comments, nested and quoted-pair ones included', () => {
    expect(parseAddressList('bob@example.org (Bob \\) (B.))', loose)).toEqual([
      { address: 'bob@example.org', smtputf8: false },
    ]);
    expect(parseAddressList('(lead) Bob <bob@example.org>', loose)[0]?.name).toBe('Bob');
  });

  it('accepts empty groups only, anywhere in the list', () => {
    expect(parseAddressList('undisclosed-recipients:;', loose)).toEqual([]);
    expect(
      parseAddressList('a@x.test, "Nobody at all":;, b@x.test', loose).map((a) => a.address),
    ).toEqual(['a@x.test', 'b@x.test']);
    for (const bad of ['g: a@x.test;', ':;', 'g:', 'g;', 'g:;;', 'g:; b@x.test', 'a@x.test, g:;,'])
      expect(() => parseAddressList(bad, loose), bad).toThrow(/address/i);
  });

  it('qualifies a bare local part only with localDomain', () => {
    expect(parseAddressList('root', loose)).toEqual([
      { address: 'root@example.org', smtputf8: false },
    ]);
    expect(() => parseAddressList('root')).toThrow(/no "@"/);
    expect(() => parseAddressList('"ro ot"', loose)).toThrow();
  });

  it('is strict by default: comments and groups refused as before', () => {
    expect(() => parseAddressList('bob@example.org (Bob)')).toThrow(/comments/);
    expect(() => parseAddressList('undisclosed-recipients:;')).toThrow(/group/);
  });
});
