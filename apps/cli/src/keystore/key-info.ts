/** How `keys list|import|discover` show an OpenPGP key's facts (KeyInfo, from the keystore). */
import type { KeyInfo } from '@sealpost/keystore';

/** One block per key for humans: fingerprint, addresses, algorithm, expiry, usable or why not. */
export function renderKeyInfo(
  info: KeyInfo,
  paint: { green(s: string): string; red(s: string): string; dim(s: string): string },
): string {
  const status = info.usable
    ? paint.green('usable')
    : paint.red(`not usable: ${info.problem?.code ?? 'unknown'}`);
  const lines = [
    `${info.fingerprint}  ${status}`,
    `  ${info.addresses.join(', ') || paint.dim('(no e-mail address)')}`,
    `  ${info.algorithm}, v${info.version}, created ${info.created.slice(0, 10)}, ${
      info.expires ? `expires ${info.expires.slice(0, 10)}` : 'does not expire'
    }`,
  ];
  if (info.source) {
    lines.push(
      paint.dim(
        `  from ${info.source.kind}${info.source.location ? ` ${info.source.location}` : ''}`,
      ),
    );
  }
  if (info.problem) lines.push(`  ${info.problem.message}`);
  return lines.join('\n');
}
