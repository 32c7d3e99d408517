import { describe, expect, it } from 'vitest';
import { explainPort, PORTS } from './ports.js';

describe('PORTS (docs/design.md §2)', () => {
  it('465 is submissions over implicit TLS, recommended by RFC 8314 §3.3, not deprecated', () => {
    const p = PORTS[465]!;
    expect(p.service).toBe('submissions');
    expect(p.role).toBe('submission');
    expect(p.tls).toBe('implicit-tls');
    expect(p.rfcs).toContain('RFC 8314');
    const text = explainPort(465);
    expect(text).toContain('RFC 8314 §3.3');
    expect(text).toMatch(/recommends/);
    expect(text).toMatch(/not deprecated/);
    expect(text).toContain('§7.3');
  });

  it('587 is submission (RFC 6409) with STARTTLS (RFC 3207), required, and not "SMTPS"', () => {
    const p = PORTS[587]!;
    expect(p.service).toBe('submission');
    expect(p.tls).toBe('starttls');
    expect(p.rfcs).toEqual(expect.arrayContaining(['RFC 6409', 'RFC 3207']));
    const text = explainPort(587);
    expect(text).toContain('RFC 6409');
    expect(text).toContain('RFC 3207');
    expect(text).toMatch(/not "SMTPS"/);
    expect(text).toMatch(/must\s+require STARTTLS/);
  });

  it('25 is MTA-to-MTA relay with opportunistic TLS', () => {
    expect(PORTS[25]).toMatchObject({ role: 'relay', tls: 'opportunistic', service: 'smtp' });
    expect(explainPort(25)).toMatch(/block/);
  });

  it('2525 is a non-standard provider convention treated like 587', () => {
    expect(PORTS[2525]).toMatchObject({ standard: false, service: null, tls: 'starttls' });
    expect(explainPort(2525)).toMatch(/no standard/);
    expect(explainPort(2525)).toMatch(/provider convention/);
  });

  it('lists IMAP and POP3 ports for reference with the right TLS mode', () => {
    expect(PORTS[143]!.tls).toBe('starttls');
    expect(PORTS[993]!.tls).toBe('implicit-tls');
    expect(PORTS[110]!.tls).toBe('starttls');
    expect(PORTS[995]!.tls).toBe('implicit-tls');
    for (const port of [143, 993, 110, 995]) expect(PORTS[port]!.role).toBe('mail-access');
  });

  it('only 465 is implicit-TLS among the SMTP ports, and no SMTP port is called SMTPS', () => {
    const smtp = Object.values(PORTS).filter((p) => p.protocol === 'smtp');
    expect(smtp.filter((p) => p.tls === 'implicit-tls').map((p) => p.port)).toEqual([465]);
    for (const p of smtp) expect(p.service).not.toBe('smtps');
  });

  it('explains unknown ports without inventing a standard', () => {
    expect(explainPort(8025)).toMatch(/not a standard mail port/);
  });
});
