export { type OpenPgpProfile, openPgpConfig } from './config.js';
export {
  describeCleartextSignature,
  describeDetachedSignature,
  describeEncryptedMessage,
  inlinePgpKind,
  type PgpEncryptedFacts,
  type PgpRecipient,
  type PgpSignatureFacts,
} from './describe/pgp-packets.js';
export {
  type AutocryptHeader,
  autocryptKey,
  formatAutocryptHeader,
  parseAutocryptHeader,
} from './discovery/autocrypt.js';
export {
  type DiscoverKeyOptions,
  type DiscoveryMethod,
  discoverKey,
} from './discovery/discover-key.js';
export {
  type DiscoveryOptions,
  defaultFetcher,
  type Fetcher,
  type FetchOptions,
  type FetchResponse,
} from './discovery/fetcher.js';
export { KEYS_OPENPGP_ORG, lookupVks, type VksOptions } from './discovery/vks.js';
export { type DiscoveredKey, lookupWkd, type WkdUrls, wkdHash, wkdUrls } from './discovery/wkd.js';
export { zBase32 } from './discovery/z-base-32.js';
export {
  type CheckKeyOptions,
  checkKey,
  type KeyCheck,
  type KeyPurpose,
} from './keys/check-key.js';
export {
  type GeneratedKey,
  type GeneratedKeyType,
  type GenerateKeyOptions,
  generateKey,
} from './keys/generate-key.js';
export { type KeyProvenance, type KeyProvenanceKind, keyEmails } from './keys/key-source.js';
export {
  armorPrivateKey,
  armorPublicKey,
  type Key,
  type KeyInput,
  type PrivateKey,
  type PublicKey,
  type ReadPrivateKeyOptions,
  readKeys,
  readPrivateKey,
  readPublicKey,
  unlockPrivateKey,
} from './keys/read-keys.js';
export {
  type DecryptedMessage,
  type DecryptOptions,
  decryptMessage,
} from './message/decrypt-message.js';
export {
  type DecryptStreamInput,
  decryptMessageStream,
  type StreamedDecryption,
} from './message/decrypt-message-stream.js';
export { type EncryptOptions, encryptMessage } from './message/encrypt-message.js';
export {
  decryptInline,
  findInlineBlock,
  type InlineOptions,
  type InlinePgpBlock,
  type OpenedInline,
  verifyInline,
} from './message/inline-pgp.js';
export { type DetachedSignature, type SignOptions, signDetached } from './message/sign-detached.js';
export type { SignatureStatus } from './message/signature-status.js';
export { checkSignerAddress } from './message/signer-address.js';
export { verifyDetached } from './message/verify-detached.js';
export { type DecryptMimeOptions, decryptMime } from './mime/decrypt-mime.js';
export {
  type EncryptMimeOptions,
  encryptedWrapper,
  encryptionPayload,
  encryptMime,
} from './mime/encrypt-mime.js';
export { type EncryptMimeStreamOptions, encryptMimeStream } from './mime/encrypt-mime-stream.js';
export type { HeaderProtectionOptions, OpenedPgpMessage } from './mime/pgp-mime.js';
export { type SignMimeOptions, signMime } from './mime/sign-mime.js';
export {
  type SignMimeStreamOptions,
  signMimeStream,
  verifyDetachedStream,
} from './mime/sign-mime-stream.js';
export { type VerifyMimeOptions, verifyMime } from './mime/verify-mime.js';
export type { RsaRawDecrypt } from './session-key/rsa-private-key-info.js';
export {
  decryptRsaSessionKeys,
  type RsaSessionKeyOptions,
} from './session-key/rsa-session-keys.js';
