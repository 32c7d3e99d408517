import { defineCodes } from './entry.js';

/** Codes raised by certificate handling and S/MIME (@sealpost/smime). */
export const SMIME_CODES = defineCodes({
  ECERT_PARSE: {
    description: 'A certificate, an S/MIME private key or a PKCS#12 file could not be read.',
    action:
      'Give a PEM or DER certificate, an RSA, EC (P-256/384/521), Ed25519 or X25519 private key, or a .p12/.pfx file with its password.',
    retry: 'permanent',
    category: 'crypto',
  },
  EPKCS12_PASSWORD: {
    description:
      'The PKCS#12 password is missing or wrong (key files read by @sealpost/keystore report EKEY_PASSPHRASE).',
    action: 'Give the password with --passphrase-env VAR or --passphrase-file FILE.',
    retry: 'permanent',
    category: 'crypto',
  },
  ESMIME_CERT_EXPIRED: {
    description: 'The S/MIME certificate (or one in its chain) has expired.',
    action: "Ask the certificate's owner for a current certificate.",
    retry: 'permanent',
    category: 'crypto',
  },
  ESMIME_CERT_NOT_YET_VALID: {
    description: 'The S/MIME certificate is not valid yet (its notBefore date is in the future).',
    action:
      "Check this machine's clock; otherwise wait, or ask the owner for a current certificate.",
    retry: 'permanent',
    category: 'crypto',
  },
  ESMIME_CERT_UNTRUSTED: {
    description: 'The S/MIME certificate does not chain to a trusted anchor.',
    action: 'Add the issuing CA as a trust anchor if, and only if, you trust it.',
    retry: 'permanent',
    category: 'crypto',
  },
  ESMIME_CERT_USAGE: {
    description:
      'The certificate may not be used for this (key usage or emailProtection EKU missing).',
    action: 'Use a certificate issued for e-mail protection with the right key usage.',
    retry: 'permanent',
    category: 'crypto',
  },
  ESMIME_CERT_ADDRESS: {
    description:
      'The certificate does not name the recipient address (subjectAltName rfc822Name or emailAddress).',
    action: 'Check that this is the right certificate for this recipient.',
    retry: 'permanent',
    category: 'crypto',
  },
  ESMIME_CERT_WEAK: {
    description: 'The certificate key is too weak (RSA below 2048 bits or an unsupported curve).',
    action: 'Ask the owner for a certificate with RSA of at least 2048 bits or EC P-256/384/521.',
    retry: 'permanent',
    category: 'crypto',
  },
  ESMIME_FORMAT: {
    description: 'The input is not a well-formed S/MIME (RFC 8551) message or CMS structure.',
    action:
      'Check that the file is the whole message, including its application/pkcs7-mime or multipart/signed header.',
    retry: 'permanent',
    category: 'crypto',
  },
  ESMIME_DECRYPT: {
    description:
      'The S/MIME message could not be decrypted (no matching certificate, or it was altered).',
    action: 'Check that you used the right private key; a modified message must not be trusted.',
    retry: 'permanent',
    category: 'crypto',
  },
  ESMIME_SIGNATURE_INVALID: {
    description:
      'An S/MIME signature does not verify: the signed content or the signature was changed, or the key does not match.',
    action: 'Do not trust this message; ask the sender to send it again.',
    retry: 'permanent',
    category: 'crypto',
  },
  ESMIME_CONTENT_CONFUSION: {
    description:
      'The signed content is not the content shown: a detached signature carries its own content, an opaque one has none, or it signs something other than a MIME entity.',
    action:
      'Do not trust this message: it is built to show one text under a signature over another (CVE-2018-18509 class).',
    retry: 'permanent',
    category: 'crypto',
  },
  ESMIME_CIPHER_UNAVAILABLE: {
    description:
      'The message or PKCS#12 file uses a cipher this runtime does not provide (3DES, RC2 or ChaCha20-Poly1305 need the Node decryptor).',
    action:
      'Pass contentDecrypt from @sealpost/smime/node; RC2 needs an OpenSSL with the legacy provider, or re-export the file with AES.',
    retry: 'permanent',
    category: 'crypto',
  },
  ESMIME_UNSUPPORTED: {
    description: 'The S/MIME message uses an algorithm or structure sealpost does not support.',
    action:
      'Ask the sender to use AES-GCM, ChaCha20-Poly1305 or AES-CBC with RSA-OAEP, RSA PKCS#1 v1.5, ECDH or X25519.',
    retry: 'permanent',
    category: 'crypto',
  },
});
