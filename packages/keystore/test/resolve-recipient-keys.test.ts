// resolveRecipientKeys against real sources: key files, a keyring and a certificate store on disk, and a
// loopback HTTPS WKD/VKS server; real keys and certificates, each refusal with its code.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pgp from '@sealpost/pgp';
import * as smime from '@sealpost/smime';
import {
  createGnupgHome,
  sharedTestCa,
  startWkdServer,
  TestCa,
  type WkdServer,
} from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertStore, Keyring, type ResolvedKeys, resolveRecipientKeys } from '../src/index.js';

const DAY = 86_400_000;
let dir: string;
let ca: TestCa;
let alice: pgp.GeneratedKey;
let carol: pgp.GeneratedKey;
let alice2: pgp.GeneratedKey;
let expired: pgp.GeneratedKey;
let revoked: pgp.PublicKey;
let bob: Awaited<ReturnType<TestCa['issueEmailCertificate']>>;
let oldBob: Awaited<ReturnType<TestCa['issueEmailCertificate']>>;
let strangerCert: Awaited<ReturnType<TestCa['issueEmailCertificate']>>;
let wkd: WkdServer;

const file = async (name: string, data: string | Uint8Array) => {
  const path = join(dir, name);
  await writeFile(path, data);
  return path;
};
const codes = (keys: ResolvedKeys, address: string) =>
  (keys.rejected.get(address) ?? []).map((r) => [r.scheme, r.source, r.code]);
const found = (keys: ResolvedKeys, address: string) =>
  (keys.recipients.get(address) ?? []).map((k) => [k.scheme, k.source, k.fingerprint]);
const fp = (k: pgp.GeneratedKey) => k.fingerprint.toLowerCase();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sealpost-resolve-'));
  ca = await sharedTestCa();
  const gen = (email: string, extra: Partial<pgp.GenerateKeyOptions> = {}) =>
    pgp.generateKey({ userIds: [{ email }], ...extra });
  let toRevoke: pgp.GeneratedKey;
  [alice, carol, alice2, expired, toRevoke] = await Promise.all([
    gen('alice@example.org'),
    gen('carol@example.org'),
    gen('alice@example.org'),
    gen('old@example.org', { date: new Date(Date.now() - 3 * DAY), expiresInSeconds: 3600 }),
    gen('gone@example.org'),
  ]);
  revoked = (await toRevoke.privateKey.revoke({})).toPublic();
  const other = await TestCa.create({ name: 'Some Other CA' });
  [bob, oldBob, strangerCert] = await Promise.all([
    ca.issueEmailCertificate('bob@example.org', { keyType: 'ec-p256' }),
    ca.issueEmailCertificate('bob@example.org', {
      keyType: 'ec-p256',
      notBefore: new Date(Date.now() - 30 * DAY),
      notAfter: new Date(Date.now() - DAY),
    }),
    other.issueEmailCertificate('bob@example.org', { keyType: 'ec-p256' }),
  ]);
  wkd = await startWkdServer({ unresolvable: ['openpgpkey.example.com', 'example.com'] });
});

afterAll(async () => {
  await wkd?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('resolveRecipientKeys: explicit files', () => {
  it('reads several armored keys from one file and binary keys, attaching each by user ID', async () => {
    const both = await file('both.asc', `${alice.armoredPublicKey}\n${carol.armoredPublicKey}`);
    const binary = await file('carol.gpg', carol.publicKey.write());
    const keys = await resolveRecipientKeys(['Alice@Example.org', 'carol@example.org'], {
      files: [both, binary],
    });
    expect(found(keys, 'alice@example.org')).toEqual([['pgp', 'file', fp(alice)]]);
    // The binary copy of carol's key is the same key: listed once.
    expect(found(keys, 'carol@example.org')).toEqual([['pgp', 'file', fp(carol)]]);
    expect(keys.recipients.get('alice@example.org')![0]!.material).toBeInstanceOf(Object);
    expect(keys.rejected.size).toBe(0);
    expect(keys.unmatched).toEqual([]);
  });

  it('reads PEM (with its chain) and DER certificates, trusted through --ca anchors', async () => {
    const pem = await file('bob.pem', bob.chainPem);
    const der = await file('bob.der', bob.certDer);
    const keys = await resolveRecipientKeys(['bob@example.org'], {
      files: [pem, der],
      trustAnchors: [smime.readCertificate(ca.certPem)],
    });
    expect(found(keys, 'bob@example.org')).toEqual([['smime', 'file', bob.fingerprint256]]);
    const material = keys.recipients.get('bob@example.org')![0]!.material as smime.SmimeCertificate;
    expect(material.addresses).toContain('bob@example.org');
  });

  it('refuses an explicit certificate that chains to no trust anchor', async () => {
    const keys = await resolveRecipientKeys(['bob@example.org'], {
      files: [await file('bob-untrusted.pem', bob.certPem)],
    });
    expect(keys.recipients.size).toBe(0);
    expect(codes(keys, 'bob@example.org')).toEqual([['smime', 'file', 'ESMIME_CERT_UNTRUSTED']]);
  });

  it('refuses expired, revoked, wrong-address, untrusted and weak keys with their codes', async () => {
    const weak = await ca.issueEmailCertificate('weak@example.org', { keyType: 'rsa-1024' });
    const keys = await resolveRecipientKeys(
      [
        'old@example.org',
        'gone@example.org',
        'carol@example.org',
        'bob@example.org',
        'weak@example.org',
      ],
      {
        files: [
          await file('old.asc', expired.armoredPublicKey),
          await file('gone.asc', revoked.armor()),
          {
            path: await file('alice-for-carol.asc', alice.armoredPublicKey),
            address: 'carol@example.org',
          },
          await file('old-bob.pem', oldBob.certPem),
          await file('stranger.pem', strangerCert.certPem),
          { path: await file('bob-for-carol.pem', bob.certPem), address: 'carol@example.org' },
          await file('weak.pem', weak.certPem),
        ],
        trustAnchors: [smime.readCertificate(ca.certPem)],
      },
    );
    expect(keys.recipients.size).toBe(0);
    expect(codes(keys, 'old@example.org')).toEqual([['pgp', 'file', 'EKEY_EXPIRED']]);
    expect(codes(keys, 'gone@example.org')).toEqual([['pgp', 'file', 'EKEY_REVOKED']]);
    expect(codes(keys, 'carol@example.org')).toEqual([
      ['pgp', 'file', 'EKEY_USERID'],
      ['smime', 'file', 'ESMIME_CERT_ADDRESS'],
    ]);
    expect(codes(keys, 'bob@example.org')).toEqual([
      ['smime', 'file', 'ESMIME_CERT_EXPIRED'],
      ['smime', 'file', 'ESMIME_CERT_UNTRUSTED'],
    ]);
    expect(codes(keys, 'weak@example.org')).toEqual([['smime', 'file', 'ESMIME_CERT_WEAK']]);
    for (const list of keys.rejected.values()) {
      for (const r of list) expect(r.reason.length).toBeGreaterThan(10);
    }
  });

  it('refuses weak, SHA-1-bound and sign-only keys made by GnuPG, and unusable certificates', async () => {
    const gnupg = await createGnupgHome();
    try {
      const make = (uid: string, algo: string, usage: string, extra: string[] = []) =>
        gnupg.ok([...extra, '--quick-gen-key', uid, algo, usage, 'never'], { passphrase: '' });
      await make('weak@example.org', 'rsa1024', 'default');
      await make('sha1@example.org', 'ed25519', 'default', ['--cert-digest-algo', 'SHA1']);
      await make('signer@example.org', 'ed25519', 'sign');
      const exported = await gnupg.ok(['--export']);
      const soon = new Date(Date.now() + 10 * DAY);
      const [future, serverOnly] = await Promise.all([
        ca.issueEmailCertificate('future@example.org', {
          keyType: 'ec-p256',
          notBefore: soon,
          notAfter: new Date(soon.getTime() + 10 * DAY),
        }),
        ca.issue({
          commonName: 'tls@example.org',
          emails: ['tls@example.org'],
          extendedKeyUsages: ['1.3.6.1.5.5.7.3.1'],
          keyType: 'ec-p256',
        }),
      ]);
      const keys = await resolveRecipientKeys(
        [
          'weak@example.org',
          'sha1@example.org',
          'signer@example.org',
          'future@example.org',
          'tls@example.org',
        ],
        {
          files: [
            await file('gpg-export.gpg', exported.stdout),
            await file('future.pem', future.certPem),
            await file('tls.pem', serverOnly.certPem),
          ],
          trustAnchors: [smime.readCertificate(ca.certPem)],
        },
      );
      expect(keys.recipients.size).toBe(0);
      expect(codes(keys, 'weak@example.org')).toEqual([['pgp', 'file', 'EKEY_WEAK']]);
      // openpgp.js already rejects SHA-1 self-signatures, so @sealpost/pgp reports "no valid
      // self-signature" (EKEY_PARSE) rather than EKEY_SHA1; either way the key is refused.
      expect(codes(keys, 'sha1@example.org')).toEqual([
        ['pgp', 'file', expect.stringMatching(/^EKEY_(SHA1|PARSE)$/)],
      ]);
      expect(codes(keys, 'signer@example.org')).toEqual([['pgp', 'file', 'EKEY_NO_ENCRYPTION']]);
      expect(codes(keys, 'future@example.org')).toEqual([
        ['smime', 'file', 'ESMIME_CERT_NOT_YET_VALID'],
      ]);
      expect(codes(keys, 'tls@example.org')).toEqual([['smime', 'file', 'ESMIME_CERT_USAGE']]);
    } finally {
      await gnupg.close();
    }
  });

  it('does not let a trusted certificate in the same file lend its trust to an untrusted one', async () => {
    // The bundle holds an attacker's certificate for bob (from an unknown CA) and a genuine,
    // trusted certificate for someone else: only the genuine chain may validate. Guarded twice:
    // smime.checkCertificate validates the leaf, and only CA certificates become intermediates.
    const genuine = await ca.issueEmailCertificate('carol@example.org', { keyType: 'ec-p256' });
    const bundle = await file('bundle.pem', `${strangerCert.certPem}${genuine.certPem}`);
    const keys = await resolveRecipientKeys(['bob@example.org'], {
      files: [bundle],
      trustAnchors: [smime.readCertificate(ca.certPem)],
    });
    expect(keys.recipients.size).toBe(0);
    expect(codes(keys, 'bob@example.org')).toEqual([['smime', 'file', 'ESMIME_CERT_UNTRUSTED']]);
  });

  it('does not bind an address through a user ID copied from another key', async () => {
    // carol's key with alice's user ID (and alice's self-signature) spliced in.
    const forged = (await pgp.readKeys(carol.armoredPublicKey))[0]!;
    const aliceCopy = (await pgp.readKeys(alice.armoredPublicKey))[0]!;
    forged.users.push(aliceCopy.users[0]!);
    expect(pgp.keyEmails(forged)).toContain('alice@example.org');
    const keys = await resolveRecipientKeys(['alice@example.org'], {
      files: [await file('forged.asc', forged.armor())],
    });
    expect(keys.recipients.size).toBe(0);
    expect(codes(keys, 'alice@example.org')).toEqual([['pgp', 'file', 'EKEY_USERID']]);
  });

  it('reports keys that named none of the addresses, and fails loudly on broken files', async () => {
    const keys = await resolveRecipientKeys(['alice@example.org'], {
      files: [await file('carol-only.asc', carol.armoredPublicKey)],
    });
    expect(keys.recipients.size).toBe(0);
    expect(keys.unmatched).toEqual([
      {
        scheme: 'pgp',
        fingerprint: fp(carol),
        file: join(dir, 'carol-only.asc'),
        addresses: ['carol@example.org'],
      },
    ]);
    await expect(
      resolveRecipientKeys(['a@example.org'], { files: [await file('junk.txt', 'hello\n')] }),
    ).rejects.toMatchObject({ code: 'EKEY_FILE' });
    await expect(
      resolveRecipientKeys(['a@example.org'], { files: [join(dir, 'missing.asc')] }),
    ).rejects.toMatchObject({ code: 'EIO' });
    await expect(
      resolveRecipientKeys(['a@example.org'], {
        files: [
          await file(
            'bad.asc',
            '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----\n',
          ),
        ],
      }),
    ).rejects.toMatchObject({ code: 'EKEY_PARSE' });
  });
});

describe('resolveRecipientKeys: keyring, certificate store and their order', () => {
  it('lists file keys before keyring keys, keyring before the store, each key once', async () => {
    const keyringDir = await mkdtemp(join(dir, 'kr-'));
    const keyring = await Keyring.open(keyringDir);
    const obtainedAt = new Date().toISOString();
    await keyring.add(alice.publicKey, { kind: 'file', obtainedAt });
    await keyring.add(alice2.publicKey, { kind: 'gnupg', obtainedAt });
    await keyring.add(expired.publicKey, { kind: 'file', obtainedAt });
    const store = await CertStore.open(await mkdtemp(join(dir, 'cs-')));
    await store.add(smime.readCertificate(ca.certPem), 'anchor', { kind: 'file', obtainedAt });
    await store.add(smime.readCertificate(bob.certPem), 'certificate', {
      kind: 'file',
      obtainedAt,
    });
    await store.add(smime.readCertificate(oldBob.certPem), 'certificate', {
      kind: 'file',
      obtainedAt,
    });
    await store.add(smime.readCertificate(bob.certPem), 'certificate', {
      kind: 'file',
      obtainedAt,
    });
    // The same key also given as a file: found once, as "file".
    const keys = await resolveRecipientKeys(
      ['alice@example.org', 'bob@example.org', 'old@example.org'],
      {
        files: [await file('alice-again.asc', alice.armoredPublicKey)],
        keyring: keyringDir,
        certStore: store,
      },
    );
    expect(found(keys, 'alice@example.org')).toEqual([
      ['pgp', 'file', fp(alice)],
      ['pgp', 'gnupg', fp(alice2)],
    ]);
    expect(found(keys, 'bob@example.org')).toEqual([['smime', 'certstore', bob.fingerprint256]]);
    expect(codes(keys, 'bob@example.org')).toEqual([['smime', 'certstore', 'ESMIME_CERT_EXPIRED']]);
    expect(codes(keys, 'old@example.org')).toEqual([['pgp', 'keyring', 'EKEY_EXPIRED']]);
  });

  it('opens pgp/ and certs/ below keyringDir (the CLI layout)', async () => {
    const root = await mkdtemp(join(dir, 'data-'));
    const obtainedAt = new Date().toISOString();
    await (await Keyring.open(join(root, 'pgp'))).add(carol.publicKey, {
      kind: 'file',
      obtainedAt,
    });
    const store = await CertStore.open(join(root, 'certs'));
    await store.add(smime.readCertificate(ca.certPem), 'anchor', { kind: 'file', obtainedAt });
    await store.add(smime.readCertificate(bob.certPem), 'certificate', {
      kind: 'file',
      obtainedAt,
    });
    const keys = await resolveRecipientKeys(['carol@example.org', 'bob@example.org'], {
      keyringDir: root,
    });
    expect(found(keys, 'carol@example.org')).toEqual([['pgp', 'keyring', fp(carol)]]);
    expect(found(keys, 'bob@example.org')).toEqual([['smime', 'certstore', bob.fingerprint256]]);
  });

  it('refuses store certificates when the store has no anchor for them', async () => {
    const store = await CertStore.open(await mkdtemp(join(dir, 'cs-')));
    await store.add(smime.readCertificate(bob.certPem), 'certificate', {
      kind: 'file',
      obtainedAt: new Date().toISOString(),
    });
    const keys = await resolveRecipientKeys(['bob@example.org'], { certStore: store.directory });
    expect(codes(keys, 'bob@example.org')).toEqual([
      ['smime', 'certstore', 'ESMIME_CERT_UNTRUSTED'],
    ]);
  });

  it('uses cached Autocrypt keys last, and not at all when turned off', async () => {
    const keyringDir = await mkdtemp(join(dir, 'kr-'));
    const keyring = await Keyring.open(keyringDir);
    const obtainedAt = new Date().toISOString();
    await keyring.add(alice2.publicKey, { kind: 'autocrypt', location: '<m1@x>', obtainedAt });
    await keyring.add(alice.publicKey, { kind: 'file', obtainedAt });
    const keys = await resolveRecipientKeys(['alice@example.org'], { keyring });
    expect(found(keys, 'alice@example.org')).toEqual([
      ['pgp', 'keyring', fp(alice)],
      ['pgp', 'autocrypt', fp(alice2)],
    ]);
    const without = await resolveRecipientKeys(['alice@example.org'], {
      keyring,
      autocrypt: false,
    });
    expect(found(without, 'alice@example.org')).toEqual([['pgp', 'keyring', fp(alice)]]);
  });
});

describe('resolveRecipientKeys: WKD and VKS', () => {
  const publishWkd = async (address: string, key: pgp.PublicKey) => {
    const url = new URL((await pgp.wkdUrls(address)).advanced);
    wkd.publish(url.hostname, url.pathname, key.write());
  };

  it('asks nobody unless discovery is enabled, then finds the key by WKD', async () => {
    await publishWkd('carol@example.org', carol.publicKey);
    const before = wkd.requests.length;
    const offline = await resolveRecipientKeys(['carol@example.org'], {});
    expect(offline.recipients.size).toBe(0);
    expect(wkd.requests.length).toBe(before);
    const keys = await resolveRecipientKeys(['carol@example.org'], {
      discovery: {
        wkd: true,
        vks: true,
        vksBaseUrl: 'https://keys.example.net',
        fetcher: wkd.fetcher,
        timeoutMs: 5000,
      },
    });
    expect(found(keys, 'carol@example.org')).toEqual([['pgp', 'wkd', fp(carol)]]);
    // WKD answered with a usable key: the third-party key server is not told about carol.
    expect(wkd.requests.slice(before).some((r) => r.startsWith('keys.example.net'))).toBe(false);
  });

  it('falls back to VKS, refuses a revoked discovered key, and skips discovery when a local key is usable', async () => {
    wkd.publish('keys.example.net', '/vks/v1/by-email/gone%40example.org', revoked.write());
    wkd.publish(
      'keys.example.net',
      '/vks/v1/by-email/dave%40example.org',
      alice2.publicKey.write(),
    );
    const dave = await pgp.generateKey({ userIds: [{ email: 'dave@example.org' }] });
    wkd.publish('keys.example.net', '/vks/v1/by-email/dave%40example.org', dave.publicKey.write());
    const discovery = {
      wkd: true,
      vks: true,
      vksBaseUrl: 'https://keys.example.net',
      fetcher: wkd.fetcher,
      timeoutMs: 5000,
    };
    const keys = await resolveRecipientKeys(['dave@example.org', 'gone@example.org'], {
      discovery,
    });
    expect(found(keys, 'dave@example.org')).toEqual([['pgp', 'vks', fp(dave)]]);
    expect(codes(keys, 'gone@example.org')).toEqual([['pgp', 'vks', 'EKEY_REVOKED']]);

    const before = wkd.requests.length;
    const local = await resolveRecipientKeys(['carol@example.org'], {
      files: [await file('carol-local.asc', carol.armoredPublicKey)],
      discovery,
    });
    expect(found(local, 'carol@example.org')).toEqual([['pgp', 'file', fp(carol)]]);
    expect(wkd.requests.length).toBe(before);
  });

  it('records a discovery method that could not be asked as a lookup failure, not a refusal', async () => {
    const keys = await resolveRecipientKeys(['erin@example.com'], {
      discovery: { wkd: true, fetcher: wkd.fetcher, timeoutMs: 5000 },
    });
    expect(keys.recipients.size).toBe(0);
    expect(keys.rejected.size).toBe(0);
    expect(keys.lookupFailures).toEqual([
      expect.objectContaining({ address: 'erin@example.com', method: 'wkd', code: 'EDISCOVERY' }),
    ]);
  });
});
