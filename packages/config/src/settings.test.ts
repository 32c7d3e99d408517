import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, readSettings, transportCacheFile } from './settings.js';

const root = mkdtempSync(join(tmpdir(), 'sealpost-config-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function dir(name: string, config?: unknown): string {
  const d = join(root, name);
  mkdirSync(d, { recursive: true });
  if (config !== undefined) writeFileSync(join(d, 'sealpost.config.json'), JSON.stringify(config));
  return d;
}

describe('loadConfig', () => {
  it('reads ./sealpost.config.json, then lets SEALPOST_* variables win', () => {
    const cwd = dir('a', { server: 'smtp.example.org:465', encrypt: 'pgp', keys: ['a.asc'] });
    const config = loadConfig(cwd, {
      SEALPOST_ENCRYPT: 'smime',
      XDG_CONFIG_HOME: join(root, 'none'),
    });
    expect(config).toMatchObject({
      server: 'smtp.example.org:465',
      encrypt: 'smime',
      // Relative to the file that names it.
      keys: [join(cwd, 'a.asc')],
    });
    expect(config.file).toBe(join(cwd, 'sealpost.config.json'));
  });

  it('reads domain and the yes/no encryptToSelf from a file and from SEALPOST_*', () => {
    const env = { XDG_CONFIG_HOME: join(root, 'none') };
    const cwd = dir('self', { domain: 'example.org', encryptToSelf: true });
    expect(loadConfig(cwd, env)).toMatchObject({ domain: 'example.org', encryptToSelf: true });
    expect(loadConfig(cwd, { ...env, SEALPOST_ENCRYPT_TO_SELF: 'false' }).encryptToSelf).toBe(
      false,
    );
    expect(() => loadConfig(dir('self-bad', { encryptToSelf: 'maybe' }), env)).toThrow(
      /"encryptToSelf" must be true or false/,
    );
  });

  it('falls back to $XDG_CONFIG_HOME/sealpost/config.json', () => {
    const xdg = dir('xdg');
    mkdirSync(join(xdg, 'sealpost'));
    writeFileSync(join(xdg, 'sealpost', 'config.json'), JSON.stringify({ user: 'me' }));
    expect(loadConfig(dir('b'), { XDG_CONFIG_HOME: xdg })).toMatchObject({ user: 'me' });
  });

  it('refuses secrets, unknown keys and bad values in the file, with the file named', () => {
    const env = { XDG_CONFIG_HOME: join(root, 'none') };
    expect(() => loadConfig(dir('c', { password: 'hunter2' }), env)).toThrow(/passwordEnv/);
    expect(() => loadConfig(dir('d', { sever: 'x' }), env)).toThrow(/"sever" is not a setting/);
    expect(() => loadConfig(dir('e', { tls: 'maybe' }), env)).toThrow(
      /must be one of auto, implicit, starttls/,
    );
    expect(() => loadConfig(dir('f', { tls: 'maybe' }), env)).toThrow(/sealpost\.config\.json/);
    // The variable is named, not the config key behind it.
    expect(() => loadConfig(dir('g'), { ...env, SEALPOST_SIGN: 'gpg' })).toThrow(
      /^SEALPOST_SIGN must be one of pgp, smime, none, not "gpg"\./,
    );
  });

  it('never echoes a refused secret', () => {
    const env = { XDG_CONFIG_HOME: join(root, 'none') };
    expect(() => loadConfig(dir('h', { passphrase: 'top-secret-value' }), env)).not.toThrow(
      /top-secret-value/,
    );
  });
});

describe('readSettings', () => {
  function userDir(name: string, config: unknown): string {
    const xdg = dir(name);
    mkdirSync(join(xdg, 'sealpost'), { recursive: true });
    writeFileSync(join(xdg, 'sealpost', 'config.json'), JSON.stringify(config));
    return xdg;
  }

  it("merges the project file over the user's, key by key, and records each origin", () => {
    const xdg = userDir('merge-user', { from: 'me@example.org', server: 'user.example.org' });
    const cwd = dir('merge-project', { server: 'project.example.org:587' });
    const { config, origins, files } = readSettings(cwd, {
      XDG_CONFIG_HOME: xdg,
      SEALPOST_POLICY: 'prefer',
    });
    expect(config).toEqual({
      from: 'me@example.org',
      server: 'project.example.org:587',
      policy: 'prefer',
    });
    expect(origins.from).toEqual({
      kind: 'user file',
      where: join(xdg, 'sealpost', 'config.json'),
    });
    expect(origins.server).toEqual({
      kind: 'project file',
      where: join(cwd, 'sealpost.config.json'),
    });
    expect(origins.policy).toEqual({ kind: 'environment', where: 'SEALPOST_POLICY' });
    expect(files).toEqual([
      join(xdg, 'sealpost', 'config.json'),
      join(cwd, 'sealpost.config.json'),
    ]);
  });

  it('resolves relative paths against the file that names them and expands ~', () => {
    const xdg = userDir('paths-user', { keyring: 'ring', signKey: '~/me.asc' });
    const cwd = dir('paths-project', { keys: ['keys/alice.asc', '/abs/bob.pem'], ca: '../ca.pem' });
    const { config } = readSettings(cwd, {
      XDG_CONFIG_HOME: xdg,
      HOME: '/home/someone',
      SEALPOST_CA: '~/env-ca.pem',
    });
    expect(config.keyring).toBe(join(xdg, 'sealpost', 'ring'));
    expect(config.signKey).toBe('/home/someone/me.asc');
    expect(config.keys).toEqual([join(cwd, 'keys/alice.asc'), '/abs/bob.pem']);
    // The variable wins over the project file, and its ~ is expanded too.
    expect(config.ca).toBe('/home/someone/env-ca.pem');
  });
});
describe('transportCacheFile', () => {
  it('lives under $XDG_CACHE_HOME, else ~/.cache', () => {
    expect(transportCacheFile({ XDG_CACHE_HOME: '/c', HOME: '/h' })).toBe(
      '/c/sealpost/transports.json',
    );
    expect(transportCacheFile({ HOME: '/h' })).toBe('/h/.cache/sealpost/transports.json');
  });
});
