import { Resolver } from 'node:dns/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DnsServer, startDnsServer } from './dns-server.js';

let dns: DnsServer;
let resolver: Resolver;

beforeAll(async () => {
  dns = await startDnsServer({
    zone: {
      'example.test': [
        { type: 'MX', preference: 20, exchange: 'mx2.example.test' },
        { type: 'MX', preference: 10, exchange: 'mx1.example.test' },
        { type: 'A', address: '192.0.2.7' },
      ],
      'mx1.example.test': [
        { type: 'A', address: '127.0.0.1' },
        { type: 'AAAA', address: '::1' },
      ],
      'v6.example.test': [{ type: 'AAAA', address: '2001:db8::42:1' }],
      '_mta-sts.example.test': [{ type: 'TXT', strings: ['v=STSv1; ', 'id=20261127;'] }],
      '_submissions._tcp.example.test': [
        { type: 'SRV', priority: 0, weight: 1, port: 465, target: 'smtp.example.test' },
      ],
      'alias.example.test': [{ type: 'CNAME', target: 'mx1.example.test' }],
      'nullmx.example.test': [{ type: 'MX', preference: 0, exchange: '.' }],
    },
  });
  resolver = new Resolver({ timeout: 500, tries: 1 });
  resolver.setServers([dns.address]);
});
afterAll(() => dns.close());

describe('loopback DNS server', () => {
  it('answers MX, A, AAAA, TXT and SRV in the wire format Node reads', async () => {
    const mx = await resolver.resolveMx('example.test');
    expect(mx.sort((a, b) => a.priority - b.priority)).toEqual([
      { exchange: 'mx1.example.test', priority: 10 },
      { exchange: 'mx2.example.test', priority: 20 },
    ]);
    expect(await resolver.resolve4('mx1.example.test')).toEqual(['127.0.0.1']);
    expect(await resolver.resolve6('mx1.example.test')).toEqual(['::1']);
    expect(await resolver.resolve6('v6.example.test')).toEqual(['2001:db8::42:1']);
    expect(await resolver.resolveTxt('_mta-sts.example.test')).toEqual([
      ['v=STSv1; ', 'id=20261127;'],
    ]);
    expect(await resolver.resolveSrv('_submissions._tcp.example.test')).toEqual([
      { name: 'smtp.example.test', port: 465, priority: 0, weight: 1 },
    ]);
  });

  it('follows a CNAME and encodes the null MX', async () => {
    expect(await resolver.resolve4('alias.example.test')).toEqual(['127.0.0.1']);
    expect(await resolver.resolveMx('nullmx.example.test')).toEqual([
      { exchange: '', priority: 0 },
    ]);
  });

  it('distinguishes NXDOMAIN from "no data", and can fail or stay silent', async () => {
    await expect(resolver.resolveMx('absent.example.test')).rejects.toMatchObject({
      code: 'ENOTFOUND',
    });
    await expect(resolver.resolveTxt('mx1.example.test')).rejects.toMatchObject({
      code: 'ENODATA',
    });
    dns.fault('example.test', 'servfail');
    await expect(resolver.resolveMx('example.test')).rejects.toMatchObject({ code: 'ESERVFAIL' });
    dns.fault('example.test', 'timeout');
    await expect(resolver.resolveMx('example.test')).rejects.toMatchObject({ code: 'ETIMEOUT' });
    dns.clearFault('example.test');
  });

  it('serves changes made while running and logs the questions', async () => {
    dns.set('_mta-sts.example.test', [{ type: 'TXT', strings: ['v=STSv1; id=2;'] }]);
    expect(await resolver.resolveTxt('_mta-sts.example.test')).toEqual([['v=STSv1; id=2;']]);
    dns.delete('_mta-sts.example.test');
    await expect(resolver.resolveTxt('_mta-sts.example.test')).rejects.toMatchObject({
      code: 'ENOTFOUND',
    });
    expect(dns.queries).toContainEqual({ name: '_mta-sts.example.test', type: 'TXT' });
  });
});
