import { describe, expect, it } from 'vitest';
import { parseMtaStsRecord, selectMtaStsRecord } from './mta-sts-record.js';

describe('MTA-STS TXT record (RFC 8461 §3.1)', () => {
  it('reads the id, with or without spaces and a trailing semicolon', () => {
    expect(parseMtaStsRecord('v=STSv1; id=20160831085700Z;')).toMatchObject({
      ok: true,
      record: { id: '20160831085700Z' },
    });
    expect(parseMtaStsRecord('v=STSv1;id=abc')).toMatchObject({ ok: true, record: { id: 'abc' } });
    expect(parseMtaStsRecord('v=STSv1; id=abc; ext=value-1')).toMatchObject({ ok: true });
  });

  it('rejects records without id, with a bad id, or not starting with v=STSv1', () => {
    expect(parseMtaStsRecord('v=STSv1;').ok).toBe(false);
    expect(parseMtaStsRecord('v=STSv1; id=not_alnum').ok).toBe(false);
    expect(parseMtaStsRecord(`v=STSv1; id=${'a'.repeat(33)}`).ok).toBe(false);
    expect(parseMtaStsRecord('id=abc; v=STSv1').ok).toBe(false);
    expect(parseMtaStsRecord('v=STSv2; id=abc').ok).toBe(false);
    expect(parseMtaStsRecord('v=STSv1; id=a; id=b').ok).toBe(false);
    expect(parseMtaStsRecord('v=STSv1; id=a; broken').ok).toBe(false);
  });

  it('concatenates the strings of one record and ignores unrelated TXT records', () => {
    expect(
      selectMtaStsRecord([['google-site-verification=xyz'], ['v=STSv1; ', 'id=split1']]),
    ).toMatchObject({ ok: true, record: { id: 'split1' } });
  });

  it('treats zero or several STS records as no policy', () => {
    expect(selectMtaStsRecord([['v=spf1 -all']])).toMatchObject({ ok: false });
    expect(selectMtaStsRecord([['v=STSv1; id=1'], ['v=STSv1; id=2']])).toMatchObject({
      ok: false,
      reason: expect.stringContaining('exactly one'),
    });
  });
});
