import { type DnsServer, startDnsServer } from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookupMx } from './mx-lookup.js';
import { createRelayResolver, type RelayResolver } from './relay-resolver.js';

let dns: DnsServer;
let resolver: RelayResolver;

beforeAll(async () => {
  dns = await startDnsServer({
    zone: {
      'example.test': [
        { type: 'MX', preference: 20, exchange: 'backup.example.test' },
        { type: 'MX', preference: 10, exchange: 'MX-B.example.test.' },
        { type: 'MX', preference: 10, exchange: 'mx-a.example.test' },
        { type: 'MX', preference: 30, exchange: 'last.example.test' },
      ],
      'implicit.test': [{ type: 'AAAA', address: '::1' }],
      'noaddress.test': [{ type: 'TXT', strings: ['v=spf1 -all'] }],
      'nullmx.test': [{ type: 'MX', preference: 0, exchange: '.' }],
      'broken.test': [{ type: 'MX', preference: 0, exchange: 'mx.broken.test' }],
    },
  });
  dns.fault('broken.test', 'servfail');
  resolver = createRelayResolver({ servers: [dns.address], timeoutMs: 500, tries: 1 });
});
afterAll(() => dns.close());

describe('lookupMx (RFC 5321 §5.1)', () => {
  it('orders by preference and normalises names', async () => {
    const hosts = await lookupMx('Example.TEST', resolver, { random: () => 0.99 });
    expect(hosts.map((h) => h.preference)).toEqual([10, 10, 20, 30]);
    expect(hosts.slice(2).map((h) => h.host)).toEqual(['backup.example.test', 'last.example.test']);
    expect(new Set(hosts.slice(0, 2).map((h) => h.host))).toEqual(
      new Set(['mx-a.example.test', 'mx-b.example.test']),
    );
    expect(hosts.every((h) => !h.implicit)).toBe(true);
  });

  it('shuffles hosts of equal preference (both orders occur)', async () => {
    const first = await lookupMx('example.test', resolver, { random: () => 0 });
    const second = await lookupMx('example.test', resolver, { random: () => 0.99 });
    expect(first[0]?.host).not.toBe(second[0]?.host);
  });

  it('falls back to the implicit MX when there is no MX but an address', async () => {
    expect(await lookupMx('implicit.test', resolver)).toEqual([
      { host: 'implicit.test', preference: 0, implicit: true },
    ]);
  });

  it('refuses a null MX (RFC 7505), a domain without mail host, and NXDOMAIN', async () => {
    await expect(lookupMx('nullmx.test', resolver)).rejects.toMatchObject({ code: 'ENULLMX' });
    await expect(lookupMx('noaddress.test', resolver)).rejects.toMatchObject({
      code: 'ENOMAILHOST',
    });
    await expect(lookupMx('absent.test', resolver)).rejects.toMatchObject({
      code: 'ENOMAILHOST',
      message: expect.stringContaining('NXDOMAIN'),
    });
  });

  it('reports a DNS server failure as EDNS (transient), not as "no mail host"', async () => {
    await expect(lookupMx('broken.test', resolver)).rejects.toMatchObject({ code: 'EDNS' });
  });
});
