/// <reference types="node" />

export { contentDecrypt } from './content-decrypt.js';
export {
  type DecryptEnvelopedStreamOptions,
  decryptEnvelopedStream,
  type PlaintextSink,
  type SmimeIdentity,
  type StreamedDecryption,
} from './decrypt-enveloped-stream.js';
export {
  type EncryptMimeStreamOptions,
  encryptMimeStream,
} from './encrypt-mime-stream.js';
export { rsaRawDecrypt } from './rsa-raw-decrypt.js';
export {
  type SignEncryptMimeStreamOptions,
  type SignMimeStreamOptions,
  signEncryptMimeStream,
  signMimeStream,
} from './sign-mime-stream.js';
export { type VerifyDigestOptions, verifyDetachedDigest } from './verify-digest.js';
export {
  type StreamedVerification,
  streamedSignatureReport,
  type VerifyStreamOptions,
  verifyDetachedStream,
  verifyOpaqueStream,
} from './verify-signed-stream.js';
