/** `sealpost certs import|list|remove|check`: the S/MIME certificate store and its trust anchors. */
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type { Command, CommandContext } from '../command.js';
import type { CertInfo } from '../keystore/cert-info.js';
import { keyringPaths } from '../keystore/keyring-dir.js';
import { listFlag, type SubCommandSpec, stringFlag, subCommand } from './sub-command.js';

const SUB_COMMANDS = {
  import: {
    positionals: { min: 0, max: 64 },
    flags: ['anchor'],
    usage: 'sealpost certs import [FILE...] [--anchor FILE]...',
  },
  list: {
    positionals: { min: 0, max: 1 },
    flags: [],
    usage: 'sealpost certs list [ADDRESS]',
  },
  remove: {
    positionals: { min: 1, max: 64 },
    flags: [],
    usage: 'sealpost certs remove SHA256-FINGERPRINT...',
  },
  check: {
    positionals: { min: 1, max: 1 },
    flags: ['cert', 'anchor', 'purpose'],
    usage: 'sealpost certs check ADDRESS [--cert FILE] [--anchor FILE]... [--purpose encrypt|sign]',
  },
} satisfies Record<string, SubCommandSpec>;

type Ctx = CommandContext;

async function runImport(ctx: Ctx, args: readonly string[]): Promise<number> {
  const [{ CertStore, importCertificateFile }, { certInfo, renderCertInfo }] = await Promise.all([
    import('@sealpost/keystore'),
    import('../keystore/cert-info.js'),
  ]);
  const files = [
    ...args.map((file) => ({ file, role: 'certificate' as const })),
    ...listFlag(ctx, 'anchor').map((file) => ({ file, role: 'anchor' as const })),
  ];
  if (files.length === 0) {
    throw new SealpostError(
      'EUSAGE',
      `Name certificate files. Usage: ${SUB_COMMANDS.import.usage}`,
    );
  }
  const store = await CertStore.open(keyringPaths(ctx).certs);
  const imported: CertInfo[] = [];
  for (const { file, role } of files) {
    for (const entry of await importCertificateFile(store, file, role, { cwd: ctx.cwd })) {
      imported.push(certInfo(entry));
    }
  }
  ctx.out.result({ ok: true, imported });
  for (const info of imported) ctx.out.print(renderCertInfo(info, ctx.out));
  const anchors = imported.filter((i) => i.role === 'anchor').length;
  ctx.out.note(
    `${imported.length} certificate(s) imported into ${store.directory} (${anchors} as trust anchors).`,
  );
  return 0;
}

async function runList(ctx: Ctx, [address]: readonly string[]): Promise<number> {
  const [{ CertStore }, { certInfo, renderCertInfo }] = await Promise.all([
    import('@sealpost/keystore'),
    import('../keystore/cert-info.js'),
  ]);
  const store = await CertStore.open(keyringPaths(ctx).certs);
  const wanted = address?.trim().toLowerCase();
  const certs = store
    .list()
    .filter((e) => wanted === undefined || e.emails.includes(wanted))
    .map(certInfo);
  ctx.out.result({ store: store.directory, certs });
  if (certs.length === 0) ctx.out.print(ctx.out.dim('(no certificates)'));
  for (const info of certs) ctx.out.print(renderCertInfo(info, ctx.out));
  return 0;
}

async function runRemove(ctx: Ctx, args: readonly string[]): Promise<number> {
  const { CertStore, removeCertificates } = await import('@sealpost/keystore');
  const removed = await removeCertificates(await CertStore.open(keyringPaths(ctx).certs), args);
  ctx.out.result({ ok: true, removed });
  for (const fp of removed) ctx.out.print(`removed ${fp}`);
  return 0;
}

async function runCheck(ctx: Ctx, [address]: readonly string[]): Promise<number> {
  const purpose = stringFlag(ctx, 'purpose') ?? 'encrypt';
  if (purpose !== 'encrypt' && purpose !== 'sign') {
    throw new SealpostError('EUSAGE', '--purpose must be encrypt or sign.');
  }
  const { CertStore, checkCertificates } = await import('@sealpost/keystore');
  const store = await CertStore.open(keyringPaths(ctx).certs);
  const certFile = stringFlag(ctx, 'cert');
  const { anchors, results } = await checkCertificates(store, address!, {
    purpose,
    anchorFiles: listFlag(ctx, 'anchor'),
    ...(certFile ? { certFile } : {}),
    cwd: ctx.cwd,
  });
  const ok = results.some((r) => r.ok);
  ctx.out.result({ ok, address, purpose, anchors, results });
  const { renderCheckRow } = await import('../keystore/cert-info.js');
  for (const r of results) ctx.out.print(renderCheckRow(r, purpose, ctx.out));
  if (!ok) {
    const code = results.find((r) => !r.ok)?.code ?? 'EKEY_NOT_FOUND';
    const { wrap } = await import('../text/layout.js');
    const say = (text: string) =>
      ctx.out.note(wrap(text, ctx.out.width - 2, '  ').replace(/^error/, ctx.out.red('error')));
    say(
      results.length === 0
        ? `error ${code}: no certificate for ${quoteUntrusted(address!)} in ${store.directory}; import one with "sealpost certs import FILE" or check a file with --cert FILE.`
        : `error ${code}: no certificate for ${quoteUntrusted(address!)} can be used to ${purpose}.`,
    );
    return 5;
  }
  return 0;
}

export const certsCommand: Command = {
  name: 'certs',
  summary: 'S/MIME certificates: import, list, remove, check (with the chain to a trust anchor)',
  usage:
    'sealpost certs import|list|remove|check [ARGS] [--keyring DIR] [--json]\n' +
    Object.values(SUB_COMMANDS)
      .map((s) => `       ${s.usage}`)
      .join('\n'),
  description:
    "Manages the S/MIME certificate store: recipients' certificates and the CAs you trust, one\n" +
    'PEM file per certificate in DIR/certs (DIR as for "sealpost keys"). A recipient certificate\n' +
    'is used only if it chains to a trust anchor YOU imported with --anchor FILE (or gave to\n' +
    '"check" with --anchor FILE): nothing is trusted just because a file was handed over, and the system\'s\n' +
    'TLS roots are not e-mail roots (docs/decisions/0051). To use a self-signed certificate,\n' +
    'import it with --anchor FILE. "check" runs the same checks "send" does — chain, dates, key usage,\n' +
    'address, key strength — and prints the chain, or the reason for refusal.',
  options: {
    keyring: {
      type: 'string',
      valueName: 'DIR',
      description: 'Keyring directory (pgp/ and certs/ below it).',
    },
    anchor: {
      type: 'string',
      multiple: true,
      valueName: 'FILE',
      description: 'import: store FILE as a trust anchor; check: also trust FILE for this check.',
    },
    cert: {
      type: 'string',
      valueName: 'FILE',
      description: 'check: check this certificate file instead of the store.',
    },
    purpose: {
      type: 'string',
      valueName: 'encrypt|sign',
      description: 'check: what the certificate is for (default encrypt).',
    },
  },
  positionals: { min: 1, max: 65 },
  examples: [
    {
      command: 'sealpost certs import --anchor company-root.pem',
      says: 'trust a CA for S/MIME (kept in the store)',
    },
    { command: 'sealpost certs import bob.pem', says: "store bob's certificate" },
    { command: 'sealpost certs list bob@example.org', says: 'the certificates stored for bob' },
    {
      command: 'sealpost certs check bob@example.org',
      says: 'would sealpost encrypt to bob, and through which chain',
    },
  ],
  async run(ctx) {
    const { name, args } = subCommand(ctx, 'certs', SUB_COMMANDS);
    switch (name) {
      case 'import':
        return runImport(ctx, args);
      case 'list':
        return runList(ctx, args);
      case 'remove':
        return runRemove(ctx, args);
      case 'check':
        return runCheck(ctx, args);
    }
  },
};
