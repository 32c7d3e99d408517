import { domainToASCII } from 'node:url';

/** RFC 1035 §2.3.1 / RFC 5890 label: letters, digits, hyphens; no hyphen at either end. */
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The A-label form of a domain (RFC 5890 §2.3.2.1, via UTS #46 as WHATWG URL does), or
 * undefined when it is not a valid host name. An all-numeric last label is refused: an IP
 * address is only allowed as a domain literal (RFC 5321 §4.1.3), which we do not accept.
 */
export function toAsciiDomain(domain: string): string | undefined {
  if (!domain || domain.startsWith('.') || domain.endsWith('.') || domain.includes('..')) {
    return undefined;
  }
  const ascii = /^[\x21-\x7e]*$/.test(domain) ? domain.toLowerCase() : domainToASCII(domain);
  if (!ascii || ascii.length > 253) return undefined;
  const labels = ascii.split('.');
  if (!labels.every((label) => LDH_LABEL.test(label))) return undefined;
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) return undefined;
  // A punycode label must decode: domainToASCII returns "" for broken "xn--" labels.
  if (labels.some((l) => l.startsWith('xn--')) && domainToASCII(ascii) === '') return undefined;
  return ascii;
}
