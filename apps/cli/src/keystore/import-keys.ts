/**
 * `keys import`: public keys from files (any number per file, armored or binary; secret keys
 * are reduced to their public part), from GnuPG, or from received messages' Autocrypt headers.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import { importFromGnupg, Keyring } from '@sealpost/pgp/node';
import { parseKeyFile } from '@sealpost/pipeline';
import type { CommandContext } from '../command.js';
import { autocryptFromMessage } from './autocrypt-import.js';
import { describeKey, type KeyInfo, renderKeyInfo } from './key-info.js';
import { keyringPaths } from './keyring-dir.js';
import { stringFlag } from './sub-command.js';

export async function runImport(
  ctx: CommandContext,
  args: readonly string[],
  usage: string,
): Promise<number> {
  const keyring = await Keyring.open(keyringPaths(ctx).pgp);
  const imported: KeyInfo[] = [];
  if (ctx.values['from-gnupg'] === true && ctx.values.autocrypt === true) {
    throw new SealpostError('EUSAGE', '--from-gnupg and --autocrypt cannot be combined.');
  }
  if (ctx.values['from-gnupg'] === true) {
    const home = stringFlag(ctx, 'gnupg-home');
    const entries = await importFromGnupg(keyring, {
      ...(home ? { gnupgHome: resolve(ctx.cwd, home) } : {}),
      ...(args.length ? { select: args } : {}),
    });
    for (const entry of entries) {
      const key = await keyring.get(entry.fingerprint);
      if (key) imported.push(await describeKey(key, { source: entry.source }));
    }
  } else {
    if (args.length === 0) {
      throw new SealpostError('EUSAGE', `Name key files, or use --from-gnupg. Usage: ${usage}`);
    }
    for (const arg of args) {
      const path = resolve(ctx.cwd, arg);
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(path));
      } catch (cause) {
        throw new SealpostError('EIO', `Cannot read ${quoteUntrusted(arg)}.`, { cause });
      }
      if (ctx.values.autocrypt === true) {
        const found = await autocryptFromMessage(bytes, path);
        if ('ignored' in found) {
          ctx.out.note(`${arg}: ignored: ${found.ignored}`);
          continue;
        }
        const known = keyring
          .list()
          .find((e) => e.fingerprint === found.key.getFingerprint().toUpperCase());
        if (known && known.source.kind !== 'autocrypt') {
          // Never downgrade a key the user vetted to trust-on-first-use.
          ctx.out.note(
            `${arg}: key already in the keyring (from ${known.source.kind}); kept as it is.`,
          );
          continue;
        }
        await keyring.add(found.key, found.source);
        imported.push(
          await describeKey(found.key, { source: found.source, address: found.address }),
        );
        continue;
      }
      const contents = await parseKeyFile(bytes, arg);
      if (contents.format !== 'pgp') {
        throw new SealpostError(
          'EKEY_FILE',
          `${quoteUntrusted(arg)} holds X.509 certificates: import them with "sealpost certs import".`,
        );
      }
      for (const key of contents.pgpKeys) {
        const source = {
          kind: 'file' as const,
          location: path,
          obtainedAt: new Date().toISOString(),
        };
        await keyring.add(key, source);
        const stored = await keyring.get(key.getFingerprint());
        imported.push(await describeKey(stored ?? key, { source }));
      }
    }
  }
  ctx.out.result({ ok: true, imported });
  if (imported.length === 0) ctx.out.print(ctx.out.dim('(no keys)'));
  for (const info of imported) ctx.out.print(renderKeyInfo(info, ctx.out));
  ctx.out.note(`${imported.length} key(s) imported into ${keyring.directory}.`);
  return 0;
}
