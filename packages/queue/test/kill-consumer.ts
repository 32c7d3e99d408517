/** Runs test/consumer-child.ts until it reports its stage, then kills it with SIGKILL. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const children = new Set<ChildProcess>();

/** For afterEach: no child outlives its test. */
export function killLeftoverConsumers(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
}

function spawnConsumer(args: readonly string[]): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--conditions=@sealpost/source', '--import', 'tsx', 'test/consumer-child.ts', ...args],
    { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  return child;
}

/** Runs a draining consumer process to its end; returns the ids it sent. */
export async function runDrainingConsumer(
  args: readonly string[],
  timeoutMs: number,
): Promise<string[]> {
  const child = spawnConsumer([...args, 'drain']);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`consumer did not finish: ${stderr}`)),
      timeoutMs,
    );
    child.once('exit', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  children.delete(child);
  if (code !== 0) throw new Error(`consumer exited ${code}: ${stderr}`);
  return [...stdout.matchAll(/^sent (\S+)$/gm)].map((match) => match[1] ?? '');
}

export async function killConsumerAt(args: readonly string[]): Promise<string> {
  const stage = args.at(-1) ?? '';
  const child = spawnConsumer(args);
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const id = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`consumer gave no sign in time: ${stderr}`)),
      20_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      const match = new RegExp(`^${stage} (\\S+)`, 'm').exec(chunk.toString());
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`consumer exited ${code}: ${stderr}`));
    });
  });
  child.kill('SIGKILL');
  await exited;
  children.delete(child);
  return id;
}
