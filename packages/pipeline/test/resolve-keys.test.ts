// Keys resolved by @sealpost/keystore feed planSend and buildMessages: the material it returns
// is what the crypto step encrypts to.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMessage, toMime } from '@sealpost/compose';
import { resolveRecipientKeys } from '@sealpost/keystore';
import * as pgp from '@sealpost/pgp';
import * as smime from '@sealpost/smime';
import { sharedTestCa, type TestCa } from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMessages, DEFAULT_POLICY, planSend } from '../src/index.js';

let dir: string;
let ca: TestCa;
let alice: pgp.GeneratedKey;
let bob: Awaited<ReturnType<TestCa['issueEmailCertificate']>>;

const file = async (name: string, data: string | Uint8Array) => {
  const path = join(dir, name);
  await writeFile(path, data);
  return path;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sealpost-resolve-'));
  ca = await sharedTestCa();
  [alice, bob] = await Promise.all([
    pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] }),
    ca.issueEmailCertificate('bob@example.org', { keyType: 'ec-p256' }),
  ]);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('resolveRecipientKeys feeds planSend and buildMessages', () => {
  it('the resolved material encrypts: one OpenPGP and one S/MIME copy', async () => {
    const keys = await resolveRecipientKeys(['alice@example.org', 'bob@example.org'], {
      files: [
        await file('alice-plan.asc', alice.armoredPublicKey),
        await file('bob-plan.pem', bob.certPem),
      ],
      trustAnchors: [smime.readCertificate(ca.certPem)],
    });
    const message = createMessage({
      from: 'me@example.net',
      to: ['alice@example.org', 'bob@example.org'],
      subject: 'Hello',
      text: 'Only for you.',
    });
    const plan = planSend(message, { ...DEFAULT_POLICY, encrypt: 'require', sign: 'none' }, keys);
    expect(plan.sendable).toBe(true);
    const built = await buildMessages(plan, await toMime(message, { forSigning: true }));
    expect(built.map((b) => b.planned.scheme).sort()).toEqual(['pgp', 'smime']);
    const smimeCopy = built.find((b) => b.planned.scheme === 'smime')!;
    const opened = await smime.decryptMime(smimeCopy.raw as Uint8Array, {
      certificate: smime.readCertificate(bob.certPem),
      privateKey: smime.readPrivateKey(bob.keyPem),
    });
    expect(new TextDecoder().decode(opened.entity.body)).toContain('Only for you.');
  });
});
