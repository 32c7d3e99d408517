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
});
