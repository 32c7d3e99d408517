import { describe, expect, it } from 'vitest';
import { describeExposure } from './relay-exposure.js';
import { decideRelayTargets, plannedExposureReasons } from './relay-plan.js';

const mx = [
  { host: 'mx1.example.org', preference: 10, implicit: false },
  { host: 'other.example.net', preference: 20, implicit: false },
];

describe('decideRelayTargets (the pure planning step)', () => {
  it('enforce: only matching MX hosts, each needing verified TLS; the others are excluded', () => {
    const plan = decideRelayTargets(mx, {
      version: 'STSv1',
      mode: 'enforce',
      mx: ['*.example.org'],
      maxAge: 60,
    });
    expect(plan.mode).toBe('enforce');
    expect(plan.decisions.map((d) => [d.mx.host, d.tls, d.policyMatch])).toEqual([
      ['mx1.example.org', 'verified', true],
    ]);
    expect(plan.excluded).toMatchObject([{ host: 'other.example.net' }]);
  });

  it('testing: every MX host, opportunistic, with the would-be failures listed', () => {
    const plan = decideRelayTargets(mx, {
      version: 'STSv1',
      mode: 'testing',
      mx: ['*.example.org'],
      maxAge: 60,
    });
    expect(plan.decisions.map((d) => [d.mx.host, d.tls, d.policyMatch])).toEqual([
      ['mx1.example.org', 'opportunistic', true],
      ['other.example.net', 'opportunistic', false],
    ]);
    expect(plan.decisions[1]?.policyFailures[0]).toMatch(/matches none of the policy's mx/);
    expect(plan.excluded).toEqual([]);
  });

  it('none or no policy: every MX host, opportunistic, no matching done', () => {
    const none = decideRelayTargets(mx, { version: 'STSv1', mode: 'none', mx: [], maxAge: 60 });
    const absent = decideRelayTargets(mx, null);
    for (const plan of [none, absent]) {
      expect(plan.decisions.every((d) => d.tls === 'opportunistic' && d.policyMatch === null)).toBe(
        true,
      );
    }
    expect(absent.mode).toBe('no-policy');
  });
});

describe('exposure statement', () => {
  it('says plainly that a network attacker could read or alter the message without enforce', () => {
    for (const mode of ['no-policy', 'testing', 'none'] as const) {
      const exposure = describeExposure(plannedExposureReasons(mode), { domain: 'example.org' });
      expect(exposure.networkAttackerCouldReadOrAlter).toBe(true);
      expect(exposure.statement).toMatch(
        /^A network attacker could have read or altered this message/,
      );
    }
    const noTls = describeExposure(['no-policy', 'no-tls'], { domain: 'example.org' });
    expect(noTls.statement).toContain('not encrypted at all');
  });

  it('says the network could not read it under enforce, and that the server still can', () => {
    const exposure = describeExposure([], { domain: 'example.org', mxHost: 'mx1.example.org' });
    expect(exposure.networkAttackerCouldReadOrAlter).toBe(false);
    expect(exposure.statement).toContain('could not read or alter');
    expect(exposure.statement).toContain('The receiving server itself can read it');
  });
});
