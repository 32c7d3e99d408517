/**
 * Where sealpost keeps keys by default: `$XDG_DATA_HOME/sealpost`, else
 * `~/.local/share/sealpost` (XDG Base Directory Specification 0.8). The OpenPGP keyring is
 * `pgp/` and the S/MIME certificate store `certs/` below it. A caller's own setting (the
 * CLI's --keyring, its config, SEALPOST_KEYRING) comes first and is resolved by the caller.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface DataDirPaths {
  readonly root: string;
  /** The OpenPGP keyring. */
  readonly pgp: string;
  /** The S/MIME certificate store. */
  readonly certs: string;
}

/** The default data directory for this environment (XDG_DATA_HOME, HOME). */
export function defaultDataDir(env: Readonly<Record<string, string | undefined>>): string {
  const dataHome = env.XDG_DATA_HOME || join(env.HOME || homedir(), '.local', 'share');
  return join(dataHome, 'sealpost');
}

/** The keyring and certificate store below a data directory. */
export function dataDirPaths(root: string): DataDirPaths {
  return { root, pgp: join(root, 'pgp'), certs: join(root, 'certs') };
}
