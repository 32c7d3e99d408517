export type { Envelope, SendInput } from './envelope.js';
export { formatOctets } from './octets.js';
export { explainPort, PORTS, type PortInfo, type PortTlsMode } from './ports.js';
export {
  DEFAULT_PROBE_PORTS,
  type EhloExtensions,
  type PortProbeResult,
  type ProbeMode,
  type ProbeOptions,
  type ProbePort,
  type ProbeReport,
  type ProbeTlsResult,
  parseEhlo,
  probe,
} from './probe.js';
export type {
  CertificateSummary,
  RejectedRecipient,
  TlsReport,
  TransportMode,
  TransportReport,
  TransportTimings,
} from './report.js';
export {
  DEFAULT_SUBMISSION_CANDIDATES,
  type Selection,
  type SelectionAttempt,
  type SelectionPolicy,
  type SelectionSource,
  type SrvRecord,
  type SrvResolver,
  selectTransport,
} from './select-transport.js';
export {
  type CachedSelection,
  SelectionCache,
  type SelectionCacheOptions,
} from './selection-cache.js';
export type { SmtpAuth, SmtpEndpoint, SmtpTimeouts } from './smtp-session.js';
export {
  createSmtpTransport,
  type SmtpTransport,
  type SmtpTransportOptions,
  type Transport,
} from './smtp-transport.js';
export { FileTransport, type RecordedMessage, StubTransport } from './stub-transport.js';
export type { TlsTrustOptions } from './tls-policy.js';
// Relay mode: direct delivery to the recipient domain's MX hosts (RFC 5321 §5.1, RFC 8461).

export {
  type CachedMtaStsPolicy,
  MemoryMtaStsPolicyCache,
  type MtaStsFetchFailure,
  type MtaStsPolicyCache,
} from './relay/mta-sts-cache.js';
export {
  type AppliedMtaStsPolicy,
  discoverMtaStsPolicy,
  type MtaStsDiscovery,
  type MtaStsDiscoveryDeps,
} from './relay/mta-sts-discovery.js';
export {
  createHttpsPolicyFetcher,
  type FetchedPolicyResult,
  fetchMtaStsPolicy,
  type HttpsPolicyFetcherOptions,
  type MtaStsPolicyFetcher,
  type MtaStsPolicyResponse,
} from './relay/mta-sts-fetch.js';
export {
  type MtaStsMode,
  type MtaStsPolicy,
  type MtaStsPolicyResult,
  parseMtaStsPolicy,
} from './relay/mta-sts-policy.js';
export {
  type MtaStsRecord,
  type MtaStsRecordResult,
  parseMtaStsRecord,
  selectMtaStsRecord,
} from './relay/mta-sts-record.js';
export { lookupMx, type MxHost, type MxLookupOptions } from './relay/mx-lookup.js';
export { mxMatchesPattern, mxMatchesPolicy } from './relay/mx-pattern.js';
export type { RelayTlsFacts } from './relay/opportunistic-session.js';
export {
  deliverRelay,
  type RelayAttempt,
  type RelayDeliveryOptions,
  type RelayReport,
} from './relay/relay-delivery.js';
export {
  describeExposure,
  type ExposureReason,
  type RelayExposure,
} from './relay/relay-exposure.js';
export {
  decideRelayTargets,
  type ExcludedMx,
  planRelayDelivery,
  type RelayMode,
  type RelayPlan,
  type RelayPlanDeps,
  type RelayTarget,
  type RelayTargetDecision,
  type RelayTlsRequirement,
} from './relay/relay-plan.js';
export {
  createRelayResolver,
  type RelayResolver,
  type RelayResolverOptions,
} from './relay/relay-resolver.js';
export {
  createRelayTransport,
  groupRecipientsByDomain,
  type RelayOutcome,
  type RelayTransport,
  type RelayTransportOptions,
} from './relay/relay-transport.js';
export {
  parseServer,
  type SubmissionSettings,
  submissionTransport,
} from './submission-transport.js';
