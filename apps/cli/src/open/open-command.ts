/** What `decrypt` and `verify` share: loading keys and libraries, writing the result. */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type { LoadOpenKeysInput, OpenKeys, SmimeIdentity } from '@sealpost/keystore';
import type * as Pgp from '@sealpost/pgp';
import type { CommandContext, OptionSpec } from '../command.js';
import { keyringPaths } from '../keystore/keyring-dir.js';
import { readMessageFile } from '../message-file.js';
import { readSecret } from '../secrets.js';
import type { OpenedMessage, OpenLibs } from './open-message.js';

/** The decryption keys as open-message.ts takes them (until pipeline's openMessage takes OpenKeys). */
export interface DecryptionKeys {
  readonly pgp: readonly Pgp.PrivateKey[];
  readonly smime: SmimeIdentity | undefined;
}

export const OPEN_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  anchor: {
    type: 'string',
    multiple: true,
    valueName: 'FILE',
    description:
      'Trust this CA certificate (PEM/DER) as an anchor for S/MIME signers (repeatable), as in "send --anchor".',
  },
  ca: {
    type: 'string',
    multiple: true,
    valueName: 'FILE',
    description: 'Same as --anchor here (there is no server to connect to).',
  },
  out: {
    type: 'string',
    valueName: 'FILE',
    description: 'Write the inner message to FILE instead of printing it.',
  },
  keyring: {
    type: 'string',
    valueName: 'DIR',
    description: 'Keyring whose OpenPGP keys and S/MIME anchors are trusted too (default: yours).',
  },
};

/** Loaded on use so that `sealpost --version` does not pay for openpgp.js and pkijs. */
export async function loadOpenLibs(): Promise<OpenLibs> {
  const compose = await import('@sealpost/compose');
  return {
    compose,
    pgp: () => import('@sealpost/pgp'),
    smime: () => import('@sealpost/smime'),
    rsaRawDecrypt: async () => (await import('@sealpost/smime/node')).rsaRawDecrypt,
  };
}

/** --anchor and --ca: both name S/MIME trust anchors in decrypt/verify (decision 0058). */
export function anchorFiles(values: CommandContext['values']): string[] {
  return [...stringList(values.anchor), ...stringList(values.ca)];
}

export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? (value as string[]) : typeof value === 'string' ? [value] : [];
}

/**
 * The keys for decrypt/verify from the keystore: the given files (read by its one key
 * reader), plus what the user's keyring vouches for (--keyring, config, XDG; read-only).
 */
export async function loadKeys(
  ctx: CommandContext,
  files: Pick<LoadOpenKeysInput, 'decryptionKeyFiles' | 'verificationKeyFiles' | 'passphrase'>,
): Promise<OpenKeys> {
  const { loadOpenKeys } = await import('@sealpost/keystore');
  return loadOpenKeys({
    ...files,
    anchorFiles: anchorFiles(ctx.values),
    dataDir: keyringPaths(ctx).root,
    onSkippedKey: (fingerprint, err) =>
      ctx.out.note(`note: skipping keyring entry ${fingerprint}: ${err.message}`),
    cwd: ctx.cwd,
  });
}

export function passphraseReader(ctx: CommandContext): () => Promise<string | undefined> {
  let cached: Promise<string | undefined> | undefined;
  const env = ctx.values['passphrase-env'] as string | undefined;
  const file = ctx.values['passphrase-file'] as string | undefined;
  if (env !== undefined && file !== undefined) {
    throw new SealpostError(
      'EUSAGE',
      'Give either --passphrase-env or --passphrase-file, not both.',
    );
  }
  return () => {
    cached ??= readSecret(
      {
        ...(env !== undefined ? { env } : {}),
        ...(file !== undefined ? { file: resolve(ctx.cwd, file) } : {}),
        prompt: 'Passphrase for the key: ',
      },
      { env: ctx.env, stdin: ctx.stdin },
      'key passphrase',
    );
    return cached;
  };
}

export async function messageBytes(ctx: CommandContext): Promise<Uint8Array> {
  return readMessageFile(ctx.cwd, ctx.positionals[0]!);
}

/** Prints or writes the opened message; --out never overwrites an existing file silently. */
export async function emitOpened(ctx: CommandContext, opened: OpenedMessage): Promise<void> {
  const [{ openedJson, renderOpened }] = await Promise.all([import('./render-opened.js')]);
  const outFile = ctx.values.out as string | undefined;
  if (outFile !== undefined) {
    try {
      await writeFile(resolve(ctx.cwd, outFile), opened.message, { flag: 'wx', mode: 0o600 });
    } catch (cause) {
      throw new SealpostError(
        'EIO',
        `Cannot write ${quoteUntrusted(outFile)} (it must not exist yet).`,
        { cause },
      );
    }
  }
  ctx.out.result(openedJson(opened, outFile ?? null));
  ctx.out.print(renderOpened(opened, outFile ?? null, ctx.out));
}
