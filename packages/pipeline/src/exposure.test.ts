import { describe, expect, it } from 'vitest';
import { exposureMatrix, MESSAGE_PARTS, OBSERVERS, renderExposureTable } from './index.js';

const verifiedTls = { mode: 'implicit-tls', certificateVerified: true } as const;

describe('exposureMatrix', () => {
  it('transport-only: every server reads everything; the verified first link hides all but size', () => {
    const m = exposureMatrix({ scheme: 'none', headerProtection: false, firstLink: verifiedTls });
    for (const server of ['submission-server', 'relays', 'recipient-provider'] as const) {
      for (const part of MESSAGE_PARTS)
        expect(m[server][part].visibility, `${server} ${part}`).toBe('readable');
    }
    expect(m['network-to-submission'].body.visibility).toBe('hidden');
    expect(m['network-to-submission'].recipients.visibility).toBe('hidden');
    expect(m['network-to-submission'].size.visibility).toBe('readable');
    // Server-to-server links are opportunistic unless MTA-STS/DANE: an active attacker could read.
    expect(m['network-between-servers'].body.visibility).toBe('at-risk');
  });

  it('end-to-end with header protection: servers see only envelope, From/To and size', () => {
    const m = exposureMatrix({ scheme: 'pgp', headerProtection: true, firstLink: verifiedTls });
    const s = m['submission-server'];
    expect([s.body, s.subject, s['attachment-names']].map((c) => c.visibility)).toEqual([
      'hidden',
      'hidden',
      'hidden',
    ]);
    expect([s.sender, s.recipients, s.size].map((c) => c.visibility)).toEqual([
      'readable',
      'readable',
      'readable',
    ]);
    expect(m['network-between-servers'].body.visibility).toBe('hidden');
    expect(m['network-between-servers'].recipients.visibility).toBe('at-risk');
    for (const part of MESSAGE_PARTS) expect(m.recipient[part].visibility).toBe('readable');
  });

  it('end-to-end without header protection leaves the Subject readable to servers', () => {
    const m = exposureMatrix({ scheme: 'smime', headerProtection: false, firstLink: verifiedTls });
    expect(m.relays.subject.visibility).toBe('readable');
    expect(m.relays.body.visibility).toBe('hidden');
    expect(m.relays.body.why).toContain('S/MIME');
  });

  it('a cleartext first link exposes to the network what the servers see, but never the sealed body', () => {
    const m = exposureMatrix({
      scheme: 'pgp',
      headerProtection: true,
      firstLink: { mode: 'none', certificateVerified: false },
    });
    expect(m['network-to-submission'].sender.visibility).toBe('readable');
    expect(m['network-to-submission'].body.visibility).toBe('hidden');
    const plain = exposureMatrix({
      scheme: 'none',
      headerProtection: false,
      firstLink: { mode: 'starttls', certificateVerified: false },
    });
    expect(plain['network-to-submission'].body.visibility).toBe('at-risk');
  });

  it('treats later links as protected only when told TLS is required on them', () => {
    const m = exposureMatrix({
      scheme: 'none',
      headerProtection: false,
      firstLink: verifiedTls,
      laterLinks: 'required',
    });
    expect(m['network-between-servers'].body.visibility).toBe('hidden');
  });

  it('renders one row per observer with every part as a column', () => {
    const table = renderExposureTable(
      exposureMatrix({ scheme: 'none', headerProtection: false, firstLink: verifiedTls }),
    );
    const lines = table.split('\n');
    // Heading, rule, one row per observer, the legend.
    expect(lines).toHaveLength(OBSERVERS.length + 3);
    for (const part of MESSAGE_PARTS)
      expect(lines[0]).toContain(part === 'attachment-names' ? 'attach.' : part);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(78);
    expect(lines.find((l) => l.startsWith('submission server'))).toMatch(/READS\s+READS/);
  });
});
