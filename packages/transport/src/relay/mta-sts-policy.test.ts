import { describe, expect, it } from 'vitest';
import { MAX_AGE_LIMIT, parseMtaStsPolicy } from './mta-sts-policy.js';

describe('MTA-STS policy file (RFC 8461 §3.2)', () => {
  it('parses the example of the RFC (CRLF line ends)', () => {
    const text =
      'version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmx: backupmx.example.com\r\nmax_age: 604800\r\n';
    expect(parseMtaStsPolicy(text)).toEqual({
      ok: true,
      policy: {
        version: 'STSv1',
        mode: 'enforce',
        mx: ['mail.example.com', '*.example.net', 'backupmx.example.com'],
        maxAge: 604800,
      },
    });
  });

  it('accepts LF line ends, no final newline, unknown keys and upper-case mx values', () => {
    const result = parseMtaStsPolicy(
      'version: STSv1\nmode: testing\nmx: MX.Example.ORG.\nfuture_key: anything at all\nmax_age: 86400',
    );
    expect(result).toEqual({
      ok: true,
      policy: { version: 'STSv1', mode: 'testing', mx: ['mx.example.org'], maxAge: 86400 },
    });
  });

  it('allows a policy in mode none without mx lines', () => {
    expect(parseMtaStsPolicy('version: STSv1\nmode: none\nmax_age: 86400\n')).toMatchObject({
      ok: true,
      policy: { mode: 'none', mx: [] },
    });
  });

  it('clamps max_age to one year', () => {
    const result = parseMtaStsPolicy('version: STSv1\nmode: none\nmax_age: 9999999999\n');
    expect(result.ok && result.policy.maxAge).toBe(MAX_AGE_LIMIT);
  });

  it.each([
    ['missing version', 'mode: enforce\nmx: a.example\nmax_age: 1\n'],
    ['wrong version', 'version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n'],
    ['unknown mode', 'version: STSv1\nmode: Enforce\nmx: a.example\nmax_age: 1\n'],
    ['missing max_age', 'version: STSv1\nmode: enforce\nmx: a.example\n'],
    ['negative max_age', 'version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1\n'],
    ['enforce without mx', 'version: STSv1\nmode: enforce\nmax_age: 86400\n'],
    ['partial-label wildcard', 'version: STSv1\nmode: enforce\nmx: mx*.example.com\nmax_age: 1\n'],
    ['IP address as mx', 'version: STSv1\nmode: enforce\nmx: 192.0.2.1\nmax_age: 1\n'],
    ['line without colon', 'version: STSv1\nmode enforce\nmx: a.example\nmax_age: 1\n'],
    ['duplicate mode', 'version: STSv1\nmode: enforce\nmode: none\nmx: a.example\nmax_age: 1\n'],
    ['an HTML error page', '<html><body>Not here</body></html>'],
  ])('rejects a policy with %s', (_name, text) => {
    expect(parseMtaStsPolicy(text).ok).toBe(false);
  });
});
