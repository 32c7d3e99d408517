/** Splits an addr-spec (RFC 5322 §3.4.1) for key lookup; refuses anything ambiguous. */
import { quoteUntrusted, SealpostError } from '@sealpost/errors';

export function splitAddress(address: string): { local: string; domain: string } {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1).toLowerCase();
  if (
    at <= 0 ||
    at === address.length - 1 ||
    /[\s<>"\u0000-\u001f\u007f]/.test(address) ||
    !/^[a-z0-9.-]+$/.test(domain)
  ) {
    throw new SealpostError('ECONFIG', `Not a plain e-mail address: ${quoteUntrusted(address)}.`);
  }
  return { local, domain };
}
