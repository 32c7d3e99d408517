import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as pgp from '@sealpost/pgp';
import { startPostfix } from '@sealpost/testkit';

const run = promisify(execFile);
const bin = process.argv[2]!;
const dir = mkdtempSync(join(tmpdir(), 'ca-trace-'));

const server = await startPostfix();
const alice = await pgp.generateKey({ userIds: [{ email: 'alice@example.org' }] });
const me = await pgp.generateKey({ userIds: [{ email: 'me@example.net' }] });
writeFileSync(join(dir, 'alice.asc'), alice.armoredPublicKey);
writeFileSync(join(dir, 'me.sec.asc'), me.armoredPrivateKey);
writeFileSync(join(dir, 'ca.pem'), server.caPem);
writeFileSync(join(dir, 'body.txt'), 'A one-kilobyte note.\n'.repeat(50));
const args = [
  'send',
  '--from',
  'me@example.net',
  '--to',
  'alice@example.org',
  '--subject',
  'bench',
  '--text-file',
  'body.txt',
  '--encrypt',
  'pgp',
  '--key',
  'alice.asc',
  '--sign',
  'pgp',
  '--sign-key',
  'me.sec.asc',
  '--passphrase-file',
  '/dev/null',
  '--keyring',
  'kr',
  '--server',
  `${server.host}:${server.startTlsPort}`,
  '--tls',
  'starttls',
  '--ca',
  'ca.pem',
  '--user',
  server.user,
  '--password-env',
  'PW',
];
for (let i = 0; i < Number(process.argv[3] ?? 3); i++) {
  const r = await run(process.execPath, ['--import', '/tmp/ca-trace/trace.mjs', bin, ...args], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      XDG_CONFIG_HOME: join(dir, 'x'),
      XDG_DATA_HOME: join(dir, 'd'),
      PW: server.password,
    },
  });
  console.log(
    `--- run ${i}\n${r.stderr
      .split('\n')
      .filter((l) => / ms /.test(l))
      .join('\n')}`,
  );
}
await server.stop();
