// streamedRefusal: which errors of the streamed path leave a message up to 8 MiB to the
// in-memory path (decision 0142), and which are the answer because openMessage gives the same.
import { SealpostError } from '@sealpost/errors';
import { describe, expect, it } from 'vitest';
import {
  LARGE_MESSAGE_THRESHOLD,
  STREAMED_OPEN_THRESHOLD,
  streamedRefusal,
} from './open-message-file-entry.js';

describe('streamedRefusal', () => {
  it('leaves refusals and anything unexpected to openMessage', () => {
    for (const code of [
      'ESMIME_UNSUPPORTED',
      'EMIME',
      'ESMIME_FORMAT',
      'EPGP_FORMAT',
      'EIO',
    ] as const) {
      expect(streamedRefusal(new SealpostError(code, 'x'))).toBe(true);
    }
    // "Not for us" names every certificate tried; openMessage's text names the last one.
    const notForUs = new SealpostError('ESMIME_DECRYPT', 'x', { details: { recipients: 1 } });
    expect(streamedRefusal(notForUs)).toBe(true);
    expect(streamedRefusal(new Error('ENOSPC'))).toBe(true);
  });

  it('keeps a verdict on the content, which openMessage gives alike', () => {
    expect(streamedRefusal(new SealpostError('EDECRYPT', 'x'))).toBe(false);
    expect(streamedRefusal(new SealpostError('ESMIME_DECRYPT', 'x'))).toBe(false);
  });

  it('streams from the send side spool threshold; 8 MiB stays the printing limit', () => {
    expect(STREAMED_OPEN_THRESHOLD).toBe(1024 * 1024);
    expect(LARGE_MESSAGE_THRESHOLD).toBe(8 * 1024 * 1024);
  });
});
