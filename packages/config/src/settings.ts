/**
 * Settings come from four places, and the later wins: the user's config file
 * (`$XDG_CONFIG_HOME/sealpost/config.json`, else `~/.config/sealpost/config.json`), the
 * project's `./sealpost.config.json` (merged over the user's, key by key), `SEALPOST_*`
 * environment variables, then flags (applied by each command). A file may name environment
 * variables that hold secrets (`passwordEnv`), never the secrets themselves. Paths in a file
 * are relative to that file's directory; `~` is the home directory everywhere.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { quoteUntrusted, SealpostError } from '@sealpost/errors';

export interface SealpostConfig {
  readonly from?: string;
  /**
   * The domain a bare local part (`root`, as cron writes it) is qualified with by `sendmail`;
   * default the domain of `from`.
   */
  readonly domain?: string;
  /** Also encrypt every encrypted copy to the sender's own key (`from`), so the sender can read it. */
  readonly encryptToSelf?: boolean;
  readonly server?: string;
  readonly tls?: 'auto' | 'implicit' | 'starttls';
  readonly user?: string;
  readonly passwordEnv?: string;
  /** A file whose first line is the SMTP password (keep it mode 0600). */
  readonly passwordFile?: string;
  /** A command that prints the SMTP password, e.g. "pass show smtp/me" (msmtp's passwordeval). */
  readonly passwordCommand?: string;
  readonly ca?: string;
  readonly encrypt?: 'pgp' | 'smime' | 'auto' | 'none';
  readonly sign?: 'pgp' | 'smime' | 'none';
  readonly policy?: 'require' | 'prefer';
  readonly signKey?: string;
  readonly passphraseEnv?: string;
  readonly keys?: readonly string[];
  readonly keyring?: string;
}

export type ConfigKey = keyof SealpostConfig;

/** Config key → environment variable. */
export const ENV_NAMES: Readonly<Record<ConfigKey, string>> = {
  from: 'SEALPOST_FROM',
  domain: 'SEALPOST_DOMAIN',
  encryptToSelf: 'SEALPOST_ENCRYPT_TO_SELF',
  server: 'SEALPOST_SERVER',
  tls: 'SEALPOST_TLS',
  user: 'SEALPOST_USER',
  passwordEnv: 'SEALPOST_PASSWORD_ENV',
  passwordFile: 'SEALPOST_PASSWORD_FILE',
  passwordCommand: 'SEALPOST_PASSWORD_COMMAND',
  ca: 'SEALPOST_CA',
  encrypt: 'SEALPOST_ENCRYPT',
  sign: 'SEALPOST_SIGN',
  policy: 'SEALPOST_POLICY',
  signKey: 'SEALPOST_SIGN_KEY',
  passphraseEnv: 'SEALPOST_PASSPHRASE_ENV',
  keys: 'SEALPOST_KEYS',
  keyring: 'SEALPOST_KEYRING',
};

const ENUMS: Partial<Record<ConfigKey, readonly string[]>> = {
  tls: ['auto', 'implicit', 'starttls'],
  encrypt: ['pgp', 'smime', 'auto', 'none'],
  sign: ['pgp', 'smime', 'none'],
  policy: ['require', 'prefer'],
};

/** Yes/no settings: JSON true/false in a file, "true"/"false" (or 1/0) in the environment. */
const BOOLEAN_KEYS: ReadonlySet<ConfigKey> = new Set(['encryptToSelf']);
const BOOLEAN_TEXT: Readonly<Record<string, boolean>> = {
  true: true,
  false: false,
  1: true,
  0: false,
};

/** Settings that name files or directories: resolved against the file that names them. */
const PATH_KEYS: ReadonlySet<ConfigKey> = new Set([
  'ca',
  'signKey',
  'keys',
  'keyring',
  'passwordFile',
]);

/** Keys that would put a secret into a file; refused with a pointer to the *Env variant. */
const SECRET_KEYS = ['password', 'passphrase', 'pass', 'secret'];

/** Where one setting came from: a config file's path or an environment variable's name. */
export interface SettingOrigin {
  readonly kind: 'user file' | 'project file' | 'environment';
  /** The file's path, or the variable's name. */
  readonly where: string;
}

export interface Settings {
  readonly config: SealpostConfig;
  readonly origins: Readonly<Partial<Record<ConfigKey, SettingOrigin>>>;
  /** The config files that were read, user's first. */
  readonly files: readonly string[];
}

function home(env: NodeJS.ProcessEnv): string {
  return env.HOME || homedir();
}

export function userConfigPath(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_CONFIG_HOME || join(home(env), '.config');
  return join(xdg, 'sealpost', 'config.json');
}

export function projectConfigPath(cwd: string): string {
  return join(cwd, 'sealpost.config.json');
}

/** `~` and `~/x` are the home directory; a relative path is taken from `base`. */
export function expandPath(path: string, base: string, env: NodeJS.ProcessEnv): string {
  if (path === '~') return home(env);
  if (path.startsWith('~/')) return join(home(env), path.slice(2));
  return isAbsolute(path) ? path : resolve(base, path);
}

/** `label(key)` names the setting in an error: `file: "sign"` or `SEALPOST_SIGN`. */
function validate(
  raw: Record<string, unknown>,
  label: (key: string) => string,
  known: string,
): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (SECRET_KEYS.includes(key)) {
      throw new SealpostError(
        'ECONFIG',
        `${label(key)} would store a secret in a file; name an environment variable with "${key === 'passphrase' ? 'passphraseEnv' : 'passwordEnv'}" instead.`,
      );
    }
    if (!Object.hasOwn(ENV_NAMES, key)) {
      throw new SealpostError(
        'ECONFIG',
        `${label(key)} is not a setting. Known: ${known}. See "sealpost config --help".`,
      );
    }
    const allowed = ENUMS[key as ConfigKey];
    if (BOOLEAN_KEYS.has(key as ConfigKey)) {
      const flag = typeof value === 'boolean' ? value : BOOLEAN_TEXT[String(value).toLowerCase()];
      if (flag === undefined)
        throw new SealpostError('ECONFIG', `${label(key)} must be true or false.`);
      config[key] = flag;
      continue;
    }
    if (key === 'keys') {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
        throw new SealpostError('ECONFIG', `${label(key)} must be a list of file paths.`);
    } else if (typeof value !== 'string') {
      throw new SealpostError('ECONFIG', `${label(key)} must be a string.`);
    } else if (allowed && !allowed.includes(value)) {
      throw new SealpostError(
        'ECONFIG',
        `${label(key)} must be one of ${allowed.join(', ')}, not ${quoteUntrusted(value)}.`,
      );
    }
    config[key] = value;
  }
  return config;
}

function resolvePaths(
  config: Record<string, unknown>,
  base: string,
  env: NodeJS.ProcessEnv,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  for (const key of Object.keys(out) as ConfigKey[]) {
    if (!PATH_KEYS.has(key)) continue;
    const value = out[key];
    out[key] = Array.isArray(value)
      ? value.map((v: string) => expandPath(v, base, env))
      : expandPath(value as string, base, env);
  }
  return out;
}

function readConfigFile(file: string, env: NodeJS.ProcessEnv): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SealpostError('ECONFIG', `${file} is not valid JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new SealpostError('ECONFIG', `${file} must hold one JSON object.`);
  const known = Object.keys(ENV_NAMES).join(', ');
  const checked = validate(parsed as Record<string, unknown>, (key) => `${file}: "${key}"`, known);
  return resolvePaths(checked, dirname(file), env);
}

/** Every setting with its origin: user file, then project file, then SEALPOST_* variables. */
export function readSettings(cwd: string, env: NodeJS.ProcessEnv): Settings {
  const config: Record<string, unknown> = {};
  const origins: Partial<Record<ConfigKey, SettingOrigin>> = {};
  const files: string[] = [];
  const layers: [SettingOrigin['kind'], string][] = [
    ['user file', userConfigPath(env)],
    ['project file', projectConfigPath(cwd)],
  ];
  // The same file twice (run from the config directory itself) is read once.
  const seen = new Set<string>();
  for (const [kind, file] of layers) {
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    files.push(file);
    for (const [key, value] of Object.entries(readConfigFile(file, env))) {
      config[key] = value;
      origins[key as ConfigKey] = { kind, where: file };
    }
  }
  const fromEnv: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(ENV_NAMES)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    fromEnv[key] = key === 'keys' ? value.split(':').filter(Boolean) : value;
  }
  const knownVariables = Object.values(ENV_NAMES).join(', ');
  const checked = validate(fromEnv, (key) => ENV_NAMES[key as ConfigKey], knownVariables);
  for (const [key, value] of Object.entries(resolvePaths(checked, cwd, env))) {
    config[key] = value;
    origins[key as ConfigKey] = { kind: 'environment', where: ENV_NAMES[key as ConfigKey] };
  }
  return { config: config as SealpostConfig, origins, files };
}

/** The settings from the config files and the environment (flags are applied by each command). */
export function loadConfig(
  cwd: string,
  env: NodeJS.ProcessEnv,
): SealpostConfig & { readonly file?: string } {
  const { config, files } = readSettings(cwd, env);
  const file = files.at(-1);
  return { ...config, ...(file ? { file } : {}) };
}

/**
 * Where a client remembers which port and mode worked per host (host, port and mode only, no
 * secrets), so the next send does not wait for a filtered port again: `$XDG_CACHE_HOME/sealpost`.
 */
export function transportCacheFile(env: NodeJS.ProcessEnv): string {
  const cacheHome = env.XDG_CACHE_HOME || join(home(env), '.cache');
  return join(cacheHome, 'sealpost', 'transports.json');
}
