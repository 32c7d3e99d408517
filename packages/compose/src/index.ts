export type { Address, AddressListOptions } from './address/address.js';
export { parseAddress, parseAddressList } from './address/address.js';
export { sameAddress, senderAddress } from './address/sender-address.js';
export { concatBytes } from './entity/bytes.js';
export type { ContentType } from './entity/content-type.js';
export { formatContentType, parseContentType } from './entity/content-type.js';
export { decodeHeaderText, encodeHeaderText } from './entity/encoded-word.js';
export type { HeaderField } from './entity/header-field.js';
export type {
  HeaderConfidentialityPolicy,
  HeaderProtectionMode,
  ProtectHeadersOptions,
} from './entity/header-protection.js';
export { protectHeaders, unprotectHeaders } from './entity/header-protection.js';
export { legacyProtectedHeaders } from './entity/header-protection-legacy.js';
export { canonicalizeLineEnds } from './entity/line-ends.js';
export { joinMessage, splitMessage } from './entity/message.js';
export type { CreateEntityInput, MimeEntity } from './entity/mime-entity.js';
export {
  createEntity,
  decodeBody,
  entityContentType,
  getHeader,
  getHeaders,
  parseEntity,
  serializeEntity,
} from './entity/mime-entity.js';
export type { CreateMultipartOptions, MultipartPart } from './entity/multipart.js';
export { createMultipart, parseMultipart } from './entity/multipart.js';
export type { TransferEncoding } from './entity/transfer-encoding.js';
export { createMessage } from './message/create-message.js';
export { checkMessageId } from './message/header-checks.js';
export type {
  AddressInput,
  AddressListInput,
  Attachment,
  AttachmentInput,
  Envelope,
  Message,
  MessageInput,
} from './message/message.js';
export {
  type ReadSubmissionOptions,
  readSubmission,
  rfc5322Date,
  type Submission,
} from './message/read-submission.js';
export { Base64Lines, base64LinesLength, writeBase64Lines } from './mime/base64-lines.js';
export { CanonicalLineEnds, type CanonicalStreamOptions } from './mime/canonical-stream.js';
export type { ToMimeOptions } from './mime/composer-options.js';
export { toMime, toMimeStream } from './mime/to-mime.js';
export type { RedactOptions } from './redacted-error.js';
export { redactedError } from './redacted-error.js';
export { findPart } from './structure/find-part.js';
export type { MimeNode } from './structure/mime-tree.js';
export { flattenMimeTree, mimeTree } from './structure/mime-tree.js';
export type { ProtectionFormat, ProtectionLayer } from './structure/protection-layer.js';
export {
  findProtectionLayer,
  nodeProtectionLayer,
  protectionLayer,
} from './structure/protection-layer.js';
