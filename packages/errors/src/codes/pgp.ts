import { defineCodes } from './entry.js';

/** Codes raised by OpenPGP key handling and PGP/MIME (@sealpost/pgp). */
export const PGP_CODES = defineCodes({
  EKEY_PARSE: {
    description: 'An OpenPGP key (or an armor block in a key file) could not be read.',
    action:
      'Give an armored or binary OpenPGP key (for example the output of "gpg --export --armor").',
    retry: 'permanent',
    category: 'crypto',
  },
  EKEY_PASSPHRASE: {
    description:
      'A private key that is needed is protected (OpenPGP, encrypted PEM/PKCS#8 or PKCS#12) and the passphrase is missing or wrong.',
    action: 'Give the passphrase with --passphrase-env VAR or --passphrase-file FILE.',
    retry: 'permanent',
    category: 'crypto',
  },
  EKEY_EXPIRED: {
    description: 'The OpenPGP key (or every usable subkey) has expired.',
    action: "Ask the key's owner for a key with an extended expiry date, then import it again.",
    retry: 'permanent',
    category: 'crypto',
  },
  EKEY_REVOKED: {
    description: 'The OpenPGP key (or every usable subkey) has been revoked.',
    action: 'Do not use this key; ask its owner for their current key.',
    retry: 'permanent',
    category: 'crypto',
  },
  EKEY_WEAK: {
    description: 'The key is too weak (RSA below 2048 bits, or a deprecated algorithm).',
    action: 'Ask the key owner for a modern key (Curve25519 or RSA of at least 3072 bits).',
    retry: 'permanent',
    category: 'crypto',
  },
  EKEY_SHA1: {
    description: 'The key is bound only by SHA-1 self-signatures, which can be forged.',
    action:
      'Ask the key owner to refresh the self-signatures with SHA-256 (e.g. "gpg --quick-set-expire").',
    retry: 'permanent',
    category: 'crypto',
  },
  EKEY_NO_ENCRYPTION: {
    description: 'The key has no valid subkey that can encrypt.',
    action: 'Ask the key owner for a key with an encryption subkey.',
    retry: 'permanent',
    category: 'crypto',
  },
  EKEY_NO_SIGNING: {
    description: 'The key has no valid key or subkey that can sign.',
    action: 'Use a private key with a signing-capable primary key or subkey.',
    retry: 'permanent',
    category: 'crypto',
  },
  EKEY_USERID: {
    description: "None of the key's user IDs matches the recipient address.",
    action:
      'Check that this is the right key for this recipient; keys are bound to addresses by user ID.',
    retry: 'permanent',
    category: 'crypto',
  },
  EKEY_NOT_FOUND: {
    description: 'No key was found for the address in any configured source.',
    action:
      'Give the key with --key FILE, import it into the keyring, or ask the recipient to publish it (WKD).',
    retry: 'permanent',
    category: 'crypto',
  },
  EDISCOVERY: {
    description: 'Key discovery (WKD, keys.openpgp.org) failed or returned unusable data.',
    action: 'Retry later, or give the key explicitly with --key FILE.',
    retry: 'transient',
    category: 'crypto',
  },
  EPGP_FORMAT: {
    description: 'The input is not a well-formed PGP/MIME (RFC 3156) message.',
    action:
      'Check that the file is the whole message, including its multipart/encrypted or multipart/signed header.',
    retry: 'permanent',
    category: 'crypto',
  },
  EPGP_SIGNER_ADDRESS: {
    description:
      'The signing key has no valid (not revoked, not expired) user ID with the From address.',
    action:
      'Do not trust the sender shown: the signature is by a key of someone else. Check the key or the From address.',
    retry: 'permanent',
    category: 'crypto',
  },
  EDECRYPT: {
    description:
      'The message could not be decrypted (no matching key, or the ciphertext was altered).',
    action: 'Check that you used the right private key; a modified message must not be trusted.',
    retry: 'permanent',
    category: 'crypto',
  },
  ESIGN: {
    description: 'Signing failed.',
    action: 'Check the signing key and its passphrase.',
    retry: 'permanent',
    category: 'crypto',
  },
  EENCRYPT: {
    description: 'Encryption failed.',
    action: 'Check the recipient keys; run "sealpost keys list" to see which are usable.',
    retry: 'permanent',
    category: 'crypto',
  },
});
