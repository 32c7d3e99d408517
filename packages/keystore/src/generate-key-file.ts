/**
 * A new OpenPGP key for `keys generate` (v4 Ed25519/Curve25519 by default, decision 0030), its
 * secret part written protected (RFC 9580 §3.7 S2K) to a file the user names — never into
 * the keyring, which holds public keys only — and its public part imported into the keyring.
 */
import { writeFile } from 'node:fs/promises';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type * as Pgp from '@sealpost/pgp';
import { describeKey, type KeyInfo } from './describe-key.js';
import { Keyring } from './keyring.js';

export interface GenerateInput {
  readonly address: string;
  readonly name?: string;
  readonly type: Pgp.GeneratedKeyType;
  readonly expiresInDays?: number;
  /** undefined only with --unprotected. */
  readonly passphrase: string | undefined;
  readonly secretKeyFile: string;
  readonly keyringDir: string;
}

export interface GenerateResult extends KeyInfo {
  readonly secretKeyFile: string;
  readonly revocationFile: string;
  readonly protected: boolean;
  readonly keyring: string;
}

const ADDRESS = /^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+\.[^\s@<>()",;:\\[\]]+$/;

async function writeNew(path: string, data: string): Promise<void> {
  try {
    // 'wx': never overwrite an existing key file; 0600: the secret key is for its owner only.
    await writeFile(path, data, { mode: 0o600, flag: 'wx' });
  } catch (cause) {
    const exists = (cause as NodeJS.ErrnoException).code === 'EEXIST';
    throw new SealpostError(
      'EIO',
      exists
        ? `${quoteUntrusted(path)} already exists; choose another file (keys are never overwritten).`
        : `Cannot write ${quoteUntrusted(path)}.`,
      { cause },
    );
  }
}

export async function generateKeyFile(input: GenerateInput): Promise<GenerateResult> {
  if (!ADDRESS.test(input.address)) {
    throw new SealpostError(
      'EUSAGE',
      `${quoteUntrusted(input.address)} is not a plain e-mail address (like alice@example.org).`,
    );
  }
  const pgp = await import('@sealpost/pgp');
  const generated = await pgp.generateKey({
    userIds: [{ ...(input.name ? { name: input.name } : {}), email: input.address }],
    type: input.type,
    ...(input.passphrase === undefined ? {} : { passphrase: input.passphrase }),
    ...(input.expiresInDays ? { expiresInSeconds: input.expiresInDays * 86_400 } : {}),
  });
  const revocationFile = `${input.secretKeyFile}.rev`;
  await writeNew(input.secretKeyFile, generated.armoredPrivateKey);
  await writeNew(revocationFile, generated.revocationCertificate);
  const keyring = await Keyring.open(input.keyringDir);
  const source: Pgp.KeyProvenance = {
    kind: 'file',
    location: input.secretKeyFile,
    obtainedAt: new Date().toISOString(),
  };
  await keyring.add(generated.publicKey, source);
  return {
    ...(await describeKey(generated.publicKey, { source })),
    secretKeyFile: input.secretKeyFile,
    revocationFile,
    protected: input.passphrase !== undefined,
    keyring: input.keyringDir,
  };
}
