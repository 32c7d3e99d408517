import { defineCodes } from './entry.js';

/**
 * Codes raised by the key stores and the one key-file reader (@sealpost/keystore). Reading a
 * key file also raises, with the same meaning for every command: EIO (the file cannot be
 * read), EKEY_PARSE (a damaged OpenPGP block), ECERT_PARSE (a damaged certificate, S/MIME
 * private key or PKCS#12 file) and EKEY_PASSPHRASE (a needed key is protected and the
 * passphrase is missing or wrong, whatever the format).
 */
export const KEYSTORE_CODES = defineCodes({
  EKEY_FILE: {
    description:
      'A key file does not hold what the command needs: no OpenPGP key, certificate, private key or PKCS#12 file at all, or the wrong kind (a public key where a secret key is needed, a private key without its certificate).',
    action:
      'Give an armored/binary OpenPGP key, a PEM/DER certificate, a .p12/.pfx file, or a PEM file with a certificate and its private key, as the command asks.',
    retry: 'permanent',
    category: 'crypto',
  },
  EKEY_AMBIGUOUS: {
    description:
      'A key selector (an address or a long key ID) names several keys in the keyring where the command needs one.',
    action:
      'Name the key by its full fingerprint; the message lists the keys that matched ("sealpost keys list" shows them all).',
    retry: 'permanent',
    category: 'usage',
  },
  EKEY_REVOCATION: {
    description:
      'A revocation certificate could not be applied: the file holds none, it is for a key not in the keyring, or its signature does not verify against that key.',
    action:
      'Give the .rev file written beside the secret key by "sealpost keys generate" (or by gpg --gen-revoke), and import the public key first.',
    retry: 'permanent',
    category: 'crypto',
  },
});
