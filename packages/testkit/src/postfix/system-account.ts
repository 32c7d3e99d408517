/** uid/gid of the system accounts the Debian postfix and dovecot-core packages create. */
import { readFileSync } from 'node:fs';

export function accountOf(name: string): { uid: number; gid: number } {
  const fields = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((line) => line.startsWith(`${name}:`))
    ?.split(':');
  if (!fields || fields.length < 4) {
    throw new Error(
      `system user "${name}" not found: are postfix and dovecot-core installed? (scripts/setup.sh --tests)`,
    );
  }
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

export function groupOf(name: string): number {
  const fields = readFileSync('/etc/group', 'utf8')
    .split('\n')
    .find((line) => line.startsWith(`${name}:`))
    ?.split(':');
  if (!fields || fields.length < 3) {
    throw new Error(
      `system group "${name}" not found: is postfix installed? (scripts/setup.sh --tests)`,
    );
  }
  return Number(fields[2]);
}
