/** `sealpost keys generate|import|export|list|remove|revoke|discover`: the OpenPGP keyring. */
import { resolve } from 'node:path';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type { KeyInfo } from '@sealpost/keystore';
import type { Command, CommandContext } from '../command.js';
import { keyringPaths } from '../keystore/keyring-dir.js';
import { readSecret } from '../secrets.js';
import { listFlag, type SubCommandSpec, stringFlag, subCommand } from './sub-command.js';

const SUB_COMMANDS = {
  generate: {
    positionals: { min: 1, max: 1 },
    flags: ['out', 'name', 'type', 'expires', 'passphrase-env', 'passphrase-file', 'unprotected'],
    usage:
      'sealpost keys generate ADDRESS --out FILE [--name NAME] [--type ecc|rsa|v6] [--expires DAYS] [--passphrase-env VAR | --passphrase-file FILE | --unprotected]',
  },
  import: {
    positionals: { min: 0, max: 64 },
    flags: ['from-gnupg', 'gnupg-home', 'autocrypt'],
    usage:
      'sealpost keys import FILE... | --autocrypt MESSAGE.eml... | --from-gnupg [--gnupg-home DIR] [ADDRESS|FINGERPRINT...]',
  },
  export: {
    positionals: { min: 0, max: 64 },
    flags: ['out'],
    usage: 'sealpost keys export [ADDRESS|FINGERPRINT|KEYID...] [--out FILE]',
  },
  list: {
    positionals: { min: 0, max: 1 },
    flags: [],
    usage: 'sealpost keys list [ADDRESS|FINGERPRINT|KEYID]',
  },
  remove: {
    positionals: { min: 1, max: 64 },
    flags: [],
    usage: 'sealpost keys remove FINGERPRINT|KEYID|ADDRESS...',
  },
  revoke: {
    positionals: { min: 1, max: 1 },
    flags: ['revocation'],
    usage: 'sealpost keys revoke FINGERPRINT|KEYID|ADDRESS [--revocation FILE.rev]',
  },
  discover: {
    positionals: { min: 1, max: 1 },
    flags: ['method', 'vks-url', 'import', 'timeout'],
    usage: 'sealpost keys discover ADDRESS [--method wkd|vks]... [--vks-url URL] [--import]',
  },
} satisfies Record<string, SubCommandSpec>;

type Ctx = CommandContext;

function print(ctx: Ctx, infos: readonly KeyInfo[], render: (i: KeyInfo) => string): void {
  if (infos.length === 0) ctx.out.print(ctx.out.dim('(no keys)'));
  for (const info of infos) ctx.out.print(render(info));
}

async function renderer(ctx: Ctx) {
  const { renderKeyInfo } = await import('../keystore/key-info.js');
  return (info: KeyInfo) => renderKeyInfo(info, ctx.out);
}

/** A sentence printed at the output width, continued two columns in. */
async function prose(ctx: Ctx): Promise<(text: string) => void> {
  const { wrap } = await import('../text/layout.js');
  return (text) => ctx.out.print(wrap(text, ctx.out.width - 2, '  '));
}

async function runGenerate(ctx: Ctx, [address]: readonly string[]): Promise<number> {
  const out = stringFlag(ctx, 'out');
  if (!out) throw new SealpostError('EUSAGE', 'keys generate needs --out FILE for the secret key.');
  const type = stringFlag(ctx, 'type') ?? 'ecc';
  if (type !== 'ecc' && type !== 'rsa' && type !== 'v6') {
    throw new SealpostError('EUSAGE', '--type must be ecc, rsa or v6.');
  }
  const expires = stringFlag(ctx, 'expires');
  if (expires !== undefined && !/^[1-9]\d{0,5}$/.test(expires)) {
    throw new SealpostError('EUSAGE', '--expires wants a number of days, e.g. 730.');
  }
  const unprotected = ctx.values.unprotected === true;
  const env = stringFlag(ctx, 'passphrase-env');
  const file = stringFlag(ctx, 'passphrase-file');
  if (unprotected && (env || file)) {
    throw new SealpostError('EUSAGE', '--unprotected cannot be combined with a passphrase.');
  }
  let passphrase: string | undefined;
  if (!unprotected) {
    passphrase = await readSecret(
      {
        ...(env ? { env } : {}),
        ...(file ? { file: resolve(ctx.cwd, file) } : {}),
        prompt: 'Passphrase for the new secret key: ',
      },
      ctx,
      'new key passphrase',
    );
    if (!passphrase) {
      throw new SealpostError(
        'EUSAGE',
        'The secret key needs a passphrase: give --passphrase-env VAR or --passphrase-file FILE (or run on a terminal to be asked), or --unprotected to store it in the clear.',
      );
    }
    if (!env && !file) {
      // Typed blind: a typo would lock the new key away for good, so ask twice.
      const again = await readSecret({ prompt: 'Repeat the passphrase: ' }, ctx, 'passphrase');
      if (again !== passphrase) {
        throw new SealpostError('EUSAGE', 'The two passphrases differ; nothing was generated.');
      }
    }
  }
  const { generateKeyFile } = await import('@sealpost/keystore');
  const paths = keyringPaths(ctx);
  const result = await generateKeyFile({
    address: address!,
    ...(stringFlag(ctx, 'name') ? { name: stringFlag(ctx, 'name')! } : {}),
    type,
    ...(expires ? { expiresInDays: Number(expires) } : {}),
    passphrase,
    secretKeyFile: resolve(ctx.cwd, out),
    keyringDir: paths.pgp,
  });
  ctx.out.result({ ok: true, key: result });
  ctx.out.print((await renderer(ctx))(result));
  const say = await prose(ctx);
  say(
    `Secret key written to ${result.secretKeyFile}${result.protected ? ' (passphrase-protected)' : ctx.out.red(' (NOT protected)')}.`,
  );
  say(`Revocation certificate: ${result.revocationFile} (keep it apart from the key).`);
  say(`Public key imported into ${paths.pgp}.`);
  return 0;
}

async function runExport(ctx: Ctx, args: readonly string[]): Promise<number> {
  const [{ exportKeys, Keyring }, { writeFile }] = await Promise.all([
    import('@sealpost/keystore'),
    import('node:fs/promises'),
  ]);
  const keys = await exportKeys(await Keyring.open(keyringPaths(ctx).pgp), args);
  const out = stringFlag(ctx, 'out');
  const armored = keys.map((k) => k.armored).join('');
  if (out) {
    try {
      await writeFile(resolve(ctx.cwd, out), armored);
    } catch (cause) {
      throw new SealpostError('EIO', `Cannot write ${quoteUntrusted(out)}.`, { cause });
    }
    ctx.out.note(`${keys.length} public key(s) written to ${out}.`);
  } else if (!ctx.out.json) {
    ctx.out.print(armored.trimEnd());
  }
  ctx.out.result({ ok: true, keys, ...(out ? { file: resolve(ctx.cwd, out) } : {}) });
  return 0;
}

async function runList(ctx: Ctx, [address]: readonly string[]): Promise<number> {
  const { describeKey, Keyring, matchKeys } = await import('@sealpost/keystore');
  const keyring = await Keyring.open(keyringPaths(ctx).pgp);
  const entries = address ? matchKeys(keyring, address) : keyring.list();
  const keys: KeyInfo[] = [];
  for (const entry of entries) {
    const key = await keyring.get(entry.fingerprint);
    if (key) {
      keys.push(
        await describeKey(key, {
          source: entry.source,
          ...(address?.includes('@') ? { address } : {}),
        }),
      );
    }
  }
  ctx.out.result({ keyring: keyring.directory, keys });
  print(ctx, keys, await renderer(ctx));
  return 0;
}

async function runRemove(ctx: Ctx, args: readonly string[]): Promise<number> {
  const { Keyring, removeKeys } = await import('@sealpost/keystore');
  const removed = await removeKeys(await Keyring.open(keyringPaths(ctx).pgp), args);
  ctx.out.result({ ok: true, removed });
  for (const fp of removed) ctx.out.print(`removed ${fp}`);
  return 0;
}

async function runRevoke(ctx: Ctx, [selector]: readonly string[]): Promise<number> {
  const [{ describeKey, Keyring, revokeKey }, render] = await Promise.all([
    import('@sealpost/keystore'),
    renderer(ctx),
  ]);
  const revocationFile = stringFlag(ctx, 'revocation');
  const revoked = await revokeKey(await Keyring.open(keyringPaths(ctx).pgp), selector!, {
    ...(revocationFile ? { revocationFile } : {}),
    cwd: ctx.cwd,
  });
  const key = await describeKey(revoked.key, { source: revoked.source });
  ctx.out.result({ ok: true, key, revocationFile: revoked.revocationFile });
  ctx.out.print(render(key));
  (await prose(ctx))(`Revoked with ${revoked.revocationFile}; sealpost will not encrypt to it.`);
  return 0;
}

async function runDiscover(ctx: Ctx, [address]: readonly string[]): Promise<number> {
  const methods = listFlag(ctx, 'method');
  for (const m of methods) {
    if (m !== 'wkd' && m !== 'vks')
      throw new SealpostError('EUSAGE', '--method must be wkd or vks.');
  }
  const timeout = stringFlag(ctx, 'timeout');
  if (timeout !== undefined && !/^\d+$/.test(timeout)) {
    throw new SealpostError('EUSAGE', '--timeout wants milliseconds, e.g. 10000.');
  }
  const vksUrl = stringFlag(ctx, 'vks-url');
  if (vksUrl !== undefined && !/^https:\/\/[^/\s]+$/i.test(vksUrl)) {
    throw new SealpostError(
      'EUSAGE',
      '--vks-url wants an https:// origin, e.g. https://keys.openpgp.org.',
    );
  }
  const { discoverKeys, Keyring } = await import('@sealpost/keystore');
  const result = await discoverKeys(address!, {
    methods: methods.length ? (methods as ('wkd' | 'vks')[]) : ['wkd', 'vks'],
    ...(vksUrl ? { vksBaseUrl: vksUrl } : {}),
    ...(timeout ? { timeoutMs: Number(timeout) } : {}),
  });
  const imported: string[] = [];
  if (ctx.values.import === true) {
    const keyring = await Keyring.open(keyringPaths(ctx).pgp);
    for (const [i, info] of result.found.entries()) {
      if (!info.usable) continue;
      const d = result.keys[i]!;
      await keyring.add(d.key, d.source);
      imported.push(info.fingerprint);
    }
  }
  const usable = result.found.some((k) => k.usable);
  ctx.out.result({
    ok: usable,
    address: result.address,
    found: result.found,
    failures: result.failures,
    imported,
  });
  const { renderKeyInfo } = await import('../keystore/key-info.js');
  for (const f of result.failures) ctx.out.note(`${f.method}: ${f.code}: ${f.message}`);
  // The method prefix takes 4 columns of the first line.
  const narrower = { ...ctx.out, width: ctx.out.width - 4 };
  for (const info of result.found)
    ctx.out.print(`${ctx.out.bold(info.method.toUpperCase())} ${renderKeyInfo(info, narrower)}`);
  if (imported.length) ctx.out.print(`Imported ${imported.length} key(s) into the keyring.`);
  if (!usable) {
    ctx.out.note(
      `${ctx.out.red('error')} EKEY_NOT_FOUND: no usable key for ${quoteUntrusted(address!)} was found by ${result.found.length || result.failures.length ? 'the methods asked' : 'any method'}.`,
    );
    return 5;
  }
  return 0;
}

export const keysCommand: Command = {
  name: 'keys',
  summary: 'OpenPGP keys: generate, import, export, list, remove, revoke, discover',
  usage:
    'sealpost keys generate|import|export|list|remove|revoke|discover [ARGS] [--keyring DIR] [--json]\n' +
    Object.values(SUB_COMMANDS)
      .map((s) => `       ${s.usage}`)
      .join('\n'),
  description:
    'Manages the OpenPGP keyring sealpost encrypts from: public keys only, one file per key in\n' +
    'DIR/pgp (default $XDG_DATA_HOME/sealpost, else ~/.local/share/sealpost; --keyring or the\n' +
    'config\'s "keyring" change it). "generate" makes your own key: the secret key goes to the\n' +
    'file you name, passphrase-protected, with a revocation certificate beside it; the public\n' +
    'key goes into the keyring. "list" says for each key whether sealpost would encrypt to it\n' +
    'now, and if not, why (expired, revoked, weak...). "discover" asks the recipient\'s domain\n' +
    '(WKD) and keys.openpgp.org (VKS) and shows where each key came from; it tells those servers\n' +
    'whom you are looking up, so it runs only when you ask. "revoke" applies the revocation\n' +
    'certificate "generate" wrote (or --revocation FILE) to the keyring copy; "import" of a\n' +
    '.rev file does the same. A key is named by its full fingerprint, its long key ID (16 hex\n' +
    'digits, 0x allowed) or an address; "remove" and "revoke" refuse a name that fits several.',
  options: {
    keyring: {
      type: 'string',
      valueName: 'DIR',
      description: 'Keyring directory (pgp/ and certs/ below it).',
    },
    out: {
      type: 'string',
      valueName: 'FILE',
      description: 'generate: the secret key file; export: write here, not stdout.',
    },
    name: { type: 'string', valueName: 'NAME', description: 'generate: the name in the user ID.' },
    type: {
      type: 'string',
      valueName: 'ecc|rsa|v6',
      description: 'generate: key type (default ecc: Ed25519 + Curve25519, v4).',
    },
    expires: {
      type: 'string',
      valueName: 'DAYS',
      description: 'generate: expire after DAYS (default never).',
    },
    'passphrase-env': {
      type: 'string',
      valueName: 'VAR',
      description: 'generate: the passphrase is in this environment variable.',
    },
    'passphrase-file': {
      type: 'string',
      valueName: 'FILE',
      description: 'generate: the passphrase is the first line of FILE.',
    },
    unprotected: {
      type: 'boolean',
      description: 'generate: store the secret key without a passphrase.',
    },
    'from-gnupg': {
      type: 'boolean',
      description: 'import: copy public keys from GnuPG (gpg --export).',
    },
    autocrypt: {
      type: 'boolean',
      description:
        'import: the files are received messages; keep the key of their Autocrypt header.',
    },
    'gnupg-home': {
      type: 'string',
      valueName: 'DIR',
      description: "import: the GnuPG home to read (default GnuPG's own).",
    },
    method: {
      type: 'string',
      multiple: true,
      valueName: 'wkd|vks',
      description: 'discover: ask only this method (default both, WKD first).',
    },
    'vks-url': {
      type: 'string',
      valueName: 'URL',
      description: 'discover: the key server (default https://keys.openpgp.org).',
    },
    import: { type: 'boolean', description: 'discover: add the usable keys found to the keyring.' },
    revocation: {
      type: 'string',
      valueName: 'FILE',
      description: 'revoke: the revocation certificate (default: the .rev beside the key).',
    },
    timeout: {
      type: 'string',
      valueName: 'MS',
      description: 'discover: per-request timeout (default 10000).',
    },
  },
  positionals: { min: 1, max: 65 },
  examples: [
    {
      command:
        'SEALPOST_PASS=… sealpost keys generate me@example.org --name "Me" --out me.sec.asc --passphrase-env SEALPOST_PASS',
      says: 'a new key; the secret key in me.sec.asc, the public key in the keyring',
    },
    { command: 'sealpost keys import alice.asc bob.gpg', says: 'add public keys from files' },
    {
      command: 'sealpost keys import --from-gnupg alice@example.org',
      says: "copy alice's key from GnuPG",
    },
    {
      command: 'sealpost keys import --autocrypt received.eml',
      says: 'keep the key a correspondent sent in an Autocrypt header (used last, after other sources)',
    },
    {
      command: 'sealpost keys export me@example.org > me.asc',
      says: 'your public key, armored, to give to others',
    },
    {
      command: 'sealpost keys list',
      says: 'every key: fingerprint, addresses, algorithm, expiry, usable or why not',
    },
    {
      command: 'sealpost keys revoke me@example.org',
      says: 'apply the revocation certificate me.sec.asc.rev that "generate" wrote',
    },
    {
      command: 'sealpost keys discover alice@example.org --import',
      says: "find alice's key by WKD or keys.openpgp.org and keep it",
    },
  ],
  async run(ctx) {
    const { name, args } = subCommand(ctx, 'keys', SUB_COMMANDS);
    switch (name) {
      case 'generate':
        return runGenerate(ctx, args);
      case 'import': {
        const { runImport } = await import('../keystore/import-keys.js');
        return runImport(ctx, args, SUB_COMMANDS.import.usage);
      }
      case 'export':
        return runExport(ctx, args);
      case 'list':
        return runList(ctx, args);
      case 'remove':
        return runRemove(ctx, args);
      case 'revoke':
        return runRevoke(ctx, args);
      case 'discover':
        return runDiscover(ctx, args);
    }
  },
};
