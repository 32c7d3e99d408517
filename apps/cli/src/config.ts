/**
 * Settings come from three places, and the later wins: the config file
 * (`./sealpost.config.json`, else `$XDG_CONFIG_HOME/sealpost/config.json`), `SEALPOST_*`
 * environment variables, then flags. The config file may name environment variables that
 * hold secrets (`passwordEnv`), never the secrets themselves.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';

export interface SealpostConfig {
  readonly from?: string;
  readonly server?: string;
  readonly tls?: 'auto' | 'implicit' | 'starttls';
  readonly user?: string;
  readonly passwordEnv?: string;
  readonly ca?: string;
  readonly encrypt?: 'pgp' | 'smime' | 'auto' | 'none';
  readonly sign?: 'pgp' | 'smime' | 'none';
  readonly policy?: 'require' | 'prefer';
  readonly signKey?: string;
  readonly passphraseEnv?: string;
  readonly keys?: readonly string[];
  readonly keyring?: string;
}

/** Config key → environment variable. */
const ENV_NAMES: Record<keyof SealpostConfig, string> = {
  from: 'SEALPOST_FROM',
  server: 'SEALPOST_SERVER',
  tls: 'SEALPOST_TLS',
  user: 'SEALPOST_USER',
  passwordEnv: 'SEALPOST_PASSWORD_ENV',
  ca: 'SEALPOST_CA',
  encrypt: 'SEALPOST_ENCRYPT',
  sign: 'SEALPOST_SIGN',
  policy: 'SEALPOST_POLICY',
  signKey: 'SEALPOST_SIGN_KEY',
  passphraseEnv: 'SEALPOST_PASSPHRASE_ENV',
  keys: 'SEALPOST_KEYS',
  keyring: 'SEALPOST_KEYRING',
};

const ENUMS: Partial<Record<keyof SealpostConfig, readonly string[]>> = {
  tls: ['auto', 'implicit', 'starttls'],
  encrypt: ['pgp', 'smime', 'auto', 'none'],
  sign: ['pgp', 'smime', 'none'],
  policy: ['require', 'prefer'],
};

/** Keys that would put a secret into a file; refused with a pointer to the *Env variant. */
const SECRET_KEYS = ['password', 'passphrase', 'pass', 'secret'];

export function configPaths(cwd: string, env: NodeJS.ProcessEnv): string[] {
  const xdg = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return [join(cwd, 'sealpost.config.json'), join(xdg, 'sealpost', 'config.json')];
}

function validate(raw: Record<string, unknown>, where: string): SealpostConfig {
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (SECRET_KEYS.includes(key)) {
      throw new SealpostError(
        'ECONFIG',
        `${where}: "${key}" would store a secret in a file; name an environment variable with "${key === 'passphrase' ? 'passphraseEnv' : 'passwordEnv'}" instead.`,
      );
    }
    if (!Object.hasOwn(ENV_NAMES, key)) {
      throw new SealpostError(
        'ECONFIG',
        `${where}: unknown setting ${quoteUntrusted(key)}. Known: ${Object.keys(ENV_NAMES).join(', ')}.`,
      );
    }
    const allowed = ENUMS[key as keyof SealpostConfig];
    if (key === 'keys') {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
        throw new SealpostError('ECONFIG', `${where}: "keys" must be a list of file paths.`);
    } else if (typeof value !== 'string') {
      throw new SealpostError('ECONFIG', `${where}: "${key}" must be a string.`);
    } else if (allowed && !allowed.includes(value)) {
      throw new SealpostError(
        'ECONFIG',
        `${where}: "${key}" must be one of ${allowed.join(', ')}, not ${quoteUntrusted(value)}.`,
      );
    }
    config[key] = value;
  }
  return config as SealpostConfig;
}

/** The settings from the config file and the environment (flags are applied by each command). */
export function loadConfig(
  cwd: string,
  env: NodeJS.ProcessEnv,
): SealpostConfig & { readonly file?: string } {
  let fromFile: SealpostConfig = {};
  let file: string | undefined;
  for (const candidate of configPaths(cwd, env)) {
    if (!existsSync(candidate)) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(candidate, 'utf8'));
    } catch (err) {
      throw new SealpostError(
        'ECONFIG',
        `${candidate} is not valid JSON: ${(err as Error).message}`,
        { cause: err },
      );
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new SealpostError('ECONFIG', `${candidate} must hold one JSON object.`);
    fromFile = validate(parsed as Record<string, unknown>, candidate);
    file = candidate;
    break;
  }
  const fromEnv: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(ENV_NAMES)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    fromEnv[key] = key === 'keys' ? value.split(':').filter(Boolean) : value;
  }
  return { ...fromFile, ...validate(fromEnv, 'environment'), ...(file ? { file } : {}) };
}
