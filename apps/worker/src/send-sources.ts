/**
 * What the API needs to protect a message, read once at start from the same config files and
 * SEALPOST_* variables as the CLI: recipient key sources (key files, the keyring) and the
 * signing key, unlocked here so that its passphrase never reaches a request or the queue.
 */
import { resolve } from 'node:path';
import type { SealpostConfig } from '@sealpost/config';
import { readConfiguredSecret } from '@sealpost/config';
import {
  dataDirPaths,
  defaultDataDir,
  type KeySources,
  loadSigningKey,
  type SignerKey,
} from '@sealpost/keystore';

export interface SendSetup {
  readonly keySources: KeySources;
  readonly signers: { readonly pgp?: SignerKey; readonly smime?: SignerKey };
}

export async function readSendSetup(
  config: SealpostConfig,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<SendSetup> {
  const keyringDir = config.keyring ? resolve(cwd, config.keyring) : defaultDataDir(env);
  const keySources: KeySources = {
    files: config.keys ?? [],
    keyringDir: dataDirPaths(keyringDir).root,
  };
  if (!config.signKey) return { keySources, signers: {} };
  const signer = await loadSigningKey(config.signKey, {
    // Asked only when the key is protected.
    passphrase: async () =>
      (await readConfiguredSecret(
        config.passphraseEnv ? { env: config.passphraseEnv } : {},
        env,
        'signing key passphrase',
      )) ?? '',
  });
  return { keySources, signers: { [signer.scheme]: signer } };
}
