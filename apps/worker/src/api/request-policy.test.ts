import { describe, expect, it } from 'vitest';
import { requestPolicy } from './request-policy.js';

describe('requestPolicy', () => {
  it('maps the fields as the CLI maps its flags, with config defaults', () => {
    expect(requestPolicy({}, {})).toMatchObject({
      encrypt: 'prefer',
      scheme: 'auto',
      sign: 'none',
    });
    expect(requestPolicy({ encrypt: 'pgp' }, {})).toMatchObject({
      encrypt: 'require',
      scheme: 'pgp',
    });
    expect(requestPolicy({ encrypt: 'pgp', policy: 'prefer' }, {})).toMatchObject({
      encrypt: 'prefer',
    });
    expect(requestPolicy({ encrypt: 'none' }, {})).toMatchObject({ encrypt: 'never' });
    expect(requestPolicy({}, { encrypt: 'smime', sign: 'smime' })).toMatchObject({
      scheme: 'smime',
      sign: 'smime',
    });
  });

  it('refuses unknown values and contradictions with EUSAGE', () => {
    for (const fields of [
      { policy: 'sometimes' },
      { encrypt: 'rot13' },
      { sign: 1 },
      { encrypt: 'none', policy: 'require' },
    ])
      expect(() => requestPolicy(fields, {})).toThrow(expect.objectContaining({ code: 'EUSAGE' }));
  });
});
