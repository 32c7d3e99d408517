export type { Envelope, SendInput } from './envelope.js';
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
