/**
 * Runs the one-shot commands scripts run most — `send --dry-run`, `decrypt`, `verify` and
 * `inspect`, OpenPGP (RSA and Curve25519) and S/MIME, human and `--json` output — once while
 * the start-up snapshot is built, so that the snapshot holds their compiled code (decision
 * 0143). The build writes the keys and messages beforehand in another process
 * (scripts/snapshot.mjs), so that the code that makes them is not in the snapshot. Nothing
 * connects (`--dry-run`). Nothing of the run may stay reachable: the output is dropped, and
 * the build saves no snapshot if the heap after the run still holds the mark that every
 * address and text carries.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { main } from '../main.js';

/** Keeps what a command printed only until it ended (for the error when it failed). */
function collect(): Writable & { text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  return Object.assign(stream, { text: () => Buffer.concat(chunks).toString() });
}

/**
 * `dir` holds the files scripts/snapshot.mjs wrote (names below). `only`: the commands of the
 * snapshot being built (its bundle holds no others); all when absent.
 */
export async function warmUp(dir: string, only?: readonly string[]): Promise<void> {
  const f = (name: string) => join(dir, name);
  const run = async (...args: string[]) => {
    const stderr = collect();
    const code = await main(args, {
      stdout: collect(),
      stderr,
      stdin: Readable.from([]),
      env: { HOME: dir, XDG_CONFIG_HOME: dir, NO_COLOR: '1' },
      cwd: dir,
    });
    if (code !== 0) {
      throw new Error(`snapshot warm-up: sealpost ${args[0]} exited ${code}: ${stderr.text()}`);
    }
  };
  const [rsa = '', ecc = ''] = (await readFile(f('addresses.txt'), 'utf8')).split('\n');
  const send = (from: string, to: string) => [
    ...['send', '--from', from, '--to', to, '--subject', 'warm-up', '--text-file', f('body.txt')],
    ...['--keyring', f('keyring'), '--passphrase-file', '/dev/null', '--dry-run'],
    ...['--out', f('sent.eml')],
  ];
  const pgpTo = (key: string, signKey: string) => [
    ...['--encrypt', 'pgp', '--key', f(key), '--sign', 'pgp', '--sign-key', f(signKey)],
  ];
  const smimeSign = ['--sign', 'smime', '--sign-key', f('sender.pem'), '--anchor', f('ca.pem')];
  const commands = [
    [...send(ecc, rsa), ...pgpTo('rsa.asc', 'ecc.sec.asc')],
    [...send(rsa, ecc), ...pgpTo('ecc.asc', 'rsa.sec.asc')],
    [...send(rsa, ecc), '--encrypt', 'none', '--sign', 'pgp', '--sign-key', f('rsa.sec.asc')],
    [...send(rsa, ecc), '--encrypt', 'smime', '--key', f('recipient.crt'), ...smimeSign],
    [...send(rsa, ecc), '--encrypt', 'none', ...smimeSign],
    ['decrypt', f('to-rsa.eml'), '--key', f('rsa.sec.asc'), '--verify-key', f('ecc.asc')],
    ['decrypt', f('to-ecc.eml'), '--key', f('ecc.sec.asc'), '--verify-key', f('rsa.asc')],
    ['decrypt', f('smime.eml'), '--key', f('recipient.pem'), '--anchor', f('ca.pem')],
    ['verify', f('pgp-signed.eml'), '--key', f('rsa.asc')],
    ['verify', f('smime-signed.eml'), '--anchor', f('ca.pem')],
    ['inspect', f('to-rsa.eml')],
    ['inspect', f('smime.eml')],
  ];
  for (const json of [[], ['--json']]) {
    for (const command of commands) {
      if (!only || only.includes(command[0]!)) await run(...command, ...json);
    }
  }
  // RegExp's legacy statics (RegExp.lastMatch, RegExp.$1, …) keep the subject of the last
  // match made anywhere: a message of the warm-up, say. A match on a constant replaces it.
  /warm-up/.exec('warm-up');
}
