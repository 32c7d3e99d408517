/**
 * `@sealpost/pipeline/recipient`: the recipient side alone — open (decrypt / verify) and inspect
 * a message, and the exposure matrix — without the sending side's modules (transport, the
 * spool, the worker pool), so a one-shot `decrypt` or `inspect` loads less. Neither openpgp.js
 * nor pkijs is loaded by importing it; each is loaded when a message of its scheme is opened or
 * inspected (decision 0065). The main entry re-exports all of it.
 */

export type { E2eScheme } from '@sealpost/keystore';
export {
  type ExposureCell,
  type ExposureInput,
  type ExposureMatrix,
  exposureMatrix,
  type LinkProtection,
  MESSAGE_PARTS,
  type MessagePart,
  OBSERVERS,
  type Observer,
  renderExposureTable,
  type Visibility,
} from './exposure.js';
export { inspectMessage } from './inspect/inspect-message.js';
export type {
  EncryptionFacts,
  HeaderProtectionFacts,
  InlineCoverage,
  Inspection,
  SignatureFacts,
} from './inspect/inspection.js';
export { contentMalleable } from './open/integrity-note.js';
export { findMessageProtection, messageProtection } from './open/message-protection.js';
export { NO_KEYS, type OpenKeys, type OpenOptions, type SmimeIdentity } from './open/open-keys.js';
export { openMessage } from './open/open-message.js';
export {
  LARGE_MESSAGE_THRESHOLD,
  type OpenedMessageFile,
  type OpenFileOptions,
  openMessageFile,
  STREAMED_OPEN_THRESHOLD,
  streamedProtection,
  streamedRefusal,
} from './open/open-message-file-entry.js';
export type { OpenedMessage, SignatureLine } from './open/opened-message.js';
export type {
  LargeMessage,
  LocatedPart,
  StreamedFacts,
  StreamedOpening,
  StreamedOpenSide,
  StreamedPayload,
} from './schemes/streamed-open-side.js';
export { createSpoolDir, type SpoolDir } from './spool/spool-dir.js';
