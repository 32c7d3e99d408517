export { ANCHOR_HINT, withAnchorHint } from './anchor-hint.js';
export {
  type AutocryptImport,
  type AutocryptImportResult,
  autocryptFromMessage,
  importAutocrypt,
} from './autocrypt-import.js';
export { isCaCertificate, leafFirst } from './ca-certificate.js';
export {
  type CertRole,
  type CertSource,
  CertStore,
  type CertStoreEntry,
} from './cert-store.js';
export {
  type CertCheckRow,
  type CheckCertificatesOptions,
  checkCertificates,
} from './check-certificates.js';
export { type DataDirPaths, dataDirPaths, defaultDataDir } from './data-dir.js';
export { describeKey, type KeyInfo } from './describe-key.js';
export {
  type DiscoveredKeyInfo,
  type DiscoverKeysOptions,
  type DiscoveryMethod,
  type DiscoveryResult,
  discoverKeys,
} from './discover-keys.js';
export {
  type ExportedKey,
  exportKeys,
  removeCertificates,
  removeKeys,
  selectKeys,
} from './export-keys.js';
export { type GenerateInput, type GenerateResult, generateKeyFile } from './generate-key-file.js';
export {
  exportFromGnupg,
  type GnupgExportOptions,
  importFromGnupg,
} from './gnupg-import.js';
export { gpgAlgorithmName } from './gpg-algorithm.js';
export { type ImportedKey, importCertificateFile, importKeyFile } from './import-key-files.js';
export { KeyFileCache, type KeyFileCacheOptions } from './key-file-cache.js';
export {
  type KeyMaterial,
  type KeyMaterialFormat,
  type PassphraseCallback,
  type PassphraseRequest,
  type ReadKeyMaterialOptions,
  readKeyBytes,
  readKeyMaterial,
  readKeyMaterialFile,
} from './key-material.js';
export { certificatesForKey } from './key-pair.js';
export { longKeyId, matchKeys, matchOneKey } from './key-selector.js';
export { Keyring, type KeyringEntry } from './keyring.js';
export type {
  E2eScheme,
  KeySet,
  KeySource,
  PgpSignerMaterial,
  RecipientKey,
  RejectedKey,
  SignerKey,
  SmimeSignerMaterial,
} from './keys.js';
export {
  type LoadOpenKeysInput,
  loadDecryptionKeys,
  loadOpenKeys,
  loadVerificationKeys,
  type OpenKeys,
  type SmimeIdentity,
  storedTrust,
} from './open-keys.js';
export {
  type ReadRecipientKeyFileOptions,
  type RecipientKeyFile,
  readRecipientKeyFile,
} from './recipient-key-file.js';
export {
  type DiscoverySettings,
  type KeyFileSpec,
  type KeySources,
  type LookupFailure,
  type ResolvedKeys,
  resolveRecipientKeys,
  type UnmatchedKey,
} from './resolve-recipient-keys.js';
export {
  type RevocationCertificate,
  readRevocationCertificate,
} from './revocation-certificate.js';
export {
  applyRevocationCertificate,
  type RevokedKey,
  revocationFileFor,
  revokeKey,
} from './revoke-key.js';
export { rsaRawDecrypt } from './rsa-raw-decrypt.js';
export {
  type LoadSigningKeyOptions,
  loadSigningKey,
  passphraseCallback,
} from './signing-key.js';
export { readTrustAnchors } from './trust-anchors.js';
