/** The shape every `sealpost` sub-command has: its flags, its help text, and what it does. */
import type { SealpostError } from '@sealpost/errors';
import type { Output } from './output.js';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** Shown in --help, e.g. "FILE". */
  readonly valueName?: string;
  readonly description: string;
}

export interface CommandContext {
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
  readonly out: Output;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly stdin: NodeJS.ReadableStream;
}

export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** e.g. "sealpost errors [CODE] [--json]". */
  readonly usage: string;
  /** A paragraph that teaches what the command is for. */
  readonly description: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly examples: readonly { readonly command: string; readonly says: string }[];
  /** Allowed number of positional arguments. */
  readonly positionals?: { readonly min: number; readonly max: number };
  /** Returns the exit code (0 when omitted). */
  run(ctx: CommandContext): Promise<number | undefined>;
  /**
   * The exit code for an error, flag errors included, when the command speaks another table
   * than docs/cli.md's (`sendmail`: sysexits.h); default the error category's code.
   */
  readonly exitCodeFor?: (error: SealpostError) => number;
}

/** Flags every command understands. */
export const COMMON_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  json: {
    type: 'boolean',
    description: 'Print the result as JSON on stdout (stable shape, see docs/cli.md).',
  },
  help: { type: 'boolean', short: 'h', description: 'Show this help.' },
};

/**
 * Secrets never come from argv (other users can read it in `ps`, and shells keep history).
 * These flags are refused with a pointer to the safe way.
 */
export const SECRET_FLAGS: Readonly<Record<string, string>> = {
  password: '--password-env VAR (or a config file entry "passwordEnv")',
  passphrase: '--passphrase-env VAR or --passphrase-file FILE',
  pass: '--password-env VAR or --passphrase-env VAR',
};
