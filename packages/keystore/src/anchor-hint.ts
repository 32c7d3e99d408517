/**
 * What to say when a recipient certificate is refused for want of a trust anchor (RFC 5280
 * §6: no path to an anchor): a certificate WAS found, so "no key" would mislead; what is
 * missing is the CA, which only the user can choose to trust (decision 0051).
 */
export const ANCHOR_HINT =
  'the certificate was found but no trust anchor of yours vouches for it: give its CA with --anchor FILE, or trust the CA for good with "sealpost certs import --anchor FILE"';

/** The refusal reason with the hint added when the refusal is for want of an anchor. */
export function withAnchorHint(code: string, reason: string): string {
  return code === 'ESMIME_CERT_UNTRUSTED'
    ? `${reason.replace(/\.$/, '')}; ${ANCHOR_HINT}.`
    : reason;
}
