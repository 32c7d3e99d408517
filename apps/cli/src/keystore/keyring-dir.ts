/**
 * Where keys live for the command line: `--keyring DIR`, else the config's `keyring`
 * (SEALPOST_KEYRING), else the keystore's default data directory (`$XDG_DATA_HOME/sealpost`,
 * else `~/.local/share/sealpost`). The OpenPGP keyring is `pgp/` and the S/MIME certificate
 * store `certs/` below it.
 */
import { resolve } from 'node:path';
import { loadConfig } from '@sealpost/config';
import { type DataDirPaths, dataDirPaths, defaultDataDir } from '@sealpost/keystore';
import type { CommandContext } from '../command.js';

export type KeyringPaths = DataDirPaths;

export function keyringPaths(ctx: Pick<CommandContext, 'values' | 'env' | 'cwd'>): KeyringPaths {
  const flag = typeof ctx.values.keyring === 'string' ? ctx.values.keyring : undefined;
  const configured = flag ?? loadConfig(ctx.cwd, ctx.env).keyring;
  return dataDirPaths(configured ? resolve(ctx.cwd, configured) : defaultDataDir(ctx.env));
}
