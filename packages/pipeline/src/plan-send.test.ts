import { isSealpostError, type SealpostError } from '@sealpost/errors';
import type { KeySet, RecipientKey } from '@sealpost/keystore';
import { describe, expect, it } from 'vitest';
import { assertSendable, DEFAULT_POLICY, planSend, type SendPolicy } from './index.js';

function key(address: string, scheme: 'pgp' | 'smime', fingerprint: string): RecipientKey {
  return { scheme, address, fingerprint, source: 'file', material: { secretish: 'not-in-plan' } };
}

const keys: KeySet = {
  recipients: new Map([
    ['alice@example.org', [key('alice@example.org', 'pgp', 'aa'.repeat(20))]],
    ['bob@example.org', [key('bob@example.org', 'smime', 'bb'.repeat(32))]],
    ['dora@example.org', [key('dora@example.org', 'pgp', 'dd'.repeat(20))]],
    [
      'both@example.org',
      [
        key('both@example.org', 'smime', 'b1'.repeat(32)),
        key('both@example.org', 'pgp', 'b2'.repeat(20)),
      ],
    ],
  ]),
  rejected: new Map([
    [
      'carol@example.org',
      [
        {
          scheme: 'pgp',
          address: 'carol@example.org',
          fingerprint: 'cc'.repeat(20),
          source: 'wkd',
          code: 'EKEY_EXPIRED',
          reason: 'expired on 2026-01-01',
        },
      ],
    ],
  ]),
  signers: { pgp: { scheme: 'pgp', fingerprint: 'ee'.repeat(20), source: 'file', material: {} } },
};

const from = { address: 'me@example.net' };
const policy = (p: Partial<SendPolicy>): SendPolicy => ({ ...DEFAULT_POLICY, ...p });

function thrown(fn: () => unknown): SealpostError {
  try {
    fn();
  } catch (err) {
    if (isSealpostError(err)) return err;
    throw err;
  }
  throw new Error('expected a SealpostError');
}

describe('planSend', () => {
  it('refuses the whole send when a required key is missing (fail closed)', () => {
    const plan = planSend(
      { from, to: [{ address: 'alice@example.org' }, { address: 'carol@example.org' }] },
      policy({ encrypt: 'require' }),
      keys,
    );
    expect(plan.sendable).toBe(false);
    const carol = plan.decisions.find((d) => d.address === 'carol@example.org')!;
    expect(carol.refused).toBe(true);
    expect(carol.reason).toContain('expired on 2026-01-01');
    const err = thrown(() => assertSendable(plan));
    expect(err.code).toBe('EPOLICY');
    expect(err.message).toContain('carol@example.org');
    expect(err.details).toEqual({
      refused: [{ address: 'carol@example.org', reason: carol.reason }],
    });
  });

  it('falls back to transport-only under "prefer" and says why', () => {
    const plan = planSend({ from, to: [{ address: 'carol@example.org' }] }, policy({}), keys);
    expect(plan.sendable).toBe(true);
    expect(plan.decisions[0]).toMatchObject({ scheme: 'none', refused: false });
    expect(plan.decisions[0]!.reason).toMatch(/transport TLS only.*expired/);
    expect(() => assertSendable(plan)).not.toThrow();
  });

  it('lets the most specific rule win: address over domain over "*"', () => {
    const p = policy({
      encrypt: 'require',
      rules: [
        { match: '*', encrypt: 'require' },
        { match: '@example.org', encrypt: 'never' },
        { match: 'alice@example.org', encrypt: 'require', scheme: 'pgp' },
      ],
    });
    const plan = planSend(
      { from, to: [{ address: 'Alice@Example.org' }, { address: 'carol@example.org' }] },
      p,
      keys,
    );
    expect(plan.decisions.map((d) => [d.address, d.scheme, d.requirement])).toEqual([
      ['alice@example.org', 'pgp', 'require'],
      ['carol@example.org', 'none', 'never'],
    ]);
    expect(plan.sendable).toBe(true);
  });

  it('prefers OpenPGP under "auto" and honours an explicit S/MIME preference', () => {
    const auto = planSend({ from, to: [{ address: 'both@example.org' }] }, policy({}), keys);
    expect(auto.decisions[0]!.scheme).toBe('pgp');
    const smime = planSend(
      { from, to: [{ address: 'both@example.org' }] },
      policy({ scheme: 'smime' }),
      keys,
    );
    expect(smime.decisions[0]!.scheme).toBe('smime');
    expect(smime.decisions[0]!.key?.fingerprint).toBe('b1'.repeat(32));
  });

  it('groups visible recipients by scheme into as few messages as possible', () => {
    const plan = planSend(
      {
        from,
        to: [{ address: 'alice@example.org' }, { address: 'bob@example.org' }],
        cc: [{ address: 'dora@example.org' }, { address: 'carol@example.org' }],
      },
      policy({}),
      keys,
    );
    expect(plan.messages.map((m) => [m.scheme, m.envelopeTo])).toEqual([
      ['pgp', ['alice@example.org', 'dora@example.org']],
      ['smime', ['bob@example.org']],
      ['none', ['carol@example.org']],
    ]);
    expect(plan.messages[0]!.encryptTo.map((k) => k.fingerprint)).toEqual([
      'aa'.repeat(20),
      'dd'.repeat(20),
    ]);
    expect(plan.messages[0]!.headerProtection).toBe(true);
    expect(plan.messages[2]!.headerProtection).toBe(false);
  });

  it('keeps key material out of the decisions it reports', () => {
    const plan = planSend(
      { from, to: [{ address: 'alice@example.org' }] },
      policy({ sign: 'pgp' }),
      keys,
    );
    expect(JSON.stringify(plan.decisions)).not.toContain('not-in-plan');
    expect(plan.messages[0]!.signer).toEqual({
      scheme: 'pgp',
      fingerprint: 'ee'.repeat(20),
      source: 'file',
    });
  });

  it('does not put an OpenPGP signature inside an S/MIME message, and says so', () => {
    const plan = planSend(
      { from, to: [{ address: 'bob@example.org' }] },
      policy({ sign: 'pgp' }),
      keys,
    );
    expect(plan.messages[0]).toMatchObject({ scheme: 'smime', sign: 'none' });
    expect(plan.messages[0]!.notes.join(' ')).toMatch(/cannot go inside an S\/MIME message/);
  });

  it('rejects signing without a signing key, duplicates, no recipients and bad rules', () => {
    expect(
      thrown(() =>
        planSend({ from, to: [{ address: 'bob@example.org' }] }, policy({ sign: 'smime' }), keys),
      ).code,
    ).toBe('ECONFIG');
    expect(
      thrown(() =>
        planSend(
          { from, to: [{ address: 'bob@example.org' }], bcc: [{ address: 'BOB@example.org' }] },
          policy({}),
          keys,
        ),
      ).code,
    ).toBe('EMESSAGE');
    expect(thrown(() => planSend({ from, to: [] }, policy({}), keys)).code).toBe('EMESSAGE');
    expect(
      thrown(() =>
        planSend(
          { from, to: [{ address: 'bob@example.org' }] },
          policy({ rules: [{ match: 'example.org' }] }),
          keys,
        ),
      ).code,
    ).toBe('ECONFIG');
  });
});
