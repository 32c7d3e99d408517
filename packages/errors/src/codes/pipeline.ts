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

  // --- key files, certificate store, signing keys (branch `keys`, decisions 0050–0054) ---
  EKEY_FILE: {
    description:
      'A key file is not an OpenPGP key, an X.509 certificate, a PKCS#12 file or a PEM key bundle.',
    action:
      'Give an armored/binary OpenPGP key, a PEM/DER certificate, a .p12/.pfx file, or a PEM file with a certificate and its private key.',
    retry: 'permanent',
    category: 'crypto',
  },
});
