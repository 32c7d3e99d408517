import { defineCodes } from './entry.js';

/** Codes raised while building a message (@sealpost/compose). */
export const COMPOSE_CODES = defineCodes({
  EADDRESS: {
    description: 'An e-mail address could not be parsed strictly (RFC 5322 / RFC 5321).',
    action:
      'Give one plain address per entry, like "Name <user@example.org>"; no line breaks, groups or stray quotes.',
    retry: 'permanent',
    category: 'input',
  },
  ESENDER_MISSING: {
    description:
      'The message has no From field, so there is no sender to check a signature against.',
    action:
      'Treat the message as unsigned: a signature cannot vouch for a sender that is not named.',
    retry: 'permanent',
    category: 'input',
  },
  ESENDER_AMBIGUOUS: {
    description:
      'The sender is ambiguous: more than one From field, more than one mailbox in From, or a From that does not parse strictly (RFC 5322 §3.6).',
    action:
      'Do not trust the sender shown: mail clients may show a different address than the one checked.',
    retry: 'permanent',
    category: 'input',
  },
  EHEADER: {
    description:
      'A header name or value is not allowed (bad characters, a line break, or a reserved name).',
    action: 'Use a header name of printable ASCII without ":" and a value without CR or LF.',
    retry: 'permanent',
    category: 'input',
  },
  EMESSAGE: {
    description:
      'The message is incomplete or inconsistent (no sender, no recipients, duplicates).',
    action: 'Give a From address and at least one To, Cc or Bcc recipient, each only once.',
    retry: 'permanent',
    category: 'input',
  },
  EATTACHMENT: {
    description: 'An attachment could not be read or has an unusable file name or content type.',
    action:
      'Check the attachment path and give a plain file name (no path separators or control characters).',
    retry: 'permanent',
    category: 'input',
  },
  EMIME: {
    description: 'A MIME entity could not be parsed or is structurally invalid.',
    action: 'Check that the input is a complete RFC 5322 / MIME message with CRLF or LF line ends.',
    retry: 'permanent',
    category: 'input',
  },
});
