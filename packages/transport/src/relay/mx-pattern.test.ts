import { describe, expect, it } from 'vitest';
import { mxMatchesPattern, mxMatchesPolicy } from './mx-pattern.js';

describe('MX host matching (RFC 8461 §4.1)', () => {
  it('matches exact names case-insensitively, with or without the trailing dot', () => {
    expect(mxMatchesPattern('mail.example.com', 'mail.example.com')).toBe(true);
    expect(mxMatchesPattern('MAIL.Example.com.', 'mail.example.com')).toBe(true);
    expect(mxMatchesPattern('mail.example.com', 'mx.example.com')).toBe(false);
  });

  it('lets a wildcard cover exactly one left-most label', () => {
    expect(mxMatchesPattern('mx1.example.net', '*.example.net')).toBe(true);
    expect(mxMatchesPattern('example.net', '*.example.net')).toBe(false);
    expect(mxMatchesPattern('a.b.example.net', '*.example.net')).toBe(false);
    expect(mxMatchesPattern('mx1.evilexample.net', '*.example.net')).toBe(false);
  });

  it('matches a host against any of the patterns', () => {
    expect(mxMatchesPolicy('b.example.org', ['a.example.org', '*.example.org'])).toBe(true);
    expect(mxMatchesPolicy('b.example.com', ['a.example.org', '*.example.org'])).toBe(false);
    expect(mxMatchesPolicy('b.example.com', [])).toBe(false);
  });
});
