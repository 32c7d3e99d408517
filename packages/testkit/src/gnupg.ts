/**
 * A throwaway GnuPG home for interop tests: `gpg --batch` in a temporary GNUPGHOME, loopback
 * pinentry, every imported key trusted; `close()` kills the agent and removes the directory.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertOk, type RunToolOptions, runInteropTool, type ToolResult } from './run-tool.js';

export interface GnupgRunOptions extends RunToolOptions {
  /** Written to a file in the home and given with --passphrase-file (never on the command line). */
  readonly passphrase?: string;
}

export interface GnupgHome {
  readonly home: string;
  /** Runs gpg with `--homedir home --batch`; does not throw on a non-zero exit. */
  run(args: readonly string[], options?: GnupgRunOptions): Promise<ToolResult>;
  /** Like run(), but throws with gpg's stderr on failure. */
  ok(args: readonly string[], options?: GnupgRunOptions): Promise<ToolResult>;
  /** Imports armored or binary keys. */
  importKeys(keys: string | Uint8Array): Promise<void>;
  /** `gpg --export --armor` (public) or `--export-secret-keys` of one user ID or fingerprint. */
  exportKey(who: string, options?: { secret?: boolean; passphrase?: string }): Promise<string>;
  /** Fingerprint of the (first) key matching `who`. */
  fingerprint(who: string): Promise<string>;
  /** Kills gpg-agent (and dirmngr) and removes the home. */
  close(): Promise<void>;
}

export function gpgAvailable(): Promise<boolean> {
  return runInteropTool('gpg', ['--version'], { timeoutMs: 5000 }).then(
    (r) => r.code === 0,
    () => false,
  );
}

export async function createGnupgHome(): Promise<GnupgHome> {
  // Short path: gpg-agent's socket lives here and Unix socket paths are limited to ~107 bytes.
  const home = await mkdtemp(join(tmpdir(), 'sp-gpg-'));
  await writeFile(join(home, 'gpg.conf'), 'trust-model always\nno-auto-key-retrieve\n', {
    mode: 0o600,
  });
  await writeFile(join(home, 'gpg-agent.conf'), 'allow-loopback-pinentry\n', { mode: 0o600 });
  let passCounter = 0;
  const run = async (args: readonly string[], options: GnupgRunOptions = {}) => {
    const base = ['--homedir', home, '--batch', '--no-tty', '--pinentry-mode', 'loopback'];
    let passFile: string | undefined;
    if (options.passphrase !== undefined) {
      passFile = join(home, `pass-${passCounter++}`);
      await writeFile(passFile, options.passphrase, { mode: 0o600 });
      base.push('--passphrase-file', passFile);
    }
    try {
      return await runInteropTool('gpg', [...base, ...args], options);
    } finally {
      if (passFile) await rm(passFile, { force: true });
    }
  };
  const ok = async (args: readonly string[], options: GnupgRunOptions = {}) =>
    assertOk(await run(args, options), `gpg ${args.join(' ')}`);
  return {
    home,
    run,
    ok,
    async importKeys(keys) {
      await ok(['--import'], { input: keys });
    },
    async exportKey(who, options = {}) {
      const args = options.secret
        ? ['--armor', '--export-secret-keys', who]
        : ['--armor', '--export', who];
      const result = await ok(
        args,
        options.passphrase === undefined ? {} : { passphrase: options.passphrase },
      );
      return new TextDecoder().decode(result.stdout);
    },
    async fingerprint(who) {
      const result = await ok(['--with-colons', '--fingerprint', who]);
      const line = new TextDecoder()
        .decode(result.stdout)
        .split('\n')
        .find((l) => l.startsWith('fpr:'));
      if (!line) throw new Error(`gpg has no key for ${who}`);
      return line.split(':')[9]!;
    },
    async close() {
      await runInteropTool('gpgconf', ['--homedir', home, '--kill', 'all'], {
        timeoutMs: 10_000,
      }).catch(() => undefined);
      await rm(home, { recursive: true, force: true });
    },
  };
}
