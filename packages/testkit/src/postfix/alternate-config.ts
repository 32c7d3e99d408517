/**
 * `postfix -c DIR` is accepted only when DIR is listed in `alternate_config_directories` of
 * the DEFAULT main.cf (postconf(5)); after a "No configuration" install that file does not
 * even exist. Several test files may start instances at once, so the file is edited under a
 * lock, atomically, and entries whose directory has gone are pruned on the way.
 */
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './detached-process.js';

const PARAMETER = 'alternate_config_directories';

/** The default configuration directory; overridable so the editing logic can be tested. */
export const DEFAULT_MAIN_CF = '/etc/postfix/main.cf';

async function withLock<T>(lockDir: string, action: () => T): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A holder that crashed leaves the lock behind: editing takes milliseconds.
      try {
        if (Date.now() - statSync(lockDir).mtimeMs > 5_000) rmdirSync(lockDir);
      } catch {
        // Released meanwhile.
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the lock ${lockDir}`);
      await sleep(10 + Math.random() * 20);
    }
  }
  try {
    return action();
  } finally {
    rmdirSync(lockDir);
  }
}

/** Reads the list from main.cf text (one logical line, continuation lines start with space). */
export function parseAlternateDirectories(mainCf: string): { list: string[]; rest: string[] } {
  const rest: string[] = [];
  const list: string[] = [];
  let inParameter = false;
  for (const line of mainCf.split('\n')) {
    const continuation = /^[ \t]/.test(line) && line.trim() !== '';
    if (inParameter && continuation) {
      list.push(...splitList(line));
      continue;
    }
    inParameter = false;
    const match = new RegExp(`^${PARAMETER}\\s*=(.*)$`).exec(line);
    if (match) {
      inParameter = true;
      list.push(...splitList(match[1] ?? ''));
    } else {
      rest.push(line);
    }
  }
  while (rest.length > 0 && rest[rest.length - 1] === '') rest.pop();
  return { list, rest };
}

function splitList(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/**
 * Postfix re-reads a main.cf modified within the last second or two and sleeps 300 ms between
 * reads, waiting for an editor to finish; a file written a moment ago costs every Postfix
 * command about 1.5 s. Our files are complete when written, so they are dated back.
 */
export function backdate(file: string): void {
  const past = new Date(Date.now() - 60_000);
  utimesSync(file, past, past);
}

function rewrite(mainCfPath: string, change: (list: string[]) => string[]): void {
  const text = existsSync(mainCfPath) ? readFileSync(mainCfPath, 'utf8') : '';
  const { list, rest } = parseAlternateDirectories(text);
  const next = [...new Set(change(list))];
  const lines = [...rest];
  if (next.length > 0) lines.push(`${PARAMETER} =`, ...next.map((dir) => `  ${dir}`));
  const temp = `${mainCfPath}.sealpost-${process.pid}`;
  writeFileSync(temp, `${lines.join('\n')}\n`);
  backdate(temp);
  renameSync(temp, mainCfPath);
}

/** Adds `configDir` to the default main.cf's list (idempotent) and prunes vanished entries. */
export function registerAlternateConfig(
  configDir: string,
  mainCfPath = DEFAULT_MAIN_CF,
): Promise<void> {
  return withLock(join(tmpdir(), 'sealpost-postfix-main-cf.lock'), () =>
    rewrite(mainCfPath, (list) => [...list.filter((dir) => existsSync(dir)), configDir]),
  );
}

/** Removes `configDir` from the list again. */
export function unregisterAlternateConfig(
  configDir: string,
  mainCfPath = DEFAULT_MAIN_CF,
): Promise<void> {
  return withLock(join(tmpdir(), 'sealpost-postfix-main-cf.lock'), () =>
    rewrite(mainCfPath, (list) => list.filter((dir) => dir !== configDir && existsSync(dir))),
  );
}
