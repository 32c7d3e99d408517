/**
 * A private, throwaway Postfix for tests: submission over implicit TLS (RFC 8314 §3.3) and
 * over STARTTLS (RFC 6409 + RFC 3207) on free loopback ports, SASL via a private Dovecot,
 * everything delivered into one Maildir. See docs/decisions/0025-postfix-test-harness.md.
 * Needs root (Postfix's master and the config-directory registration) and the Debian
 * packages postfix and dovecot-core (scripts/setup.sh --tests installs them).
 * Start-up takes about 0.25–0.3 s and stop() under 0.1 s on a 2-core machine; instances in
 * parallel test files do not share ports, directories or names.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server, Socket } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { basename, join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { promisify } from 'node:util';
import { type IssuedCertificate, sharedTestCa, type TestCa } from '../test-ca.js';
import {
  backdate,
  registerAlternateConfig,
  unregisterAlternateConfig,
} from './alternate-config.js';
import {
  type DetachedProcess,
  sleep,
  spawnDetached,
  stopGroup,
  waitGroupGone,
} from './detached-process.js';
import { type DovecotAuth, startDovecotAuth } from './dovecot-auth.js';
import { type DeliveredMessage, readMaildir, waitForMaildir } from './maildir.js';
import { mainCf, masterCf, type PostfixLayout } from './postfix-config.js';
import { createQueueDirectory } from './queue-directory.js';
import { accountOf, groupOf } from './system-account.js';

const run = promisify(execFile);

export interface StartPostfixOptions {
  /** CA that issues the server certificate; default: the process-wide `sharedTestCa()`. */
  readonly ca?: TestCa;
  /** Names in the server certificate; default localhost and 127.0.0.1. */
  readonly hosts?: readonly string[];
  /** SASL user name; default `sealpost`. */
  readonly user?: string;
  /** SASL password; default: random. */
  readonly password?: string;
  readonly myhostname?: string;
  /** Postfix message_size_limit in bytes; default 50 MiB. */
  readonly messageSizeLimit?: number;
  /** Bound on the whole start-up, including Dovecot; default 20 s. */
  readonly timeoutMs?: number;
  /** Keep the instance directory after stop() (to read logs while debugging). */
  readonly keepDir?: boolean;
  /** Also open an MX-style port (`relayPort`): STARTTLS offered, no AUTH, any domain. */
  readonly relay?: boolean;
}

export interface PostfixInstance {
  readonly host: '127.0.0.1';
  /** Submission with implicit TLS (smtpd_tls_wrappermode=yes). */
  readonly implicitTlsPort: number;
  /** Submission with STARTTLS required (smtpd_tls_security_level=encrypt). */
  readonly startTlsPort: number;
  /** With `relay: true`: server-to-server SMTP (the role of port 25), STARTTLS optional. */
  readonly relayPort: number | undefined;
  readonly user: string;
  readonly password: string;
  /** The Maildir every accepted message ends up in. */
  readonly maildir: string;
  /** PEM of the CA that issued the server certificate (trust this, nothing else). */
  readonly caPem: string;
  readonly certificate: IssuedCertificate;
  /** The instance directory (config, queue, logs, Maildir). */
  readonly dir: string;
  /** How long start-up took, in milliseconds. */
  readonly startupMs: number;
  /** Postfix's and Dovecot's logs so far (for assertions and failure messages). */
  logs(): string;
  messages(): DeliveredMessage[];
  waitForMessages(count: number, timeoutMs?: number): Promise<DeliveredMessage[]>;
  /** Stops Postfix and Dovecot, waits until none of their processes is left. Idempotent. */
  stop(): Promise<void>;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Ports chosen by the OS; both held open together so they differ. Postfix binds them later,
 * so another process may take one meanwhile: start-up retries with new ports then. */
async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
    }
    return servers.map((server) => (server.address() as { port: number }).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

/** Reads the first reply line from an SMTP greeting: proof an smtpd answered. */
function readGreeting(socket: Socket, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => finish(new Error('no greeting')), timeoutMs);
    const finish = (error: Error | null, line?: string) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(line ?? '');
    };
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      const end = buffer.indexOf('\r\n');
      if (end >= 0) finish(null, buffer.slice(0, end));
    });
    socket.once('error', (err) => finish(err));
    socket.once('close', () => finish(new Error('closed before greeting')));
  });
}

async function greets(port: number, implicitTls: boolean): Promise<boolean> {
  try {
    // Readiness only: the certificate may name hosts other than 127.0.0.1 (an MX name), and
    // the tests themselves verify it.
    const socket = implicitTls
      ? tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false, minVersion: 'TLSv1.2' })
      : new Socket().connect(port, '127.0.0.1');
    return (await readGreeting(socket, 2_000)).startsWith('220');
  } catch {
    return false;
  }
}

function makeLayout(root: string): PostfixLayout {
  return {
    root,
    configDir: join(root, 'conf'),
    queueDir: join(root, 'queue'),
    dataDir: join(root, 'data'),
    maillogFile: join(root, 'maillog'),
    maildir: join(root, 'maildir'),
    tlsKeyFile: join(root, 'tls', 'server.key'),
    tlsChainFile: join(root, 'tls', 'server-chain.pem'),
    saslSocket: join(root, 'dovecot', 'run', 'auth-postfix'),
  };
}

export async function startPostfix(options: StartPostfixOptions = {}): Promise<PostfixInstance> {
  const started = Date.now();
  if (userInfo().uid !== 0) {
    throw new Error('startPostfix needs root (Postfix master and its queue ownership)');
  }
  const timeoutMs = options.timeoutMs ?? 20_000;
  const deadline = started + timeoutMs;
  const ca = options.ca ?? (await sharedTestCa());
  const certificate = await ca.issueServerCertificate({
    hosts: options.hosts ?? ['localhost', '127.0.0.1'],
  });
  const user = options.user ?? 'sealpost';
  const password = options.password ?? randomBytes(12).toString('hex');
  const postfixUser = accountOf('postfix');

  const root = mkdtempSync(join(tmpdir(), 'sealpost-postfix-'));
  const layout = makeLayout(root);
  // Postfix daemons run as "postfix" and must traverse into the instance directory.
  chmodSync(root, 0o755);
  for (const dir of [layout.configDir, join(root, 'tls'), join(root, 'dovecot')]) {
    mkdirSync(dir, { recursive: true });
  }
  createQueueDirectory(layout.queueDir, postfixUser, groupOf('postdrop'));
  for (const dir of [layout.dataDir, layout.maildir]) {
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, postfixUser.uid, postfixUser.gid);
  }
  writeFileSync(layout.tlsKeyFile, certificate.keyPem, { mode: 0o600 });
  writeFileSync(layout.tlsChainFile, certificate.chainPem);

  let dovecot: DovecotAuth | undefined;
  let masterPid: number | undefined;
  let postfixProcess: DetachedProcess | undefined;
  const fgLog = join(root, 'postfix-start.log');
  const logs = () =>
    [
      `--- ${fgLog}\n${readText(fgLog)}`,
      `--- ${layout.maillogFile}\n${readText(layout.maillogFile)}`,
      `--- ${join(root, 'dovecot', 'dovecot.log')}\n${readText(join(root, 'dovecot', 'dovecot.log'))}`,
    ].join('\n');

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', killOnExit);
    await stopPostfixMaster();
    await dovecot?.stop();
    await unregisterAlternateConfig(layout.configDir).catch(() => undefined);
    if (!options.keepDir) rmSync(root, { recursive: true, force: true });
  };
  const stopPostfixMaster = async () => {
    // What "postfix stop" does (SIGTERM to the master, which terminates its children and
    // exits), without its one-second polling sleeps.
    masterPid = readMasterPid(layout.queueDir) ?? masterPid;
    if (masterPid !== undefined) {
      try {
        process.kill(masterPid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      if (!(await waitGroupGone(masterPid, 5_000))) await stopGroup(masterPid, 1_000);
    }
    await postfixProcess?.waitExit(2_000);
  };
  // If the test process dies without calling stop(), still take the daemons down.
  const killOnExit = () => {
    for (const pid of [masterPid, dovecot?.pid]) {
      if (pid === undefined) continue;
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Gone.
      }
    }
    // The main.cf registration is pruned by the next instance once the directory is gone.
    if (!options.keepDir) rmSync(root, { recursive: true, force: true });
  };
  process.on('exit', killOnExit);

  try {
    await registerAlternateConfig(layout.configDir);
    dovecot = await startDovecotAuth({
      dir: join(root, 'dovecot'),
      instanceName: basename(root),
      user,
      password,
      socketOwner: 'postfix',
      timeoutMs: Math.max(1_000, deadline - Date.now()),
    });

    for (let attempt = 1; ; attempt++) {
      const [implicitTlsPort, startTlsPort, relayPort] = (await freePorts(
        options.relay ? 3 : 2,
      )) as [number, number, number | undefined];
      const settings = {
        implicitTlsPort,
        startTlsPort,
        ...(relayPort === undefined ? {} : { relayPort }),
        deliveryUid: postfixUser.uid,
        deliveryGid: postfixUser.gid,
        myhostname: options.myhostname ?? 'submission.sealpost.test',
        messageSizeLimit: options.messageSizeLimit ?? 50 * 1024 * 1024,
      };
      writeFileSync(join(layout.configDir, 'main.cf'), mainCf(layout, settings));
      writeFileSync(join(layout.configDir, 'master.cf'), masterCf(settings));
      backdate(join(layout.configDir, 'main.cf'));
      backdate(join(layout.configDir, 'master.cf'));

      // With "quick-start" present, start-fg skips its check pass (post-install, postsuper),
      // which takes seconds; createQueueDirectory() already made what it would create.
      writeFileSync(join(layout.queueDir, 'quick-start'), '');
      const proc = spawnDetached('postfix', ['-c', layout.configDir, 'start-fg'], fgLog);
      postfixProcess = proc;
      const outcome = await waitUntilReady(
        proc.hasExited,
        implicitTlsPort,
        [startTlsPort, ...(relayPort === undefined ? [] : [relayPort])],
        deadline,
      );
      masterPid = readMasterPid(layout.queueDir) ?? masterPid;
      if (outcome === 'ready') {
        return {
          host: '127.0.0.1',
          implicitTlsPort,
          startTlsPort,
          relayPort,
          user,
          password,
          maildir: layout.maildir,
          caPem: ca.certPem,
          certificate,
          dir: root,
          startupMs: Date.now() - started,
          logs,
          messages: () => readMaildir(layout.maildir),
          waitForMessages: (count, ms) => waitForMaildir(layout.maildir, count, ms),
          stop,
        };
      }
      await stopPostfixMaster();
      const portTaken = /Address already in use/.test(logs());
      if (!portTaken || attempt >= 3 || Date.now() > deadline) {
        const what =
          outcome === 'exited' ? 'exited during start-up' : `was not ready after ${timeoutMs} ms`;
        const check = await diagnose(layout.configDir);
        throw new Error(`Postfix ${what}.\n--- postfix check\n${check}\n${logs()}`);
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
}

function readMasterPid(queueDir: string): number | undefined {
  const pid = Number.parseInt(readText(join(queueDir, 'pid', 'master.pid')).trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Errors in main.cf stop Postfix before its maillog exists, and without a terminal the
 * postfix command reports them only to syslog, which is absent here. Under a pseudo-terminal
 * (script(1)) "postfix check" prints them: worth it on the failure path only.
 */
async function diagnose(configDir: string): Promise<string> {
  try {
    const { stdout, stderr } = await run(
      'script',
      ['-qec', `postfix -c ${configDir} check`, '/dev/null'],
      {
        timeout: 10_000,
      },
    );
    return `${stdout}${stderr}`.trim() || '(no complaints)';
  } catch (err) {
    const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
    return `${stdout}${stderr}`.trim() || String(err);
  }
}

async function waitUntilReady(
  hasExited: () => boolean,
  implicitTlsPort: number,
  cleartextPorts: readonly number[],
  deadline: number,
): Promise<'ready' | 'exited' | 'timeout'> {
  while (Date.now() < deadline) {
    if (hasExited()) return 'exited';
    const answers = await Promise.all([
      greets(implicitTlsPort, true),
      ...cleartextPorts.map((port) => greets(port, false)),
    ]);
    if (answers.every(Boolean)) return 'ready';
    await sleep(50);
  }
  return 'timeout';
}
