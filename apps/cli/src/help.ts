/** --help text: usage, what the command is for, every flag, and examples to copy. */
import { COMMON_OPTIONS, type Command } from './command.js';

function optionLines(command: Command): string[] {
  const all = { ...command.options, ...COMMON_OPTIONS };
  const rows = Object.entries(all).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : ''}`;
    return [flag + (spec.multiple ? ' ...' : ''), spec.description] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`);
}

export function commandHelp(command: Command): string {
  const lines = [
    `Usage: ${command.usage}`,
    '',
    command.description,
    '',
    'Options:',
    ...optionLines(command),
  ];
  if (command.examples.length) {
    lines.push('', 'Examples:');
    for (const example of command.examples)
      lines.push(`  ${example.command}`, `      ${example.says}`);
  }
  return lines.join('\n');
}

export function mainHelp(commands: readonly Command[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `sealpost ${version} — send mail signed and end-to-end encrypted over verified SMTP,`,
    'and see who on the path can read what.',
    '',
    'Usage: sealpost <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "sealpost <command> --help" for a command\'s options and examples.',
    '',
    'Exit codes: 0 ok, 1 unexpected error, 2 usage, 3 refused by policy,',
    '            4 transport failure, 5 key or crypto failure, 6 bad message input.',
    'Secrets (passwords, passphrases) come from environment variables, files or a prompt,',
    'never from the command line. NO_COLOR is honoured.',
  ].join('\n');
}
