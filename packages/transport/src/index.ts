// Relay mode: direct delivery to the recipient domain's MX hosts (RFC 5321 §5.1, RFC 8461).

export {
  type CachedMtaStsPolicy,
  MemoryMtaStsPolicyCache,
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
