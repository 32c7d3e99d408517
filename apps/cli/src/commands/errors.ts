/** `sealpost errors [CODE]`: the error-code table, so a script author can look up any code. */
import {
  ERROR_CODES,
  exitCodeFor,
  isErrorCode,
  quoteUntrusted,
  SealpostError,
} from '@sealpost/errors';
import type { Command } from '../command.js';
import { wrap } from '../text/layout.js';

export const errorsCommand: Command = {
  name: 'errors',
  summary: 'List the error codes sealpost can report, or explain one',
  usage: 'sealpost errors [CODE] [--json]',
  description:
    'Every failure sealpost reports carries a stable code (like ESTARTTLS or EPOLICY). This\n' +
    'command lists them with what each means, what to do, whether retrying can help, and the\n' +
    'exit code the command line returns for it.',
  options: {},
  positionals: { min: 0, max: 1 },
  examples: [
    { command: 'sealpost errors', says: 'all codes, one per line' },
    { command: 'sealpost errors ESTARTTLS', says: 'what a STARTTLS failure means and what to do' },
    { command: 'sealpost errors --json', says: 'the whole table as JSON' },
  ],
  async run({ positionals, out }) {
    const wanted = positionals[0]?.toUpperCase();
    if (wanted !== undefined && !isErrorCode(wanted)) {
      throw new SealpostError(
        'EUSAGE',
        `Unknown error code ${quoteUntrusted(positionals[0]!)}; run "sealpost errors" for the list.`,
      );
    }
    const rows = Object.entries(ERROR_CODES)
      .filter(([code]) => wanted === undefined || code === wanted)
      .map(([code, entry]) => ({ code, ...entry, exitCode: exitCodeFor(entry.category) }));
    out.result({ codes: rows });
    if (wanted !== undefined) {
      const row = rows[0]!;
      out.print(`${out.bold(row.code)}  (exit ${row.exitCode}, ${row.retry})`);
      out.print(`  ${wrap(row.description, out.width - 2, '  ')}`);
      out.print(`  ${wrap(`What to do: ${row.action}`, out.width - 2, '  ')}`);
      return 0;
    }
    const codeWidth = Math.max(...rows.map((r) => r.code.length));
    const pad = ' '.repeat(codeWidth + 2);
    for (const row of rows) {
      out.print(
        `${row.code.padEnd(codeWidth)}  ${wrap(row.description, out.width - pad.length, pad)}`,
      );
    }
    return 0;
  },
};
