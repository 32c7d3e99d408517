// `sealpost config` and the settings every command reads: the user's file, the project's file
// merged over it, SEALPOST_* variables, and errors that name the variable or key that was wrong.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from './run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'sealpost-e2e-config-'));
const xdg = join(root, 'xdg');
const project = join(root, 'project');

beforeAll(() => {
  assertBuilt();
  mkdirSync(join(xdg, 'sealpost'), { recursive: true });
  mkdirSync(project);
  writeFileSync(
    join(xdg, 'sealpost', 'config.json'),
    JSON.stringify({ from: 'me@example.org', server: 'user.example.org', passwordEnv: 'MY_PW' }),
  );
  writeFileSync(
    join(project, 'sealpost.config.json'),
    JSON.stringify({ server: 'project.example.org:587', keys: ['keys/alice.asc'] }),
  );
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const env = (more: NodeJS.ProcessEnv = {}) => ({ HOME: root, XDG_CONFIG_HOME: xdg, ...more });

describe('sealpost config', () => {
  it('prints every setting with the file or variable it came from, never a secret', async () => {
    const result = await runCli(['config', '--json'], {
      cwd: project,
      env: env({ SEALPOST_ENCRYPT: 'pgp', MY_PW: 'hunter2-secret' }),
    });
    expect(result.code, result.stderr).toBe(0);
    const { settings, files } = JSON.parse(result.stdout);
    expect(files.read).toEqual([
      join(xdg, 'sealpost', 'config.json'),
      join(project, 'sealpost.config.json'),
    ]);
    expect(settings.from).toEqual({
      value: 'me@example.org',
      from: { kind: 'user file', where: join(xdg, 'sealpost', 'config.json') },
    });
    expect(settings.server.value).toBe('project.example.org:587');
    expect(settings.server.from.kind).toBe('project file');
    expect(settings.keys.value).toEqual([join(project, 'keys', 'alice.asc')]);
    expect(settings.encrypt.from).toEqual({ kind: 'environment', where: 'SEALPOST_ENCRYPT' });
    expect(settings.passwordEnv.value).toBe('MY_PW');
    expect(result.stdout).not.toContain('hunter2-secret');

    const human = await runCli(['config'], { cwd: project, env: env() });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/server\s+project\.example\.org:587/);
    expect(human.stdout).toContain(`from project file ${join(project, 'sealpost.config.json')}`);
  });

  it('names the variable that was wrong, not the setting behind it', async () => {
    const result = await runCli(['config'], {
      cwd: project,
      env: env({ SEALPOST_ENCRYPT: 'rot13' }),
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('ECONFIG');
    expect(result.stderr).toContain('SEALPOST_ENCRYPT must be one of pgp, smime, auto, none');
  });
});
