/** The default spool location, per the XDG Base Directory spec ($XDG_STATE_HOME, else ~/.local/state). */
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

export function defaultSpoolDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const state = env.XDG_STATE_HOME;
  // The spec says a relative value is invalid and must be ignored.
  const base = state && isAbsolute(state) ? state : join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'sealpost', 'spool');
}
