/** Where the CLI writes: human text or JSON on stdout, diagnostics on stderr, colour only when wanted. */
import type { Writable } from 'node:stream';

export interface Output {
  readonly json: boolean;
  readonly color: boolean;
  /** Columns human output should fit: COLUMNS, else the terminal's width, else 80. */
  readonly width: number;
  /** Human output (ignored in --json mode, where only `result()` writes to stdout). */
  print(text: string): void;
  /** The command's result in --json mode; in human mode, nothing (commands print instead). */
  result(value: unknown): void;
  /**
   * stdout as given, in either mode, no line end added: a long text printed in pieces
   * (decision 0142). Resolves when the stream takes more, so pieces do not pile up in memory.
   */
  write(text: string): Promise<void>;
  /** Diagnostics: always stderr. */
  note(text: string): void;
  /** A progress line, only when stderr is a terminal (redrawn in place; `done` ends the line). */
  progress(text: string, done?: boolean): void;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
}

export interface OutputOptions {
  readonly stdout: Writable & { isTTY?: boolean; columns?: number };
  readonly stderr: Writable & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly json: boolean;
}

/** https://no-color.org: any non-empty NO_COLOR disables colour; so do pipes and TERM=dumb. */
export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

/** COLUMNS wins (as for ls and git), then a terminal's own width; 80 when neither is known. */
export function terminalWidth(
  stream: { isTTY?: boolean; columns?: number },
  env: NodeJS.ProcessEnv,
): number {
  const fromEnv = Number(env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv >= 20) return fromEnv;
  if (stream.isTTY && stream.columns && stream.columns >= 20) return stream.columns;
  return 80;
}

export function createOutput(options: OutputOptions): Output {
  const color = !options.json && wantsColor(options.stdout, options.env);
  const paint = (code: number, reset: number) => (text: string) =>
    color ? `\u001b[${code}m${text}\u001b[${reset}m` : text;
  return {
    json: options.json,
    color,
    width: terminalWidth(options.stdout, options.env),
    print(text) {
      if (!options.json) options.stdout.write(`${text}\n`);
    },
    result(value) {
      if (options.json) options.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    async write(text) {
      const stream = options.stdout;
      // A reader that went away (EPIPE, which bin.ts ignores) ends the printing, not the run.
      if (stream.destroyed || stream.write(text)) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          for (const event of ['drain', 'close', 'error']) stream.off(event, done);
          resolve();
        };
        for (const event of ['drain', 'close', 'error']) stream.once(event, done);
      });
    },
    note(text) {
      options.stderr.write(`${text}\n`);
    },
    progress(text, done = false) {
      if (options.stderr.isTTY) options.stderr.write(`\r${text}\u001b[K${done ? '\n' : ''}`);
    },
    bold: paint(1, 22),
    dim: paint(2, 22),
    red: paint(31, 39),
    green: paint(32, 39),
  };
}
