/**
 * `keys import`: flags to keystore calls — public keys from files, from GnuPG, or from
 * received messages' Autocrypt headers — and what the user is told about each.
 */
import { resolve } from 'node:path';
import { SealpostError } from '@sealpost/errors';
import {
  describeKey,
  importAutocrypt,
  importFromGnupg,
  importKeyFile,
  type KeyInfo,
  Keyring,
  readKeyBytes,
} from '@sealpost/keystore';
import type { CommandContext } from '../command.js';
import { stringFlag } from '../commands/sub-command.js';
import { renderKeyInfo } from './key-info.js';
import { keyringPaths } from './keyring-dir.js';

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
      if (ctx.values.autocrypt !== true) {
        for (const { key, source, revoked } of await importKeyFile(keyring, arg, {
          cwd: ctx.cwd,
        })) {
          const info = await describeKey(key, { source });
          if (revoked)
            ctx.out.note(`${arg}: revocation certificate applied to ${info.fingerprint}.`);
          imported.push(info);
        }
        continue;
      }
      const found = await importAutocrypt(
        keyring,
        await readKeyBytes(arg, ctx.cwd),
        resolve(ctx.cwd, arg),
      );
      if ('ignored' in found) {
        ctx.out.note(`${arg}: ignored: ${found.ignored}`);
      } else if ('kept' in found) {
        ctx.out.note(
          `${arg}: key already in the keyring (from ${found.kept.source.kind}); kept as it is.`,
        );
      } else {
        imported.push(
          await describeKey(found.key, { source: found.source, address: found.address }),
        );
      }
    }
  }
  ctx.out.result({ ok: true, imported });
  if (imported.length === 0) ctx.out.print(ctx.out.dim('(no keys)'));
  for (const info of imported) ctx.out.print(renderKeyInfo(info, ctx.out));
  ctx.out.note(`${imported.length} key(s) imported into ${keyring.directory}.`);
  return 0;
}
