import { defineCodes } from './entry.js';

/** Codes raised when applying per-recipient policy (@sealpost/pipeline, the apps). */
export const PIPELINE_CODES = defineCodes({
  EPOLICY: {
    description:
      'The policy requires encryption but a recipient has no usable key; nothing was sent.',
    action:
      'Provide the missing key (--key FILE, keyring, WKD) or choose --policy prefer for that recipient.',
    retry: 'permanent',
    category: 'policy',
  },
  ESELFCHECK: {
    description:
      'The message failed its own check before sending (structure, signature or line format).',
    action: 'Nothing was sent. This is a bug in sealpost: report it with the error code.',
    retry: 'permanent',
    category: 'internal',
  },
  EUSAGE: {
    description: 'The command line is malformed (unknown flag, missing argument).',
    action: 'Run the command with --help to see its usage and examples.',
    retry: 'permanent',
    category: 'usage',
  },

  // --- inspect: codes raised by `sealpost decrypt` / `sealpost verify` (apps/cli) ---
  ESIGNATURE_INVALID: {
    description:
      'A signature on the message does not verify: the content or the signature was changed, or the signing key is revoked or expired.',
    action: 'Do not trust this message; ask the sender to send it again.',
    retry: 'permanent',
    category: 'crypto',
  },
  ESIGNATURE_UNVERIFIED: {
    description:
      'No signature on the message could be checked: none of the given keys or trust anchors belongs to the signer.',
    action:
      "Give the signer's OpenPGP key with --key FILE, or the CA that issued the S/MIME certificate with --anchor FILE.",
    retry: 'permanent',
    category: 'crypto',
  },
  EINTEGRITY_MISSING: {
    description:
      'decrypt --require-integrity: the content had no integrity protection (S/MIME EnvelopedData with CBC and no valid signature), so it may have been altered (EFAIL).',
    action:
      'Do not trust the content; ask the sender to sign the message or to use AuthEnvelopedData (AES-GCM).',
    retry: 'permanent',
    category: 'crypto',
  },
  ENOT_PROTECTED: {
    description:
      'The message is not encrypted (for decrypt) or not signed (for verify) in a format sealpost reads.',
    action: 'Run "sealpost inspect FILE" to see how the message is built.',
    retry: 'permanent',
    category: 'input',
  },
  EOUT_REQUIRED: {
    description:
      'The message is too large to print (over 8 MiB): decrypt writes it only to a file (decision 0123).',
    action:
      'Add --out FILE (a file that does not exist yet); the decrypted message is written there once every check passed.',
    retry: 'permanent',
    category: 'usage',
  },
});
