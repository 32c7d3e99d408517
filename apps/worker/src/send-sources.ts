/**
 * What the API needs to protect a message, from the same config files and SEALPOST_* variables
 * as the CLI: recipient key sources (key files, the keyring) and the signing key, unlocked here
 * so that its passphrase never reaches a request or the queue. Parsed key files are kept in a
 * KeyFileCache, so a request reads no key file that has not changed since the last one; a
 * replaced signing key file is unlocked again on the next request (decision 0134).
 */
import { resolve } from 'node:path';
import type { SealpostConfig } from '@sealpost/config';
import { readConfiguredSecret } from '@sealpost/config';
import {
  dataDirPaths,
  defaultDataDir,
  KeyFileCache,
  type KeySources,
  loadSigningKey,
  type SignerKey,
} from '@sealpost/keystore';
import type { CopyBuilder } from '@sealpost/pipeline';

export interface Signers {
  readonly pgp?: SignerKey;
  readonly smime?: SignerKey;
}

export interface SendSetup {
  readonly keySources: KeySources;
  /** The signing keys now: the unlocked key, unlocked again only when its file changed. */
  signers(): Promise<Signers>;
  /** Builds the copies (a createPgpCopyPool() in serve); absent: the main thread. */
  readonly copyBuilder?: CopyBuilder;
}

export async function readSendSetup(
  config: SealpostConfig,
  env: NodeJS.ProcessEnv,
  cwd: string,
  options: { readonly copyBuilder?: CopyBuilder; readonly cache?: KeyFileCache } = {},
): Promise<SendSetup> {
  const cache = options.cache ?? new KeyFileCache();
  const keyringDir = config.keyring ? resolve(cwd, config.keyring) : defaultDataDir(env);
  const keySources: KeySources = {
    files: (config.keys ?? []).map((file) => resolve(cwd, file)),
    keyringDir: dataDirPaths(keyringDir).root,
    cache,
  };
  const builder = options.copyBuilder ? { copyBuilder: options.copyBuilder } : {};
  const { signKey } = config;
  if (!signKey) return { keySources, signers: async () => ({}), ...builder };
  const file = resolve(cwd, signKey);
  const load = async (): Promise<Signers> => {
    const signer = await loadSigningKey(file, {
      // Asked only when the key is protected.
      passphrase: async () =>
        (await readConfiguredSecret(
          config.passphraseEnv ? { env: config.passphraseEnv } : {},
          env,
          'signing key passphrase',
        )) ?? '',
    });
    return { [signer.scheme]: signer };
  };
  const signers = () => cache.read(file, 'signing key', load);
  // Unlocked once at start, so a wrong passphrase or a broken key stops the worker there.
  await signers();
  return { keySources, signers, ...builder };
}
