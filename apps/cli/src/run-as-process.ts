/** What `sealpost` does as a process, shared by `bin.js` and the start-up snapshot's entry. */
import { createReadStream, fstatSync } from 'node:fs';
import { basename } from 'node:path';
import { main } from './main.js';

/**
 * Runs the command line of this process (`argv` as in `process.argv`: Node, the program's
 * path, then the arguments) and returns its exit code.
 */
export async function runAsProcess(argv: readonly string[]): Promise<number> {
  // `sealpost … | head` closes the pipe early. Like other Unix tools we stop writing and stay
  // quiet, but the command itself runs to its end: a send that is under way is never cut
  // short because the reader of its report went away.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
  // Linked as `sendmail` (e.g. /usr/sbin/sendmail → dist/sealpost), it is `sealpost sendmail`:
  // cron, mailx and MTAs call it by that name with sendmail's flags.
  const asSendmail = ['sendmail', 'sealpost-sendmail'].includes(basename(argv[1] ?? ''));
  const args = argv.slice(2);
  return main(asSendmail ? ['sendmail', ...args] : args, {
    stdout: process.stdout,
    stderr: process.stderr,
    // Node makes process.stdin (a file, pipe or terminal stream) on first use, ~4 ms: only
    // the commands that read stdin pay for it.
    get stdin() {
      return stdinStream();
    },
    env: process.env,
    cwd: process.cwd(),
  });
}

let stdin: NodeJS.ReadableStream | undefined;

/**
 * process.stdin, except for a redirected regular file (`sendmail -t < message.eml`): that is
 * read 128 KiB at a time instead of Node's 64 KiB, half the reads and of the chunks
 * every later stage handles (as compose reads attachments).
 */
function stdinStream(): NodeJS.ReadableStream {
  if (stdin) return stdin;
  let file = false;
  try {
    file = fstatSync(0).isFile();
  } catch {
    // fd 0 closed: process.stdin deals with it as Node always has.
  }
  stdin = file
    ? createReadStream('', { fd: 0, autoClose: false, highWaterMark: 128 * 1024 })
    : process.stdin;
  return stdin;
}
