/** `sealpost send`: compose, apply the per-recipient policy, sign/encrypt, self-check, send, report. */
import { writeFile } from 'node:fs/promises';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type { Command, CommandContext } from '../command.js';
import { loadConfig } from '../config.js';
import { readSecret } from '../secrets.js';
import { messageFromFlags } from '../send/message-from-flags.js';
import { policyFromFlags } from '../send/policy-from-flags.js';

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** FILE.eml → FILE.1.eml, FILE.2.eml … when a plan has several messages. */
export function outFileName(out: string, index: number, count: number): string {
  if (count === 1) return out;
  const dot = out.lastIndexOf('.');
  return dot > out.lastIndexOf('/') && dot > 0 ? `${out.slice(0, dot)}.${index + 1}${out.slice(dot)}` : `${out}.${index + 1}`;
}

export const sendCommand: Command = {
  name: 'send',
  summary: 'Send a message, end-to-end encrypted where the policy and keys allow',
  usage:
    'sealpost send --from A --to B [--cc C] [--bcc D] --subject S [--text T | --text-file F]\n' +
    '       [--html-file F] [--attach F]... [--encrypt pgp|smime|auto|none] [--sign pgp|smime|none]\n' +
    '       [--policy require|prefer] [--key FILE]... [--sign-key FILE] [--passphrase-env VAR | --passphrase-file F]\n' +
    '       [--server HOST[:PORT]] [--tls auto|implicit|starttls] [--user U] [--password-env VAR] [--ca FILE]\n' +
    '       [--dry-run] [--out FILE.eml] [--json]',
  description:
    'Builds the message, decides per recipient whether it is encrypted (OpenPGP or S/MIME) from\n' +
    'the policy and the keys found (--key files, the keyring, the certificate store), signs it if\n' +
    'asked, checks every copy, and only then submits it over verified TLS (implicit TLS on 465\n' +
    'preferred, STARTTLS required on 587/2525). Bcc recipients each get a private copy. With\n' +
    '--encrypt pgp|smime a recipient without a usable key stops the whole send (exit 3, nothing\n' +
    'sent) unless --policy prefer. The report says who on the path can read what.',
  options: {
    from: { type: 'string', valueName: 'ADDRESS', description: 'Sender (From; also MAIL FROM).' },
    to: { type: 'string', multiple: true, valueName: 'ADDRESS', description: 'Recipient; repeat or give a comma-separated list.' },
    cc: { type: 'string', multiple: true, valueName: 'ADDRESS', description: 'Copy recipient.' },
    bcc: { type: 'string', multiple: true, valueName: 'ADDRESS', description: 'Blind copy: gets a private copy, never named to others.' },
    subject: { type: 'string', valueName: 'TEXT', description: 'Subject (hidden from servers as "[...]" when encrypted).' },
    text: { type: 'string', valueName: 'TEXT', description: 'Plain-text body.' },
    'text-file': { type: 'string', valueName: 'FILE', description: 'Plain-text body from a file ("-" reads stdin).' },
    'html-file': { type: 'string', valueName: 'FILE', description: 'HTML body from a file.' },
    attach: { type: 'string', multiple: true, valueName: 'FILE', description: 'Attach a file.' },
    header: { type: 'string', multiple: true, valueName: '"NAME: VALUE"', description: 'Add a header field.' },
    encrypt: { type: 'string', valueName: 'pgp|smime|auto|none', description: 'End-to-end scheme (default auto: encrypt where a key exists).' },
    sign: { type: 'string', valueName: 'pgp|smime|none', description: 'Sign with --sign-key (default none).' },
    policy: { type: 'string', valueName: 'require|prefer', description: 'Missing key: refuse everything (require) or send TLS-only (prefer).' },
    key: { type: 'string', multiple: true, valueName: 'FILE', description: 'Recipient OpenPGP public key(s) or S/MIME certificate(s).' },
    keyring: { type: 'string', valueName: 'DIR', description: 'Keyring and certificate store directory.' },
    'sign-key': { type: 'string', valueName: 'FILE', description: 'Your OpenPGP secret key, PKCS#12 file, or PEM certificate + key.' },
    'passphrase-env': { type: 'string', valueName: 'VAR', description: 'Environment variable holding the signing key passphrase.' },
    'passphrase-file': { type: 'string', valueName: 'FILE', description: 'File holding the signing key passphrase.' },
    server: { type: 'string', valueName: 'HOST[:PORT]', description: 'Submission server; without a port: SRV, then 465, 587, 2525.' },
    tls: { type: 'string', valueName: 'auto|implicit|starttls', description: 'TLS mode (default: from the port).' },
    user: { type: 'string', valueName: 'USER', description: 'SMTP login (sent only inside TLS).' },
    'password-env': { type: 'string', valueName: 'VAR', description: 'Environment variable holding the SMTP password.' },
    ca: { type: 'string', valueName: 'FILE', description: "Trust this CA (PEM) for the server's certificate." },
    timeout: { type: 'string', valueName: 'MS', description: 'Connection and greeting timeout (default 15000).' },
    'dry-run': { type: 'boolean', description: 'Build, check and report, but do not connect.' },
    out: { type: 'string', valueName: 'FILE.eml', description: 'Write the exact bytes of each message (FILE.1.eml, … when several).' },
  },
  positionals: { min: 0, max: 0 },
  examples: [
    {
      command: 'sealpost send --from me@example.org --to alice@example.net --subject Hi --text-file note.txt --encrypt pgp --key alice.asc --server smtp.example.org',
      says: 'encrypt to Alice with OpenPGP and submit (465 implicit TLS, else 587 STARTTLS)',
    },
    {
      command: 'SMTP_PW=… sealpost send … --user me --password-env SMTP_PW',
      says: 'log in; the password comes from the environment, never from the command line',
    },
    {
      command: 'sealpost send … --encrypt smime --key bob.pem --dry-run --out msg.eml',
      says: 'write exactly what would be sent, and the report, without connecting',
    },
  ],
  async run(ctx) {
    return runSend(ctx);
  },
};

async function runSend(ctx: CommandContext): Promise<number> {
  const { values: v, out } = ctx;
  const config = loadConfig(ctx.cwd, ctx.env);
  const [{ createMessage, toMime }, pipeline] = await Promise.all([import('@sealpost/compose'), import('@sealpost/pipeline')]);

  const message = createMessage(
    await messageFromFlags(
      {
        from: str(v.from) ?? config.from,
        to: list(v.to),
        cc: list(v.cc),
        bcc: list(v.bcc),
        subject: str(v.subject),
        text: str(v.text),
        textFile: str(v['text-file']),
        htmlFile: str(v['html-file']),
        attach: list(v.attach),
        header: list(v.header),
      },
      ctx.stdin,
    ),
  );
  const policy = policyFromFlags({
    encrypt: str(v.encrypt) ?? config.encrypt,
    policy: str(v.policy) ?? config.policy,
    sign: str(v.sign) ?? config.sign,
  });

  const signKeyFile = str(v['sign-key']) ?? config.signKey;
  const signers = {} as { pgp?: import('@sealpost/pipeline').SignerKey; smime?: import('@sealpost/pipeline').SignerKey };
  if (signKeyFile) {
    const passphraseEnv = str(v['passphrase-env']) ?? config.passphraseEnv;
    const passphrase = await readSecret(
      { ...(passphraseEnv ? { env: passphraseEnv } : {}), ...(str(v['passphrase-file']) ? { file: str(v['passphrase-file'])! } : {}), prompt: 'Signing key passphrase (empty if none): ' },
      ctx,
      'signing key passphrase',
    );
    const signer = await pipeline.loadSigningKey(signKeyFile, { ...(passphrase ? { passphrase } : {}) });
    signers[signer.scheme] = signer;
  } else if (policy.sign !== 'none') {
    throw new SealpostError('EUSAGE', `--sign ${policy.sign} needs --sign-key FILE.`);
  }

  const recipients = message.envelope.to;
  const found = await pipeline.resolveKeys(recipients, {
    files: [...list(v.key), ...(config.keys ?? [])],
    ...(str(v.keyring) ?? config.keyring ? { keyringDir: (str(v.keyring) ?? config.keyring)! } : {}),
  });
  const keys = { ...found, signers };
  const plan = pipeline.planSend(message, policy, keys);
  for (const d of plan.decisions) {
    out.note(`${d.refused ? out.red('refused') : d.scheme === 'none' ? 'TLS only' : out.green(d.scheme === 'pgp' ? 'OpenPGP' : 'S/MIME')}  ${d.address} (${d.field}): ${d.reason}`);
  }
  pipeline.assertSendable(plan);

  const mime = await toMime(message, { forSigning: true });
  const outFile = str(v.out);
  const writeCopies = async (raws: readonly Uint8Array[]) => {
    if (!outFile) return [];
    const names = raws.map((_, i) => outFileName(outFile, i, raws.length));
    await Promise.all(raws.map((raw, i) => writeFile(names[i]!, raw))).catch((err) => {
      throw new SealpostError('EIO', `Cannot write ${quoteUntrusted(outFile)}.`, { cause: err });
    });
    return names;
  };

  if (v['dry-run']) {
    const built = await pipeline.buildMessages(plan, mime, { signers });
    const files = await writeCopies(built.map((b) => b.raw));
    const report = { from: plan.from, decisions: plan.decisions, messages: built.map((b) => pipeline.messageReport(b, null)) };
    out.result({ ok: true, dryRun: true, files, report });
    out.print(pipeline.renderSendReport(report));
    for (const f of files) out.print(`wrote ${f}`);
    return 0;
  }

  const passwordEnv = str(v['password-env']) ?? config.passwordEnv;
  const user = str(v.user) ?? config.user;
  const password = user
    ? await readSecret({ ...(passwordEnv ? { env: passwordEnv } : {}), prompt: `SMTP password for ${user}: ` }, ctx, 'SMTP password')
    : undefined;
  const { transportFromFlags } = await import('../send/transport-from-flags.js');
  const timeout = str(v.timeout);
  const { transport, describe } = await transportFromFlags({
    server: str(v.server) ?? config.server,
    tls: str(v.tls) ?? config.tls,
    ...(user !== undefined ? { user } : {}),
    ...(password !== undefined ? { password } : {}),
    ...((str(v.ca) ?? config.ca) ? { ca: (str(v.ca) ?? config.ca)! } : {}),
    ...(timeout ? { timeoutMs: Number(timeout) } : {}),
  });
  out.note(`submitting via ${describe}`);
  try {
    const built = await pipeline.buildMessages(plan, mime, { signers });
    const files = await writeCopies(built.map((b) => b.raw));
    const report = await pipeline.executePlan(plan, transport, {
      mime,
      signers,
      onProgress: (sent, total) => out.progress(`sent ${sent}/${total}`),
    });
    out.result({ ok: true, dryRun: false, files, report });
    out.print(pipeline.renderSendReport(report));
    return 0;
  } finally {
    await transport.close();
  }
}
