/**
 * The receiving halves of the scheme adapters alone (RFC 3156 §4–5, RFC 8551 §3.3–3.5): what
 * opening and inspecting a message use, so the recipient side never reaches the sending
 * halves and the MIME writer (nodemailer) behind them (issue 12, start-up of `decrypt`).
 */
import { SealpostError } from '@sealpost/errors';
import type { E2eScheme } from '@sealpost/keystore';
import type { OpenSide } from './open-side.js';
import { pgpOpenSide } from './pgp-open.js';
import { smimeOpenSide } from './smime-open.js';

const OPEN_SIDES: Readonly<Record<E2eScheme, OpenSide>> = {
  pgp: pgpOpenSide,
  smime: smimeOpenSide,
};

/** The receiving half of a scheme's adapter (its crypto package is loaded when first used). */
export function openSide(scheme: E2eScheme): OpenSide {
  const side = OPEN_SIDES[scheme];
  if (!side) throw new SealpostError('EINTERNAL', `No adapter for the scheme ${scheme}.`);
  return side;
}
