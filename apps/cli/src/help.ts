/**
 * --help text: usage, what the command is for, every flag, and examples to copy — laid out at
 * render time for the width given (out.width: COLUMNS, else the terminal's, else 80), so the
 * texts in the command files can stay one string each.
 */
import { COMMON_OPTIONS, type Command } from './command.js';

const DEFAULT_WIDTH = 80;
/** A flag column wider than this puts the flag's description on the line below. */
const MAX_FLAG_COLUMN = 30;

/** Words of a usage or command line; a [...] group or a "..." string stays one word. */
function words(line: string): string[] {
  const out: string[] = [];
  let word = '';
  let depth = 0;
  let quote: string | undefined;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[') depth++;
    else if (ch === ']') depth = Math.max(0, depth - 1);
    else if (/\s/.test(ch) && depth === 0) {
      if (word) out.push(word);
      word = '';
      continue;
    }
    word += ch;
  }
  if (word) out.push(word);
  return out;
}

/**
 * Fills `items` into lines of at most `width` columns: the first line starts with `first`,
 * later ones with `rest`; `end` is appended to every line but the last (a shell's " \").
 * An item too long for any line is split at its spaces, or left whole when it has none.
 */
function fill(items: readonly string[], width: number, first: string, rest: string, end = '') {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  const queue = [...items];
  while (queue.length > 0) {
    const item = queue.shift()!;
    const candidate = empty ? `${line}${item}` : `${line} ${item}`;
    if (candidate.length + end.length <= width || (empty && !item.includes(' '))) {
      line = candidate;
      empty = false;
      continue;
    }
    if (empty) {
      queue.unshift(...item.split(' ').filter((w) => w.length > 0));
      continue;
    }
    lines.push(`${line}${end}`);
    line = rest;
    empty = true;
    queue.unshift(item);
  }
  lines.push(line);
  return lines;
}

/** Prose re-flowed at `width`: single newlines join lines, blank lines keep paragraphs. */
export function reflow(text: string, width: number, indent = ''): string[] {
  const lines: string[] = [];
  for (const [i, paragraph] of text.split(/\n\s*\n/).entries()) {
    if (i > 0) lines.push('');
    const prose = paragraph.split(/\s+/).filter((w) => w.length > 0);
    if (prose.length > 0) lines.push(...fill(prose, width, indent, indent));
  }
  return lines;
}

function usageLines(command: Command, width: number): string[] {
  return command.usage.split('\n').flatMap((line, i) => {
    const lead = i === 0 ? 'Usage: ' : (/^\s*/.exec(line)?.[0] ?? '');
    const body = i === 0 ? line : line.trimStart();
    return fill(words(body), width, lead, `${' '.repeat(Math.max(lead.length, 7))}  `);
  });
}

function optionLines(command: Command, width: number): string[] {
  const all = { ...command.options, ...COMMON_OPTIONS };
  const rows = Object.entries(all).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : ''}`;
    return [flag + (spec.multiple ? ' ...' : ''), spec.description] as const;
  });
  const flagWidth = Math.min(MAX_FLAG_COLUMN, Math.max(...rows.map(([flag]) => flag.length)));
  const pad = ' '.repeat(2 + flagWidth + 2);
  return rows.flatMap(([flag, text]) => {
    const prose = text.split(/\s+/).filter((w) => w.length > 0);
    if (flag.length > flagWidth) return [`  ${flag}`, ...fill(prose, width, pad, pad)];
    return fill(prose, width, `  ${flag.padEnd(flagWidth)}  `, pad);
  });
}

export function commandHelp(command: Command, width = DEFAULT_WIDTH): string {
  const lines = [
    ...usageLines(command, width),
    '',
    ...reflow(command.description, width),
    '',
    'Options:',
    ...optionLines(command, width),
  ];
  if (command.examples.length) {
    lines.push('', 'Examples:');
    for (const example of command.examples) {
      lines.push(
        ...fill(words(example.command), width, '  ', '      ', ' \\'),
        ...reflow(example.says, width, '      '),
      );
    }
  }
  return lines.join('\n');
}

export function mainHelp(
  commands: readonly Command[],
  version: string,
  width = DEFAULT_WIDTH,
): string {
  const nameWidth = Math.max(...commands.map((c) => c.name.length));
  const pad = ' '.repeat(2 + nameWidth + 2);
  return [
    ...reflow(
      `sealpost ${version} — send mail signed and end-to-end encrypted over verified SMTP, and see who on the path can read what.`,
      width,
    ),
    '',
    'Usage: sealpost <command> [options]',
    '',
    'Commands:',
    ...commands.flatMap((c) =>
      fill(
        c.summary.split(' ').filter((w) => w.length > 0),
        width,
        `  ${c.name.padEnd(nameWidth)}  `,
        pad,
      ),
    ),
    '',
    ...reflow('Run "sealpost <command> --help" for a command\'s options and examples.', width),
    '',
    ...fill(
      [
        '0 ok,',
        '1 unexpected error,',
        '2 usage,',
        '3 refused by policy,',
        '4 transport failure,',
        '5 key or crypto failure,',
        '6 bad message input.',
      ],
      width,
      'Exit codes: ',
      ' '.repeat('Exit codes: '.length),
    ),
    ...reflow(
      'Secrets (passwords, passphrases) come from environment variables, files or a prompt, never from the command line. NO_COLOR is honoured.',
      width,
    ),
  ].join('\n');
}
