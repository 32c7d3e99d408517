export type { PublicKeyInfo, SmimeCertificate } from './certificate.js';
export {
  certificateFingerprint,
  exportCertificatePem,
  readCertificate,
  readCertificates,
} from './certificate.js';
export type {
  CertificateCheck,
  CertificatePurpose,
  CheckCertificateOptions,
} from './check-certificate.js';
export { certificateHasAddress, checkCertificate } from './check-certificate.js';
export type {
  ContentDecrypt,
  ContentDecryptRequest,
  InjectedCipher,
} from './cms/content-decrypt.js';
export type { ContentEncryption } from './cms/content-encryption.js';
export type { DecryptCmsOptions, DecryptedCms } from './cms/decrypt-cms.js';
export { decryptCms } from './cms/decrypt-cms.js';
export type { CmsRecipient, EncryptCmsOptions } from './cms/encrypt-cms.js';
export { encryptCms } from './cms/encrypt-cms.js';
export type { RsaPadding } from './cms/key-trans-recipient.js';
export type { RsaRawDecrypt } from './cms/rsa-pkcs1-v1_5.js';
export type { SignCmsOptions } from './cms/sign-cms.js';
export { signCms } from './cms/sign-cms.js';
export type { SignerResult, VerifiedCms, VerifyCmsOptions } from './cms/verify-cms.js';
export { verifyCms } from './cms/verify-cms.js';
export { algorithmName } from './describe/algorithm-name.js';
export type {
  CmsEnvelopeFacts,
  CmsIdentifier,
  CmsRecipientFacts,
  CmsSignerFacts,
} from './describe/cms-structure.js';
export { cmsContentType, describeEnvelope, describeSignedData } from './describe/cms-structure.js';
export { signedDataContent } from './describe/signed-data-content.js';
export type { DecryptMimeOptions, DecryptMimeResult } from './mime/decrypt-mime.js';
export { decryptMime } from './mime/decrypt-mime.js';
export type { EncryptMimeOptions } from './mime/encrypt-mime.js';
export { encryptMime } from './mime/encrypt-mime.js';
export type { SignerOptions, SignMimeOptions } from './mime/sign-mime.js';
export { signMime } from './mime/sign-mime.js';
export type {
  OpenedSmimeMessage,
  SignatureReport,
  VerifyMimeOptions,
  VerifyMimeResult,
} from './mime/verify-mime.js';
export { verifyMime } from './mime/verify-mime.js';
export type { Pkcs12Contents, ReadPkcs12Options } from './pkcs12.js';
export { readPkcs12 } from './pkcs12.js';
export type { SmimePrivateKey } from './private-key.js';
export { readPrivateKey } from './private-key.js';
