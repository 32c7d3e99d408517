/**
 * The queue and data directories with the owners and modes listed in Postfix's
 * postfix-files (what `post-install create-missing` makes). Creating them here instead of
 * letting `postfix start` run its check pass saves about two seconds per instance.
 */
import { chmodSync, chownSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const OWNER_ONLY = [
  'active',
  'bounce',
  'corrupt',
  'defer',
  'deferred',
  'flush',
  'hold',
  'incoming',
  'private',
  'saved',
  'trace',
];

export function createQueueDirectory(
  queueDir: string,
  mailOwner: { uid: number; gid: number },
  setgidGroupGid: number,
): void {
  const make = (path: string, uid: number, gid: number, mode: number) => {
    mkdirSync(path, { recursive: true });
    chownSync(path, uid, gid);
    chmodSync(path, mode); // mkdir's mode is filtered by the umask; chmod is not.
  };
  make(queueDir, 0, 0, 0o755);
  make(join(queueDir, 'pid'), 0, 0, 0o755);
  for (const name of OWNER_ONLY) make(join(queueDir, name), mailOwner.uid, 0, 0o700);
  make(join(queueDir, 'maildrop'), mailOwner.uid, setgidGroupGid, 0o730);
  make(join(queueDir, 'public'), mailOwner.uid, setgidGroupGid, 0o710);
}
