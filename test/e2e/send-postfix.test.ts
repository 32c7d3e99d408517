// `sealpost send` against a real Postfix (Dovecot SASL), on the implicit-TLS port (465-style)
// and the STARTTLS port (587-style); the recipient decrypts what Postfix delivered.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pgp from '@sealpost/pgp';
import {
  createGnupgHome,
  type GnupgHome,
  type PostfixInstance,
  startPostfix,
} from '@sealpost/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from './run-cli.js';

let dir: string;
let postfix: PostfixInstance;
let alice: pgp.GeneratedKey;
let gpg: GnupgHome;

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'sealpost-send-postfix-'));
  [postfix, alice] = await Promise.all([
    startPostfix(),
    pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] }),
  ]);
  writeFileSync(join(dir, 'ca.pem'), postfix.caPem);
  writeFileSync(join(dir, 'alice.asc'), alice.armoredPublicKey);
  gpg = await createGnupgHome();
  await gpg.importKeys(alice.armoredPrivateKey);
}, 120_000);

afterAll(async () => {
  await Promise.all([postfix?.stop(), gpg?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('sealpost send to Postfix', () => {
  it.each([
    ['implicit', () => postfix.implicitTlsPort, 1],
    ['starttls', () => postfix.startTlsPort, 2],
  ] as const)(
    'submits an OpenPGP message with --tls %s; Postfix delivers it and alice decrypts it',
    async (mode, port, count) => {
      const subject = `via ${mode}`;
      const r = await runCli(
        [
          'send',
          '--from',
          'me@example.net',
          '--to',
          'alice@example.org',
          '--subject',
          subject,
          '--text',
          'seven apples',
          '--encrypt',
          'pgp',
          '--key',
          'alice.asc',
          '--keyring',
          'kr',
          '--server',
          `127.0.0.1:${port()}`,
          '--tls',
          mode,
          '--ca',
          'ca.pem',
          '--user',
          postfix.user,
          '--password-env',
          'PW',
          '--json',
        ],
        { cwd: dir, env: { HOME: dir, XDG_CONFIG_HOME: join(dir, 'xdg'), PW: postfix.password } },
      );
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout).report.messages[0].transport;
      expect(report.mode).toBe(mode === 'implicit' ? 'implicit-tls' : 'starttls');
      expect(report.response).toMatch(/^250 /);
      const delivered = await postfix.waitForMessages(count, 15_000);
      const raw = delivered[count - 1]!.raw;
      expect(raw.toString('latin1')).not.toContain('seven apples');
      const opened = await pgp.decryptMime(new Uint8Array(raw), {
        decryptionKeys: [alice.privateKey],
      });
      expect(new TextDecoder().decode(opened.entity.body)).toContain('seven apples');
      expect(opened.headers.find((h) => h.name.toLowerCase() === 'subject')?.value).toBe(subject);
    },
  );
});
