export {
  type BuildOptions,
  type BuiltMessage,
  buildMessages,
  type PgpSignerMaterial,
  type SmimeSignerMaterial,
} from './build-messages.js';
export { type ExecuteOptions, executePlan, sendBuilt } from './execute-plan.js';
export {
  assertSendable,
  type PlanAddress,
  type PlanInput,
  type PlannedMessage,
  planSend,
  type RecipientDecision,
  type RecipientField,
  type Scheme,
  type SendPlan,
} from './plan-send.js';
export {
  DEFAULT_POLICY,
  type EffectiveRule,
  type EncryptionRequirement,
  type RecipientRule,
  ruleFor,
  type SchemePreference,
  type SendPolicy,
  validatePolicy,
} from './policy.js';
export { type ChoiceName, type PolicyChoices, policyFromChoices } from './policy-choices.js';
export {
  type PreparedSend,
  type PrepareSendOptions,
  prepareSend,
  type RecipientKeys,
  type SendMessage,
  SendRefusedError,
  type SendSources,
  SPOOL_THRESHOLD,
} from './prepare-send.js';
// The recipient side (open, inspect, the exposure matrix) is listed once, in its own light
// entry, and is part of the main one too.
export * from './recipient.js';
export { type CopyStreamer, type SchemeAdapter, schemeAdapter } from './schemes/scheme.js';
export { checkLineFormat, type SelfCheckInput, selfCheck } from './self-check.js';
export {
  clearHeaderNames,
  type EndToEndFacts,
  linkFromTransport,
  type MessageReport,
  messageReport,
  renderSendReport,
  type SendReport,
  sendWarnings,
} from './send-report.js';
export {
  headerSection,
  rawForTransport,
  rawSize,
  SpooledCopy,
  type WriteCopyOptions,
  writeCopy,
} from './spool/spooled-copy.js';
export {
  type CopyBuilder,
  createPgpCopyPool,
  defaultPoolThreads,
  type PgpCopyPool,
  type PgpCopyPoolOptions,
} from './workers/pgp-copy-pool.js';
