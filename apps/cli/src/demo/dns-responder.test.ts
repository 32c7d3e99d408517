import { Resolver } from 'node:dns/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DnsResponder, startDnsResponder } from './dns-responder.js';

let dns: DnsResponder;
const resolver = new Resolver({ timeout: 2_000, tries: 1 });

beforeAll(async () => {
  dns = await startDnsResponder(
    new Map([
      ['example.localhost', { mx: [{ preference: 10, exchange: 'mx.example.localhost' }] }],
      ['mx.example.localhost', { a: ['127.0.0.1'] }],
      ['_mta-sts.example.localhost', { txt: [['v=STSv1; id=1;']] }],
    ]),
  );
  resolver.setServers([dns.server]);
});

afterAll(() => dns.close());

describe('the demo DNS', () => {
  it('answers MX, A and TXT questions from its zone, as Node resolves them', async () => {
    expect(await resolver.resolveMx('example.localhost')).toEqual([
      { exchange: 'mx.example.localhost', priority: 10 },
    ]);
    expect(await resolver.resolve4('MX.example.localhost')).toEqual(['127.0.0.1']);
    expect(await resolver.resolveTxt('_mta-sts.example.localhost')).toEqual([['v=STSv1; id=1;']]);
    expect(dns.questions).toContain('MX example.localhost');
  });

  it('tells "no such name" from "no such data"', async () => {
    await expect(resolver.resolve4('nowhere.localhost')).rejects.toMatchObject({
      code: 'ENOTFOUND',
    });
    await expect(resolver.resolveTxt('example.localhost')).rejects.toMatchObject({
      code: 'ENODATA',
    });
  });
});
