/**
 * What a network attacker could do to a directly delivered message, in plain words. Without
 * an enforced MTA-STS policy (RFC 8461 §5) the sender accepts whatever the path offers: the
 * MX names come from unauthenticated DNS, STARTTLS can be stripped and certificates are not
 * required to match, so an active attacker is neither stopped nor noticed.
 */

export type ExposureReason =
  | 'no-policy'
  | 'policy-testing'
  | 'policy-none'
  | 'no-tls'
  | 'unverified-certificate';

export interface RelayExposure {
  /** The one fact the report must state plainly. */
  readonly networkAttackerCouldReadOrAlter: boolean;
  readonly reasons: readonly ExposureReason[];
  /** One or two sentences for the human report. */
  readonly statement: string;
}

const REASON_TEXT: Record<ExposureReason, string> = {
  'no-policy':
    'the recipient domain publishes no MTA-STS policy, so TLS was only opportunistic (a downgrade to cleartext or a forged certificate would have gone unnoticed)',
  'policy-testing':
    "the recipient domain's MTA-STS policy is in testing mode, which asks senders to deliver even when TLS or the certificate fails",
  'policy-none': "the recipient domain's MTA-STS policy is mode none (withdrawn)",
  'no-tls': 'the connection to the receiving server was not encrypted at all',
  'unverified-certificate':
    "the receiving server's certificate was not verified for its host name, so the TLS peer may not be that server",
};

export function describeExposure(
  reasons: readonly ExposureReason[],
  context: { readonly domain: string; readonly mxHost?: string },
): RelayExposure {
  const unique = [...new Set(reasons)];
  if (unique.length === 0) {
    const where = context.mxHost ? ` on its way to ${context.mxHost}` : '';
    return {
      networkAttackerCouldReadOrAlter: false,
      reasons: [],
      statement: `A network attacker could not read or alter this message${where}: ${context.domain} enforces MTA-STS, so TLS with a certificate valid for the MX host name is required. The receiving server itself can read it.`,
    };
  }
  return {
    networkAttackerCouldReadOrAlter: true,
    reasons: unique,
    statement: `A network attacker could have read or altered this message: ${unique
      .map((reason) => REASON_TEXT[reason])
      .join('; ')}.`,
  };
}
