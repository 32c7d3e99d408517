export type { ErrorCategory, ErrorCodeEntry } from './codes/entry.js';
export {
  describeCode,
  ERROR_CODE_SECTIONS,
  ERROR_CODES,
  type ErrorCode,
  isErrorCode,
} from './codes.js';
export { quoteUntrusted } from './quote.js';
export { exitCodeFor, renderErrorCodesMarkdown } from './render.js';
export { isAmbiguous, isPermanent, isTransient } from './retry.js';
export {
  isSealpostError,
  SealpostError,
  type SealpostErrorJson,
  type SealpostErrorOptions,
  type SmtpContext,
} from './sealpost-error.js';
