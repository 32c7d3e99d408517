import { SealpostError } from '@sealpost/errors';
import { describe, expect, it } from 'vitest';
import { redactedError } from './redacted-error.js';

const options = {
  where: 'decrypted content',
  fallbackCode: 'EMIME',
  keepMessage: ['EHEADER'],
} as const;

describe('redactedError', () => {
  it('keeps the code, drops the quoted text and the cause', () => {
    const original = new SealpostError('EMIME', 'Not a header field: "secret line".', {
      cause: new Error('secret line'),
      details: { line: 'secret line' },
    });
    const redacted = redactedError(original, options);
    expect(redacted.code).toBe('EMIME');
    expect(redacted.cause).toBeUndefined();
    expect(JSON.stringify(redacted) + redacted.message).not.toContain('secret');
  });

  it('keeps the message and details of codes the caller vouches for, never the cause', () => {
    const original = new SealpostError('EHEADER', 'Fixed text.', {
      cause: new Error('secret'),
      details: { reason: 'x' },
    });
    const kept = redactedError(original, options);
    expect(kept).toMatchObject({
      code: 'EHEADER',
      message: 'Fixed text.',
      details: { reason: 'x' },
    });
    expect(kept.cause).toBeUndefined();
  });

  it('turns any other error into the fallback code without its message', () => {
    const redacted = redactedError(new TypeError('secret'), options);
    expect(redacted.code).toBe('EMIME');
    expect(redacted.message).not.toContain('secret');
  });
});
