/**
 * Where keys live: `--keyring DIR`, else the config's `keyring` (SEALPOST_KEYRING), else
 * `$XDG_DATA_HOME/sealpost` (XDG Base Directory spec), else `~/.local/share/sealpost`. The
 * OpenPGP keyring is `pgp/` and the S/MIME certificate store `certs/` below it.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CommandContext } from '../command.js';
import { loadConfig } from '../config.js';

export interface KeyringPaths {
  readonly root: string;
  readonly pgp: string;
  readonly certs: string;
}

export function keyringPaths(ctx: Pick<CommandContext, 'values' | 'env' | 'cwd'>): KeyringPaths {
  const flag = typeof ctx.values.keyring === 'string' ? ctx.values.keyring : undefined;
  const configured = flag ?? loadConfig(ctx.cwd, ctx.env).keyring;
  const dataHome = ctx.env.XDG_DATA_HOME || join(ctx.env.HOME || homedir(), '.local', 'share');
  const root = configured ? resolve(ctx.cwd, configured) : join(dataHome, 'sealpost');
  return { root, pgp: join(root, 'pgp'), certs: join(root, 'certs') };
}
