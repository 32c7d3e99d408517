/** Sub-commands (`keys list`, `certs check`): which flags and how many arguments each takes. */
import { quoteUntrusted, SealpostError } from '@sealpost/errors';
import type { CommandContext } from '../command.js';

export interface SubCommandSpec {
  readonly positionals: { readonly min: number; readonly max: number };
  /** Flags this sub-command accepts besides --json, --help and --keyring. */
  readonly flags: readonly string[];
  readonly usage: string;
}

const ALWAYS = new Set(['json', 'help', 'keyring']);

/** Picks the sub-command from the first positional and checks its flags and arguments. */
export function subCommand<K extends string>(
  ctx: CommandContext,
  command: string,
  specs: Readonly<Record<K, SubCommandSpec>>,
): { name: K; args: readonly string[] } {
  const [name, ...args] = ctx.positionals;
  const names = Object.keys(specs) as K[];
  if (name === undefined || !names.includes(name as K)) {
    throw new SealpostError(
      'EUSAGE',
      `${name === undefined ? 'A sub-command is missing' : `Unknown sub-command ${quoteUntrusted(name)}`}: use one of ${names.join(', ')} (see "sealpost ${command} --help").`,
    );
  }
  const spec = specs[name as K];
  for (const [flag, value] of Object.entries(ctx.values)) {
    if (value === undefined || ALWAYS.has(flag) || spec.flags.includes(flag)) continue;
    throw new SealpostError(
      'EUSAGE',
      `--${flag} does not apply to "sealpost ${command} ${name}". Usage: ${spec.usage}`,
    );
  }
  if (args.length < spec.positionals.min || args.length > spec.positionals.max) {
    throw new SealpostError('EUSAGE', `Wrong number of arguments. Usage: ${spec.usage}`);
  }
  return { name: name as K, args };
}

export function stringFlag(ctx: CommandContext, name: string): string | undefined {
  const value = ctx.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function listFlag(ctx: CommandContext, name: string): string[] {
  const value = ctx.values[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}
