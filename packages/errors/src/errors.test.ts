import { describe, expect, it } from 'vitest';
import {
  ERROR_CODE_SECTIONS,
  ERROR_CODES,
  isAmbiguous,
  isErrorCode,
  isPermanent,
  isSealpostError,
  isTransient,
  quoteUntrusted,
  SealpostError,
} from './index.js';

describe('ERROR_CODES', () => {
  it('has no code defined in two sections (a later section would silently win)', () => {
    const all = Object.values(ERROR_CODE_SECTIONS).flatMap((section) => Object.keys(section));
    expect(new Set(all).size).toBe(all.length);
    expect(Object.keys(ERROR_CODES).length).toBe(all.length);
  });

  it('names every code E + upper case and gives each a description and an action', () => {
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^E[A-Z0-9_]+$/);
      expect(entry.description.length, code).toBeGreaterThan(10);
      expect(entry.action.length, code).toBeGreaterThan(10);
    }
  });

  it('recognises its own codes and nothing else', () => {
    expect(isErrorCode('EADDRESS')).toBe(true);
    expect(isErrorCode('ENOPE')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
  });
});

describe('SealpostError', () => {
  it('carries code, message, cause and SMTP context', () => {
    const cause = new Error('socket hang up');
    const err = new SealpostError('ETEMPFAIL', 'server busy', {
      cause,
      command: 'MAIL FROM',
      responseCode: 451,
      response: '451 4.3.0 try again later',
    });
    expect(err).toBeInstanceOf(Error);
    expect(isSealpostError(err)).toBe(true);
    expect(err.name).toBe('SealpostError');
    expect(err.code).toBe('ETEMPFAIL');
    expect(err.cause).toBe(cause);
    expect(err.command).toBe('MAIL FROM');
    expect(err.responseCode).toBe(451);
    expect(err.action).toBe(ERROR_CODES.ETEMPFAIL.action);
    expect(err.category).toBe('transport');
  });

  it('refuses an unknown code instead of producing an error nobody can look up', () => {
    // @ts-expect-error deliberately wrong code
    expect(() => new SealpostError('EWHATEVER', 'x')).toThrow(TypeError);
  });

  it('serialises to JSON with the action and without a cause chain', () => {
    const err = new SealpostError('EAUTH', 'login failed', {
      cause: new Error('535 with internals'),
      command: 'AUTH PLAIN',
      responseCode: 535,
    });
    const json = JSON.parse(JSON.stringify(err));
    expect(json).toEqual({
      name: 'SealpostError',
      code: 'EAUTH',
      message: 'login failed',
      action: ERROR_CODES.EAUTH.action,
      category: 'transport',
      retry: 'permanent',
      command: 'AUTH PLAIN',
      responseCode: 535,
    });
  });
});

describe('retry classification', () => {
  it('follows the table when no SMTP reply code is known', () => {
    expect(isTransient(new SealpostError('ECONNREFUSED', 'x'))).toBe(true);
    expect(isPermanent(new SealpostError('ECONNREFUSED', 'x'))).toBe(false);
    expect(isPermanent(new SealpostError('ECERT_UNTRUSTED', 'x'))).toBe(true);
    expect(isTransient(new SealpostError('ECERT_UNTRUSTED', 'x'))).toBe(false);
  });

  it('lets the reply code decide: 4xx transient, 5xx permanent', () => {
    expect(isTransient(new SealpostError('EPERMFAIL', 'x', { responseCode: 452 }))).toBe(true);
    expect(isPermanent(new SealpostError('ETEMPFAIL', 'x', { responseCode: 550 }))).toBe(true);
  });

  it('keeps a drop after DATA ambiguous whatever the reply code', () => {
    const err = new SealpostError('EAMBIGUOUS', 'x', { responseCode: 451 });
    expect(isAmbiguous(err)).toBe(true);
    expect(isTransient(err)).toBe(false);
    expect(isPermanent(err)).toBe(false);
  });

  it('treats foreign errors as permanent, never as retryable', () => {
    expect(isTransient(new Error('ETIMEDOUT'))).toBe(false);
    expect(isPermanent(new Error('ETIMEDOUT'))).toBe(true);
    expect(isPermanent('a string')).toBe(true);
  });
});

describe('quoteUntrusted', () => {
  it('makes line breaks and control characters visible', () => {
    expect(quoteUntrusted('bob@example.org\r\nBcc: evil@x.test')).toBe(
      '"bob@example.org\\r\\nBcc: evil@x.test"',
    );
    expect(quoteUntrusted('a\u0000b\u001b[31m')).toBe('"a\\u0000b\\u001b[31m"');
    expect(quoteUntrusted('say "hi"')).toBe('"say \\"hi\\""');
  });

  it('cuts long input', () => {
    const quoted = quoteUntrusted('x'.repeat(500), 20);
    expect(quoted.length).toBeLessThan(30);
    expect(quoted.endsWith('…"')).toBe(true);
  });
});

describe('RFC-mandated retry classes', () => {
  it('treats an MTA-STS enforce failure as temporary (RFC 8461 §4.2)', () => {
    expect(
      isTransient(new SealpostError('EMTASTS', 'mx.example.org does not match the policy')),
    ).toBe(true);
  });
});
