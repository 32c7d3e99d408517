/**
 * The submission session of `send` and `sendmail` (RFC 6409), opened while the message is being
 * built rather than after it (decision 0128): connect, EHLO, STARTTLS with full verification,
 * EHLO, AUTH — never MAIL, which only sendBuilt sends, once every copy is built and checked.
 */
import { transportCacheFile } from '@sealpost/config';
import type { SmtpTransport } from '@sealpost/transport';
import type { CommandContext } from '../command.js';
import { readSecret } from '../secrets.js';

/** The submission settings of a send, from the flags and the config. */
export interface SubmissionInput {
  readonly server?: string;
  readonly tls?: string;
  readonly user?: string;
  readonly passwordEnv?: string;
  /** A file whose first line is the SMTP password (--password-file, config passwordFile). */
  readonly passwordFile?: string;
  /** A command printing the SMTP password (config passwordCommand, like msmtp's passwordeval). */
  readonly passwordCommand?: string;
  readonly ca?: string;
  readonly timeoutMs?: number;
}

export interface OpenSubmission {
  readonly transport: SmtpTransport;
  /** "host:port (mode, chosen by …)" for the "submitting via" note. */
  readonly describe: string;
}

/** A submission session being opened ahead of the build. */
export interface SubmissionAhead {
  /**
   * The transport with its session open. Rejects with the connect error (ETLS, ECERT_*, EAUTH,
   * EUSAGE for a bad --server …): call it only once the build has succeeded, so that a build
   * error always wins (decision 0128).
   */
  ready(): Promise<OpenSubmission>;
  /** QUIT for an open session; one still opening is torn down. Idempotent. */
  close(): Promise<void>;
}

function secretSource(input: SubmissionInput) {
  return {
    ...(input.passwordEnv ? { env: input.passwordEnv } : {}),
    ...(input.passwordFile ? { file: input.passwordFile } : {}),
    ...(input.passwordCommand ? { command: input.passwordCommand } : {}),
  };
}

async function makeTransport(
  ctx: CommandContext,
  input: SubmissionInput,
  password: string | undefined,
  signal?: AbortSignal,
): Promise<OpenSubmission> {
  const { submissionTransport } = await import('@sealpost/transport');
  return submissionTransport({
    ...(input.server ? { server: input.server } : {}),
    ...(input.tls ? { tls: input.tls } : {}),
    ...(input.user !== undefined ? { user: input.user } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(input.ca ? { ca: input.ca } : {}),
    ...(input.timeoutMs ? { timeoutMs: input.timeoutMs } : {}),
    cacheFile: transportCacheFile(ctx.env),
    ...(signal ? { signal } : {}),
  });
}

/**
 * Starts opening the session now. Undefined when the SMTP password would have to be asked on
 * the terminal (or by a password command run from one): that prompt keeps its place after the
 * build (a refused send never asks), and the session is opened then, by `submissionAfterBuild`.
 */
export function connectAhead(
  ctx: CommandContext,
  input: SubmissionInput,
): SubmissionAhead | undefined {
  const source = secretSource(input);
  if (input.user && Object.keys(source).length === 0) return undefined;
  // A password command may ask on the terminal itself (pinentry): on a terminal it runs after
  // the build, as before, so that it never competes with the signing key's passphrase prompt.
  // (stdin is looked at only then: making process.stdin costs a few ms of every start.)
  const onTerminal = () => (ctx.stdin as { isTTY?: boolean }).isTTY === true;
  if (input.user && input.passwordCommand && onTerminal()) return undefined;
  const controller = new AbortController();
  let transport: SmtpTransport | undefined;
  const opening = (async () => {
    const password = input.user ? await readSecret(source, ctx, 'SMTP password') : undefined;
    const made = await makeTransport(ctx, input, password, controller.signal);
    transport = made.transport;
    // Closed while the port was being chosen: open() then rejects (the transport is closed).
    if (controller.signal.aborted) await made.transport.close();
    await made.transport.open();
    return made;
  })();
  // Not lost, only deferred: ready() hands the error over once the build has succeeded.
  opening.catch(() => {});
  return {
    ready: () => opening,
    async close() {
      controller.abort();
      await transport?.close();
    },
  };
}

/** The session opened after the build, as before decision 0128 (the password may be asked). */
export async function submissionAfterBuild(
  ctx: CommandContext,
  input: SubmissionInput,
): Promise<OpenSubmission> {
  const password = input.user
    ? await readSecret(
        { ...secretSource(input), prompt: `SMTP password for ${input.user}: ` },
        ctx,
        'SMTP password',
      )
    : undefined;
  return makeTransport(ctx, input, password);
}
