/** `sealpost config`: the effective settings and where each one came from. */

import { ENV_NAMES, projectConfigPath, readSettings, userConfigPath } from '@sealpost/config';
import type { Command } from '../command.js';

export const configCommand: Command = {
  name: 'config',
  summary: 'Show the effective settings and which file or variable each came from',
  usage: 'sealpost config [--json]',
  description:
    'Settings are read from your config file ($XDG_CONFIG_HOME/sealpost/config.json), then the\n' +
    "project's ./sealpost.config.json (merged over yours, key by key), then SEALPOST_* variables;\n" +
    'flags win over all of them. Paths in a file are relative to that file; "~" is your home.\n' +
    'This prints every setting in effect and its origin. Config files never hold secrets, so\n' +
    'nothing secret is printed: "passwordEnv" names a variable, whose value is not shown.',
  options: {},
  positionals: { min: 0, max: 0 },
  examples: [
    { command: 'sealpost config', says: 'every setting in effect, with its file or variable' },
    { command: 'sealpost config --json | jq .settings.server', says: 'one setting and its origin' },
  ],
  async run({ out, cwd, env }) {
    const { config, origins, files } = readSettings(cwd, env);
    const settings = Object.fromEntries(
      Object.entries(config).map(([key, value]) => [
        key,
        { value, from: origins[key as keyof typeof origins] },
      ]),
    );
    out.result({
      files: { user: userConfigPath(env), project: projectConfigPath(cwd), read: files },
      settings,
    });
    out.print(
      `user file:    ${userConfigPath(env)}${files.includes(userConfigPath(env)) ? '' : ' (none)'}`,
    );
    out.print(
      `project file: ${projectConfigPath(cwd)}${files.includes(projectConfigPath(cwd)) ? '' : ' (none)'}`,
    );
    const keys = Object.keys(settings);
    if (keys.length === 0) {
      out.print('no settings: every command uses its defaults and flags');
      return 0;
    }
    const width = Math.max(...keys.map((k) => k.length));
    for (const key of Object.keys(ENV_NAMES)) {
      const setting = settings[key];
      if (!setting) continue;
      const value = Array.isArray(setting.value) ? setting.value.join(', ') : String(setting.value);
      out.print(`${key.padEnd(width)}  ${value}`);
      out.print(
        `${''.padEnd(width)}  ${out.dim(`from ${setting.from?.kind} ${setting.from?.where}`)}`,
      );
    }
    return 0;
  },
};
