import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

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
      keys: ['a.asc'],
    });
    expect(config.file).toBe(join(cwd, 'sealpost.config.json'));
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
    expect(() => loadConfig(dir('d', { sever: 'x' }), env)).toThrow(/unknown setting "sever"/);
    expect(() => loadConfig(dir('e', { tls: 'maybe' }), env)).toThrow(
      /must be one of auto, implicit, starttls/,
    );
    expect(() => loadConfig(dir('f', { tls: 'maybe' }), env)).toThrow(/sealpost\.config\.json/);
    expect(() => loadConfig(dir('g'), { ...env, SEALPOST_SIGN: 'gpg' })).toThrow(
      /environment: "sign"/,
    );
  });

  it('never echoes a refused secret', () => {
    const env = { XDG_CONFIG_HOME: join(root, 'none') };
    expect(() => loadConfig(dir('h', { passphrase: 'top-secret-value' }), env)).not.toThrow(
      /top-secret-value/,
    );
  });
});
