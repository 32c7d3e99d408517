import { describe, expect, it } from 'vitest';
import type { Command } from './command.js';
import { commandHelp, mainHelp, reflow } from './help.js';

const command: Command = {
  name: 'demo-command',
  summary: 'A command with long texts, to lay out',
  usage:
    'sealpost thing ADDRESS --out FILE [--name NAME] [--passphrase-env VAR | --passphrase-file FILE | --unprotected] [--json]',
  description:
    'First line of a description written with hard line ends\nthat the help re-flows, however long the lines were, into lines that fit the width given to it.\n\nA second paragraph.',
  options: {
    'a-rather-long-flag-name': {
      type: 'string',
      valueName: 'SOMETHING-LONG',
      description: 'A flag whose name is too long for the flag column, so its text goes below.',
    },
    out: { type: 'string', valueName: 'FILE', description: 'Where to write it.' },
  },
  positionals: { min: 0, max: 1 },
  examples: [
    {
      command:
        'SECRET=… sealpost thing me@example.org --name "Somebody With A Name" --out me.sec.asc --passphrase-env SECRET',
      says: 'what it does, said in words long enough to need a second line at eighty columns',
    },
  ],
  run: async () => 0,
};

const widths = (text: string) => text.split('\n').map((l) => [...l].length);

describe('help layout', () => {
  it('fits the width, keeps [...] groups and quoted words whole, continues commands with \\', () => {
    for (const width of [60, 80, 100]) {
      expect(Math.max(...widths(commandHelp(command, width)))).toBeLessThanOrEqual(width);
    }
    const help = commandHelp(command, 80);
    expect(help).toContain('[--passphrase-env VAR | --passphrase-file FILE | --unprotected]');
    expect(help).toContain('"Somebody With A Name"');
    expect(help).toMatch(/ \\\n {6}\S/);
    expect(help).toContain('  --a-rather-long-flag-name SOMETHING-LONG\n');
    expect(help).toContain('\n\nA second paragraph.');
  });

  it('re-flows prose and the command list of the main help', () => {
    expect(reflow('a b\nc\n\nd', 80)).toEqual(['a b c', '', 'd']);
    expect(Math.max(...widths(mainHelp([command], '1.0.0', 60)))).toBeLessThanOrEqual(60);
  });
});
