import { startWkdServer, type WkdServer } from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GeneratedKey, generateKey } from '../keys/generate-key.js';
import { autocryptKey, formatAutocryptHeader, parseAutocryptHeader } from './autocrypt.js';
import { discoverKey } from './discover-key.js';
import { defaultFetcher } from './fetcher.js';
import { wkdHash, wkdUrls } from './wkd.js';

const DAY = 86_400_000;

describe('WKD addressing', () => {
  it('hashes the lower-cased local part with SHA-1 and z-base-32 (the draft example)', async () => {
    expect(await wkdHash('Joe.Doe')).toBe('iy9q119eutrkn8s1mk4r39qejnbu3n5q');
    expect(await wkdUrls('Joe.Doe@Example.ORG')).toEqual({
      advanced:
        'https://openpgpkey.example.org/.well-known/openpgpkey/example.org/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=Joe.Doe',
      direct:
        'https://example.org/.well-known/openpgpkey/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=Joe.Doe',
    });
  });

  it('refuses addresses with CR/LF or no domain', async () => {
    await expect(wkdUrls('a\r\n@example.org')).rejects.toMatchObject({ code: 'ECONFIG' });
    await expect(wkdUrls('nobody')).rejects.toMatchObject({ code: 'ECONFIG' });
  });
});

describe('discoverKey against a loopback HTTPS directory', () => {
  let joe: GeneratedKey;
  let ann: GeneratedKey;
  let old: GeneratedKey;
  let server: WkdServer;
  let direct: WkdServer;
  const wkdPath = async (address: string, advanced: boolean) => {
    const url = new URL((await wkdUrls(address))[advanced ? 'advanced' : 'direct']);
    return url.pathname;
  };

  beforeAll(async () => {
    [joe, ann, old] = await Promise.all([
      generateKey({ userIds: [{ email: 'joe.doe@example.org' }] }),
      generateKey({ userIds: [{ email: 'ann@example.org' }] }),
      generateKey({
        userIds: [{ email: 'old@example.org' }],
        date: new Date(Date.now() - 10 * DAY),
        expiresInSeconds: 86_400,
      }),
    ]);
    server = await startWkdServer();
    server.publish(
      'openpgpkey.example.org',
      await wkdPath('Joe.Doe@example.org', true),
      joe.publicKey.write(),
    );
    // ann's WKD entry holds somebody else's key: it must be filtered out, then VKS answers.
    server.publish(
      'openpgpkey.example.org',
      await wkdPath('ann@example.org', true),
      joe.publicKey.write(),
    );
    server.publish(
      'keys.example.net',
      `/vks/v1/by-email/${encodeURIComponent('ann@example.org')}`,
      ann.armoredPublicKey,
    );
    // old's WKD key has expired: skipped.
    server.publish(
      'openpgpkey.example.org',
      await wkdPath('old@example.org', true),
      old.publicKey.write(),
    );

    direct = await startWkdServer({ unresolvable: ['openpgpkey.example.org'] });
    direct.publish(
      'example.org',
      await wkdPath('joe.doe@example.org', false),
      joe.publicKey.write(),
    );
  });

  afterAll(async () => {
    await server?.close();
    await direct?.close();
  });

  const vksBaseUrl = 'https://keys.example.net';

  it('finds a key by the advanced method and records its source', async () => {
    const found = await discoverKey('Joe.Doe@example.org', { fetcher: server.fetcher, vksBaseUrl });
    expect(found.key.getFingerprint().toUpperCase()).toBe(joe.fingerprint);
    expect(found.source.kind).toBe('wkd-advanced');
    expect(found.source.location).toContain(
      'https://openpgpkey.example.org/.well-known/openpgpkey/example.org/hu/',
    );
  });

  it('falls back to the direct method when openpgpkey.<domain> does not resolve', async () => {
    const found = await discoverKey('joe.doe@example.org', { fetcher: direct.fetcher, vksBaseUrl });
    expect(found.source.kind).toBe('wkd-direct');
    expect(direct.requests[0]).toMatch(/^example\.org \/\.well-known\/openpgpkey\/hu\//);
  });

  it('ignores a WKD key without the address and takes the VKS one', async () => {
    const found = await discoverKey('ann@example.org', { fetcher: server.fetcher, vksBaseUrl });
    expect(found.key.getFingerprint().toUpperCase()).toBe(ann.fingerprint);
    expect(found.source).toMatchObject({
      kind: 'vks',
      location: `${vksBaseUrl}/vks/v1/by-email/ann%40example.org`,
    });
  });

  it('skips an expired key and reports no usable key', async () => {
    await expect(
      discoverKey('old@example.org', { fetcher: server.fetcher, vksBaseUrl }),
    ).rejects.toMatchObject({
      code: 'EKEY_NOT_FOUND',
      details: { rejected: ['wkd-advanced: EKEY_EXPIRED'] },
    });
  });

  it('says EKEY_NOT_FOUND when nobody has a key, EDISCOVERY when nobody could be asked', async () => {
    await expect(
      discoverKey('nobody@example.org', { fetcher: server.fetcher, vksBaseUrl }),
    ).rejects.toMatchObject({ code: 'EKEY_NOT_FOUND' });
    const unreachable = await startWkdServer({
      unresolvable: ['openpgpkey.example.org', 'example.org', 'keys.example.net'],
    });
    try {
      await expect(
        discoverKey('joe.doe@example.org', { fetcher: unreachable.fetcher, vksBaseUrl }),
      ).rejects.toMatchObject({ code: 'EDISCOVERY' });
    } finally {
      await unreachable.close();
    }
  });

  it('does not trust a server whose certificate is not from a CA the fetcher trusts', async () => {
    // The default fetcher (the runtime's fetch) uses the system trust store, which does not
    // know the test CA: the TLS handshake fails and no HTTP request reaches the server.
    const toLoopback = (url: string) =>
      url.replace(/^https:\/\/[^/]+/, `https://127.0.0.1:${server.port}`);
    const seen = server.requests.length;
    await expect(
      discoverKey('joe.doe@example.org', {
        fetcher: (url, o) => defaultFetcher(toLoopback(url), o),
        methods: ['wkd'],
      }),
    ).rejects.toMatchObject({ code: 'EDISCOVERY' });
    expect(server.requests.length).toBe(seen);
  });
});

describe('Autocrypt header', () => {
  let alice: GeneratedKey;
  beforeAll(async () => {
    alice = await generateKey({
      userIds: [{ email: 'alice@example.org' }, { email: 'alice@work.example' }],
    });
  });

  it('emits a minimal key for one address and reads it back with its source', async () => {
    const value = formatAutocryptHeader(alice.privateKey, 'alice@example.org', {
      preferEncrypt: 'mutual',
    });
    expect(value).toMatch(
      /^addr=alice@example\.org; prefer-encrypt=mutual; keydata=[A-Za-z0-9+/=]+$/,
    );
    // Folded as a header would be: whitespace inside keydata is ignored.
    const folded = value.replace(/(.{70})/g, '$1\r\n ');
    const header = parseAutocryptHeader(folded, { from: 'Alice@Example.org' });
    expect(header).toMatchObject({ addr: 'alice@example.org', preferEncrypt: 'mutual' });
    const { key, source } = await autocryptKey(header!, { messageId: '<m1@example.org>' });
    expect(key.getFingerprint().toUpperCase()).toBe(alice.fingerprint);
    expect(key.getUserIDs()).toEqual(['<alice@example.org>']);
    expect(key.isPrivate()).toBe(false);
    expect(source).toMatchObject({ kind: 'autocrypt', location: '<m1@example.org>' });
  });

  it('ignores headers that Level 1 says to ignore', () => {
    const value = formatAutocryptHeader(alice.publicKey, 'alice@example.org');
    expect(parseAutocryptHeader(value, { from: 'mallory@example.org' })).toBeUndefined();
    expect(parseAutocryptHeader(`${value}; critical-thing=1`)).toBeUndefined();
    expect(parseAutocryptHeader(`${value}; _optional=1`)).toMatchObject({
      preferEncrypt: 'nopreference',
    });
    expect(parseAutocryptHeader('addr=alice@example.org')).toBeUndefined();
  });
});
