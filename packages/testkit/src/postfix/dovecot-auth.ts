/**
 * A private Dovecot that does nothing but SASL authentication for Postfix (Dovecot SASL,
 * https://www.postfix.org/SASL_README.html#server_dovecot): no IMAP/POP3 listener, one user
 * in a passwd-file, the auth socket inside the instance directory.
 */
import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DetachedProcess, sleep, spawnDetached, stopGroup } from './detached-process.js';
import { accountOf } from './system-account.js';

export interface DovecotAuth {
  /** Process id (and process group) of the Dovecot master. */
  readonly pid: number | undefined;
  readonly socketPath: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

export interface DovecotAuthOptions {
  readonly dir: string;
  readonly instanceName: string;
  readonly user: string;
  readonly password: string;
  /** Account the auth socket belongs to (the postfix user, so smtpd can connect). */
  readonly socketOwner: string;
  readonly timeoutMs: number;
}

function dovecotConf(options: DovecotAuthOptions, runDir: string, logFile: string): string {
  return `# Private sealpost test instance (SASL for Postfix only); written by @sealpost/testkit.
instance_name = ${options.instanceName}
base_dir = ${runDir}
state_dir = ${join(options.dir, 'state')}
protocols =
ssl = no
log_path = ${logFile}
# The socket is local and Postfix only offers AUTH after TLS (smtpd_tls_auth_only).
disable_plaintext_auth = no
auth_mechanisms = plain login
# Tests check wrong passwords too; the default 2 s penalty only slows them down.
auth_failure_delay = 0
default_internal_user = dovecot
default_login_user = dovenull
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${join(options.dir, 'users')}
}
userdb {
  driver = static
  args = uid=${options.socketOwner} gid=${options.socketOwner} home=${options.dir}
}
service auth {
  unix_listener auth-postfix {
    mode = 0660
    user = ${options.socketOwner}
    group = ${options.socketOwner}
  }
}
`;
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

export async function startDovecotAuth(options: DovecotAuthOptions): Promise<DovecotAuth> {
  const runDir = join(options.dir, 'run');
  mkdirSync(join(options.dir, 'state'), { recursive: true });
  const logFile = join(options.dir, 'dovecot.log');
  const confFile = join(options.dir, 'dovecot.conf');
  const users = join(options.dir, 'users');
  writeFileSync(users, `${options.user}:{PLAIN}${options.password}\n`, { mode: 0o640 });
  // The auth worker runs as default_internal_user and must read the passwd-file.
  const internal = accountOf('dovecot');
  chownSync(users, 0, internal.gid);
  writeFileSync(confFile, dovecotConf(options, runDir, logFile));
  const socketPath = join(runDir, 'auth-postfix');

  // -F: stay in the foreground, so the spawned process is the Dovecot master itself.
  const proc: DetachedProcess = spawnDetached('dovecot', ['-F', '-c', confFile], logFile);
  const pid = proc.child.pid;
  const stop = async () => {
    if (pid !== undefined) await stopGroup(pid);
    await proc.waitExit(2_000);
  };
  const deadline = Date.now() + options.timeoutMs;
  while (!existsSync(socketPath)) {
    if (proc.hasExited() || Date.now() > deadline) {
      const why = proc.hasExited() ? 'exited' : `is not ready after ${options.timeoutMs} ms`;
      await stop();
      throw new Error(
        `Dovecot (SASL for the test Postfix) ${why}.\n--- ${logFile}\n${readLog(logFile)}`,
      );
    }
    await sleep(20);
  }
  return { pid, socketPath, logFile, stop };
}
