/** The `sealpost` entry point: picks the sub-command, parses flags strictly, maps errors to exit codes. */
import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { exitCodeFor, isSealpostError, quoteUntrusted, SealpostError } from '@sealpost/errors';
import { COMMON_OPTIONS, type Command, type CommandContext, SECRET_FLAGS } from './command.js';
import { commandHelp, mainHelp } from './help.js';
import { createOutput, type Output } from './output.js';

export interface MainIo {
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/**
 * Each command's own module, so a run compiles only the command it runs (decision 0110): the
 * full list (commands/index.ts) is loaded for help and for any name missing here.
 */
const COMMAND_MODULES: Readonly<Record<string, () => Promise<Command>>> = {
  send: async () => (await import('./commands/send.js')).sendCommand,
  sendmail: async () => (await import('./commands/sendmail.js')).sendmailCommand,
  probe: async () => (await import('./commands/probe.js')).probeCommand,
  keys: async () => (await import('./commands/keys.js')).keysCommand,
  certs: async () => (await import('./commands/certs.js')).certsCommand,
  inspect: async () => (await import('./commands/inspect.js')).inspectCommand,
  decrypt: async () => (await import('./commands/decrypt.js')).decryptCommand,
  verify: async () => (await import('./commands/verify.js')).verifyCommand,
  demo: async () => (await import('./commands/demo.js')).demoCommand,
  config: async () => (await import('./commands/config.js')).configCommand,
  errors: async () => (await import('./commands/errors.js')).errorsCommand,
};

const allCommands = async (): Promise<readonly Command[]> =>
  (await import('./commands/index.js')).COMMANDS;

async function findCommand(name: string): Promise<Command | undefined> {
  const load = Object.hasOwn(COMMAND_MODULES, name) ? COMMAND_MODULES[name] : undefined;
  const command = load ? await load() : undefined;
  if (command?.name === name) return command;
  return (await allCommands()).find((c) => c.name === name);
}

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return String(pkg.version);
}

function refuseSecretsInArgv(args: readonly string[]): void {
  for (const arg of args) {
    if (arg === '--') return;
    const name = /^--([a-z-]+)(=|$)/.exec(arg)?.[1];
    if (name && Object.hasOwn(SECRET_FLAGS, name)) {
      throw new SealpostError(
        'EUSAGE',
        `--${name} is not accepted: secrets on the command line are visible to other users and kept in shell history. Use ${SECRET_FLAGS[name]}.`,
      );
    }
  }
}

function parseFor(command: Command, args: string[]) {
  const options: ParseArgsConfig['options'] = {};
  for (const [name, spec] of Object.entries({ ...command.options, ...COMMON_OPTIONS })) {
    options[name] = {
      type: spec.type,
      ...(spec.short ? { short: spec.short } : {}),
      ...(spec.multiple ? { multiple: true } : {}),
    };
  }
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new SealpostError(
      'EUSAGE',
      `${(err as Error).message.split('\n')[0]} (see "sealpost ${command.name} --help").`,
      {
        cause: err,
      },
    );
  }
}

function reportError(
  err: unknown,
  out: Output,
  env: NodeJS.ProcessEnv,
  command: Command | undefined,
): number {
  const error = isSealpostError(err)
    ? err
    : new SealpostError(
        'EINTERNAL',
        `Unexpected error: ${(err as Error)?.message ?? String(err)}`,
        { cause: err },
      );
  if (out.json) {
    out.result({ ok: false, error: error.toJSON() });
  } else {
    out.note(`${out.red('error')} ${out.bold(error.code)}: ${error.message}`);
    if (error.responseCode !== undefined) {
      out.note(`  server said: ${error.responseCode} ${error.response ?? ''}`.trimEnd());
    }
    out.note(`  what to do: ${error.action}`);
  }
  if (!isSealpostError(err) && env.SEALPOST_DEBUG) out.note(String((err as Error)?.stack ?? err));
  return command?.exitCodeFor ? command.exitCodeFor(error) : exitCodeFor(error.category);
}

/** Runs one command line; returns the process exit code. Never throws. */
export async function main(argv: readonly string[], io: MainIo): Promise<number> {
  const wantsJson = argv.includes('--json');
  const out = createOutput({ stdout: io.stdout, stderr: io.stderr, env: io.env, json: wantsJson });
  let command: Command | undefined;
  try {
    const [first, ...rest] = argv;
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      const topic = first === 'help' ? rest[0] : undefined;
      const about = topic ? await findCommand(topic) : undefined;
      if (topic && !about)
        throw new SealpostError('EUSAGE', `Unknown command ${quoteUntrusted(topic)}.`);
      io.stdout.write(
        `${about ? commandHelp(about, out.width) : mainHelp(await allCommands(), version(), out.width)}\n`,
      );
      return first === undefined ? 2 : 0;
    }
    if (first === '--version' || first === '-V') {
      io.stdout.write(`${version()}\n`);
      return 0;
    }
    command = await findCommand(first);
    if (!command) {
      throw new SealpostError(
        'EUSAGE',
        `Unknown command ${quoteUntrusted(first)}; run "sealpost --help" for the list.`,
      );
    }
    refuseSecretsInArgv(rest);
    const { values, positionals } = parseFor(command, rest);
    if (values.help) {
      io.stdout.write(`${commandHelp(command, out.width)}\n`);
      return 0;
    }
    const allowed = command.positionals ?? { min: 0, max: 0 };
    if (positionals.length < allowed.min || positionals.length > allowed.max) {
      throw new SealpostError('EUSAGE', `Wrong number of arguments. Usage: ${command.usage}`);
    }
    const code = await command.run({
      values: values as CommandContext['values'],
      positionals,
      out,
      env: io.env,
      cwd: io.cwd,
      // Read on use only (see runAsProcess).
      get stdin() {
        return io.stdin;
      },
    });
    return code ?? 0;
  } catch (err) {
    return reportError(err, out, io.env, command);
  }
}
