import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readMessageFile, reopenablePath } from './message-file.js';

describe('the message FILE of decrypt, verify and inspect', () => {
  it('- is read from the stdin the command was given', async () => {
    const given = () => Readable.from([Buffer.from('Subject: a\r\n'), Buffer.from('\r\nbody\r\n')]);
    const bytes = await readMessageFile('/nowhere', '-', given);
    expect(Buffer.from(bytes).toString()).toBe('Subject: a\r\n\r\nbody\r\n');
  });

  it('- is opened again by path only for the process fd 0, never for a stream a caller gave', () => {
    // Whatever this process's fd 0 is, a stream without fd 0 is read once, in memory.
    expect(reopenablePath('/nowhere', '-', () => Readable.from([]))).toBeUndefined();
    expect(reopenablePath('/srv/mail', 'a.eml', () => Readable.from([]))).toBe('/srv/mail/a.eml');
  });

  it('a missing file is EIO naming it; stdin is not touched for a file', async () => {
    let asked = false;
    const error = await readMessageFile('/nowhere', 'missing.eml', () => {
      asked = true;
      return Readable.from([]);
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'EIO' });
    expect(String((error as Error).message)).toContain('missing.eml');
    expect(asked).toBe(false);
  });
});
