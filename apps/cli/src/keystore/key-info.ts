/** How `keys list|import|discover|revoke` show an OpenPGP key's facts (KeyInfo, from the keystore). */
import type { KeyInfo } from '@sealpost/keystore';
import { wrap } from '../text/layout.js';

export interface KeyPaint {
  green(s: string): string;
  red(s: string): string;
  dim(s: string): string;
  /** Columns to fit (out.width); 80 when not given. */
  readonly width?: number;
}

/**
 * One block per key for humans: fingerprint and whether sealpost would encrypt to it, the
 * user IDs, the algorithms as gpg names them, dates, where it came from, and why not usable.
 */
export function renderKeyInfo(info: KeyInfo, paint: KeyPaint): string {
  const width = paint.width ?? 80;
  const plain = info.usable ? 'usable' : `not usable: ${info.problem?.code ?? 'unknown'}`;
  const status = info.usable ? paint.green(plain) : paint.red(plain);
  // A v6 fingerprint is 64 digits: the status then goes on the next line.
  const lines =
    info.fingerprint.length + 2 + plain.length <= width
      ? [`${info.fingerprint}  ${status}`]
      : [info.fingerprint, `  ${status}`];
  const ids = info.userIds.length > 0 ? info.userIds : info.addresses;
  if (ids.length === 0) lines.push(`  ${paint.dim('(no user ID)')}`);
  for (const id of ids) lines.push(`  ${wrap(id, width - 4, '    ')}`);
  const algorithm = [info.algorithm, info.encryptionAlgorithm].filter(Boolean).join('/');
  const facts = `${algorithm}, v${info.version}, created ${info.created.slice(0, 10)}, ${
    info.expires ? `expires ${info.expires.slice(0, 10)}` : 'does not expire'
  }`;
  lines.push(`  ${wrap(facts, width - 2, '  ')}`);
  if (info.source) {
    const from = `from ${info.source.kind}${info.source.location ? ` ${info.source.location}` : ''}`;
    lines.push(paint.dim(`  ${wrap(from, width - 4, '    ')}`));
  }
  if (info.problem) lines.push(`  ${wrap(info.problem.message, width - 2, '  ')}`);
  return lines.join('\n');
}
