/**
 * The half of `send` and `sendmail` after the message exists. The pipeline's prepareSend finds
 * keys, plans, refuses (exit 3) before anything is built, builds and self-checks every copy;
 * here only the CLI's part: reading key and secret files, notes, --out, the report, submitting.
 */
import type { SealpostConfig } from '@sealpost/config';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type { SignerKey } from '@sealpost/keystore';
import type { SendMessage, SendPlan, SendPolicy } from '@sealpost/pipeline';
import type { SmimeCertificate } from '@sealpost/smime';
import type { CommandContext } from '../command.js';
import { keyringPaths } from '../keystore/keyring-dir.js';
import { readSecret } from '../secrets.js';
import {
  connectAhead,
  type SubmissionAhead,
  type SubmissionInput,
  submissionAfterBuild,
} from './submission-ahead.js';

export interface DeliverInput extends SubmissionInput {
  /** A compose Message, or the address lists with the exact RFC 5322 bytes (no Bcc header). */
  readonly message: SendMessage;
  readonly policy: SendPolicy;
  readonly config: SealpostConfig;
  readonly keyFiles: readonly string[];
  /**
   * S/MIME trust anchors (PEM/DER files) for this run: recipient certificates and the signing
   * certificate are checked against them (decision 0071).
   */
  readonly anchors: readonly string[];
  readonly keyring?: string;
  /** Look recipients' OpenPGP keys up with WKD, then keys.openpgp.org, when none is local. */
  readonly discover: boolean;
  readonly smimeCompat: boolean;
  readonly vksUrl?: string;
  readonly signKeyFile?: string;
  readonly passphraseEnv?: string;
  readonly passphraseFile?: string;
  /** Encrypt every encrypted copy to the sender's own key too (--encrypt-to-self). */
  readonly encryptToSelf?: boolean;
  readonly dryRun: boolean;
  readonly outFile?: string;
  /**
   * The submission session, already being opened by the command (connectAhead right after
   * its flags and config are read). Absent, deliver starts it itself; never on a dry run.
   */
  readonly submission?: SubmissionAhead;
}

/** FILE.eml → FILE.1.eml, FILE.2.eml … when a plan has several messages. */
export function outFileName(out: string, index: number, count: number): string {
  if (count === 1) return out;
  const dot = out.lastIndexOf('.');
  return dot > out.lastIndexOf('/') && dot > 0
    ? `${out.slice(0, dot)}.${index + 1}${out.slice(dot)}`
    : `${out}.${index + 1}`;
}

async function loadSigner(
  ctx: CommandContext,
  input: DeliverInput,
  trustAnchors: readonly SmimeCertificate[] | undefined,
): Promise<{ pgp?: SignerKey; smime?: SignerKey }> {
  if (!input.signKeyFile) {
    if (input.policy.sign !== 'none')
      throw new SealpostError('EUSAGE', `--sign ${input.policy.sign} needs --sign-key FILE.`);
    return {};
  }
  const { loadSigningKey } = await import('@sealpost/keystore');
  // Asked only when the key is protected: an unprotected key never prompts.
  const signer = await loadSigningKey(input.signKeyFile, {
    passphrase: () =>
      readSecret(
        {
          ...(input.passphraseEnv ? { env: input.passphraseEnv } : {}),
          ...(input.passphraseFile ? { file: input.passphraseFile } : {}),
          prompt: 'Signing key passphrase: ',
        },
        ctx,
        'signing key passphrase',
      ),
    ...(trustAnchors ? { trustAnchors } : {}),
    onWarning: (file, warning) => ctx.out.note(`note: ${quoteUntrusted(file)}: ${warning}`),
  });
  return { [signer.scheme]: signer };
}

/** The addresses a signing key vouches for: OpenPGP user IDs, or the certificate's addresses. */
function signerAddresses(signer: SignerKey): string[] {
  const material = signer.material as {
    privateKey?: { users?: readonly { userID?: { email?: string } | null }[] };
    certificate?: { addresses?: readonly string[] };
  };
  if (signer.scheme === 'pgp')
    return (material.privateKey?.users ?? []).flatMap((u) => u.userID?.email || []);
  return [...(material.certificate?.addresses ?? [])];
}

/**
 * Issue 10: recipients' `verify` refuses a signature whose key does not carry the From address
 * (EPGP_SIGNER_ADDRESS / ESMIME_CERT_ADDRESS), so say so before sending one.
 */
function warnSignerAddress(
  ctx: CommandContext,
  signers: Record<string, SignerKey | undefined>,
  from: string,
): void {
  for (const signer of Object.values(signers)) {
    if (!signer) continue;
    const addresses = signerAddresses(signer);
    if (addresses.some((a) => a.toLowerCase() === from.toLowerCase())) continue;
    const code = signer.scheme === 'pgp' ? 'EPGP_SIGNER_ADDRESS' : 'ESMIME_CERT_ADDRESS';
    ctx.out.note(
      `warning: the signing ${signer.scheme === 'pgp' ? 'key' : 'certificate'} is for ${addresses.join(', ') || 'no address'}, not ${from}: recipients' "sealpost verify" refuses the signature (${code}).`,
    );
  }
}

function printDecisions(ctx: CommandContext, plan: SendPlan): void {
  const { out } = ctx;
  for (const d of plan.decisions) {
    const label = d.refused
      ? out.red('refused')
      : d.scheme === 'none'
        ? 'TLS only'
        : out.green(d.scheme === 'pgp' ? 'OpenPGP' : 'S/MIME');
    out.note(`${label}  ${d.address} (${d.field}): ${d.reason}`);
  }
}

/**
 * Builds, checks and submits. The session is opened while the copies are built (decision
 * 0128); an error of the build wins over an error of connecting, which is raised only once
 * every copy is built, exactly where it was raised when the session was opened after the build.
 */
export async function deliver(ctx: CommandContext, input: DeliverInput): Promise<number> {
  const ahead = input.dryRun ? undefined : (input.submission ?? connectAhead(ctx, input));
  try {
    return await buildAndSubmit(ctx, input, ahead);
  } finally {
    // QUIT for a session a failed or refused build never used (no MAIL was sent on it).
    await ahead?.close();
  }
}

/**
 * One turn of the event loop for the session opened ahead. The build runs on this thread in
 * long synchronous stretches (loading the signer compiles openpgp.js in ~50 ms; signing and
 * encrypting), and a server reply that arrived meanwhile waits for a turn before the next
 * command (STARTTLS, EHLO, AUTH) goes out; deliver gives it one between those stretches.
 */
function letSessionAdvance(ahead: SubmissionAhead | undefined): Promise<void> | undefined {
  return ahead ? new Promise((resolve) => setImmediate(resolve)) : undefined;
}

async function buildAndSubmit(
  ctx: CommandContext,
  input: DeliverInput,
  ahead: SubmissionAhead | undefined,
): Promise<number> {
  const { out } = ctx;
  const [pipeline, keystore] = await Promise.all([
    import('@sealpost/pipeline'),
    import('@sealpost/keystore'),
  ]);
  await letSessionAdvance(ahead);
  const anchors = await keystore.readTrustAnchors(input.anchors);
  // The signer is checked against --anchor when given, and the self-check then uses the same
  // anchors; without --anchor neither checks the signer's chain (it travels in the signature).
  const trustAnchors = anchors.length > 0 ? anchors : undefined;
  const signers = await loadSigner(ctx, input, trustAnchors);
  await letSessionAdvance(ahead);
  warnSignerAddress(ctx, signers, input.message.from.address);
  const policy: SendPolicy = input.encryptToSelf
    ? { ...input.policy, encryptToSelf: true }
    : input.policy;
  const keySources = {
    files: input.keyFiles,
    trustAnchors: anchors,
    // The same keyring `sealpost keys` and `sealpost certs` manage (--keyring, config, XDG).
    keyringDir: keyringPaths({
      values: input.keyring ? { keyring: input.keyring } : {},
      env: ctx.env,
      cwd: ctx.cwd,
    }).root,
    ...(input.discover
      ? {
          discovery: {
            wkd: true,
            vks: true,
            ...(input.vksUrl ? { vksBaseUrl: input.vksUrl } : {}),
          },
        }
      : {}),
  };
  const {
    built,
    plan,
    report: dryReport,
    dispose,
  } = await pipeline.prepareSend(
    input.message,
    policy,
    {
      recipientKeys: async (addresses) => {
        const found = await keystore.resolveRecipientKeys(addresses, keySources);
        await letSessionAdvance(ahead);
        for (const key of found.unmatched) {
          out.note(
            `note: ${key.file} holds a ${key.scheme === 'pgp' ? 'key' : 'certificate'} for ${key.addresses.join(', ') || 'no address'}, not for any recipient`,
          );
        }
        for (const f of found.lookupFailures)
          out.note(
            `note: ${f.method.toUpperCase()} lookup for ${f.address} failed (${f.code}): ${f.reason}`,
          );
        return found;
      },
      signers,
      ...(trustAnchors ? { trustAnchors } : {}),
    },
    {
      ...(input.smimeCompat ? { smimeCompat: true } : {}),
      onPlan: (p) => printDecisions(ctx, p),
    },
  );

  let files: string[] = [];
  if (input.outFile) {
    const outFile = input.outFile;
    files = built.map((_, i) => outFileName(outFile, i, built.length));
    // A dry run reads no copy again: --out may then be the spool file's second name.
    const lastUse = input.dryRun === true;
    await Promise.all(built.map((b, i) => pipeline.writeCopy(b.raw, files[i]!, { lastUse }))).catch(
      (err) => {
        throw new SealpostError('EIO', `Cannot write ${quoteUntrusted(outFile)}.`, { cause: err });
      },
    );
  }
  if (input.dryRun) {
    out.result({ ok: true, dryRun: true, files, report: dryReport });
    out.print(pipeline.renderSendReport(dryReport));
    for (const f of files) out.print(`wrote ${f}`);
    await dispose(); // large copies' spool files (also removed on exit and SIGINT/SIGTERM)
    return 0;
  }

  let submission: Awaited<ReturnType<SubmissionAhead['ready']>>;
  try {
    submission = ahead ? await ahead.ready() : await submissionAfterBuild(ctx, input);
  } catch (err) {
    await dispose();
    throw err;
  }
  const { transport, describe } = submission;
  out.note(`submitting via ${describe}`);
  try {
    const report = await pipeline.sendBuilt(plan, built, transport, {
      onProgress: (sent, total) => out.progress(`sent ${sent}/${total}`, sent === total),
    });
    out.result({ ok: true, dryRun: false, files, report });
    out.print(pipeline.renderSendReport(report));
    return 0;
  } finally {
    await transport.close();
    await dispose();
  }
}
