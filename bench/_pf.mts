import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { startPostfix } from '@sealpost/testkit';
const postfix = await startPostfix();
const d = '/tmp/sp-prof';
writeFileSync(`${d}/ca.pem`, postfix.caPem);
const env = { PATH: process.env.PATH, HOME: d, XDG_CONFIG_HOME: `${d}/xdg`, XDG_DATA_HOME: `${d}/data`, PW: postfix.password };
const args = ['send', '--from', 'me@example.net', '--to', 'alice@example.org', '--subject', 'bench', '--text-file', 'body.txt', '--encrypt', 'pgp', '--key', 'alice.asc', '--sign', 'pgp', '--sign-key', 'me.sec.asc', '--passphrase-file', '/dev/null', '--keyring', 'kr', '--server', `${postfix.host}:${postfix.startTlsPort}`, '--tls', 'starttls', '--ca', 'ca.pem', '--user', postfix.user, '--password-env', 'PW'];
const bin = '/work/wt-startup/apps/cli/dist/bin.js';
for (let i = 0; i < 3; i++) { const t = performance.now(); execFileSync(process.execPath, [bin, ...args], { cwd: d, env }); console.log('send ms', (performance.now() - t).toFixed(0)); }
execFileSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', `${d}/sprof`, bin, ...args], { cwd: d, env });
await postfix.stop();
