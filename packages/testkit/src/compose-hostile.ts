/**
 * Hostile address inputs: each must be refused by a strict RFC 5322 §3.4 parser, and none may
 * ever change the recipient list (the first one is docs/toolchain.md's nodemailer addressparser
 * case, which yields an extra envelope recipient there). Reused by the transport and pipeline
 * tests that take addresses from users.
 */
export interface HostileAddress {
  readonly title: string;
  readonly input: string;
}

const encodedInjection = `=?utf-8?B?${Buffer.from('Bob\r\nBcc: evil@x.test').toString('base64')}?= <bob@example.org>`;

export const HOSTILE_ADDRESSES: readonly HostileAddress[] = [
  {
    title: 'CRLF then a Bcc field (docs/toolchain.md)',
    input: 'bob@example.org\r\nBcc: evil@x.test',
  },
  { title: 'bare LF then a Bcc field', input: 'bob@example.org\nBcc: evil@x.test' },
  { title: 'bare CR then a Bcc field', input: 'bob@example.org\rBcc: evil@x.test' },
  { title: 'NUL between two addresses', input: 'bob@example.org\u0000evil@x.test' },
  { title: 'U+2028 line separator', input: 'bob@example.org\u2028Bcc: evil@x.test' },
  { title: 'U+0085 next line (C1)', input: 'bob@example.org\u0085evil@x.test' },
  { title: 'TAB inside the local part', input: 'bob\t@example.org' },
  { title: 'empty group', input: 'undisclosed-recipients: evil@x.test;' },
  { title: 'group with members', input: 'friends: bob@example.org, evil@x.test;' },
  { title: 'semicolon as a separator', input: 'bob@example.org;evil@x.test' },
  { title: 'unbalanced quote', input: '"unbalanced <bob@example.org>' },
  { title: 'missing closing angle', input: 'Bob <bob@example.org' },
  { title: 'missing opening angle', input: 'Bob bob@example.org>' },
  { title: 'nested angles', input: 'Bob <<bob@example.org>>' },
  { title: 'text after the angle address', input: 'Bob <bob@example.org> evil@x.test' },
  { title: 'two angle addresses', input: 'Bob <bob@example.org> <evil@x.test>' },
  { title: 'two @ in the address', input: 'bob@evil@x.test' },
  { title: 'second domain appended', input: 'bob@example.org@x.test' },
  { title: 'unquoted @ in the display name', input: 'evil@x.test <bob@example.org>' },
  { title: 'empty local part', input: '@example.org' },
  { title: 'empty domain', input: 'bob@' },
  { title: 'no @ at all', input: 'bob' },
  { title: 'empty angle address', input: 'Bob <>' },
  { title: 'double dot in the domain', input: 'bob@example..org' },
  { title: 'leading dot in the local part', input: '.bob@example.org' },
  { title: 'trailing dot in the local part', input: 'bob.@example.org' },
  { title: 'domain literal', input: 'bob@[127.0.0.1]' },
  { title: 'bare IP address as domain', input: 'bob@127.0.0.1' },
  { title: 'comment hiding an address', input: 'bob@example.org (evil@x.test)' },
  { title: 'label starting with a hyphen', input: 'bob@-example.org' },
  { title: 'underscore in the host name', input: 'bob@exa_mple.org' },
  { title: 'white space around @', input: 'bob @ example.org' },
  { title: 'backslash outside quotes', input: '\\"bob@example.org' },
  { title: 'bidi override in the domain', input: 'bob@exam\u202eelp.org' },
  { title: 'zero-width space in the local part', input: 'bo\u200bb@example.org' },
  { title: 'RFC 2047 word decoding to CRLF + Bcc', input: encodedInjection },
  { title: 'trailing comma', input: 'bob@example.org,' },
  { title: 'empty list entry', input: 'bob@example.org,,evil@x.test' },
  { title: 'local part over 64 octets', input: `${'a'.repeat(65)}@example.org` },
  {
    title: 'address over 254 octets',
    input: `a@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(60)}.org`,
  },
  { title: 'label over 63 octets', input: `bob@${'x'.repeat(64)}.org` },
  { title: 'broken punycode label', input: 'bob@xn--a.org' },
  { title: 'empty input', input: '' },
];
