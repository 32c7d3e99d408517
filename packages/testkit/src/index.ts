export { chunksOf, cyclingPieces } from './chunks.js';
export { HOSTILE_ADDRESSES, type HostileAddress } from './compose-hostile.js';
export type {
  DnsRecord,
  DnsRecordType,
} from './dns/dns-message.js';
export {
  type DnsFault,
  type DnsQueryLogEntry,
  type DnsServer,
  type DnsServerOptions,
  type DnsZone,
  startDnsServer,
} from './dns/dns-server.js';
export {
  createGnupgHome,
  type GnupgHome,
  type GnupgRunOptions,
  gpgAvailable,
} from './gnupg.js';
export { GpgsmHome } from './gpgsm.js';
export {
  type HttpsRequestLogEntry,
  type HttpsRoute,
  type HttpsServer,
  type HttpsServerOptions,
  startHttpsServer,
} from './https/https-server.js';
export { type CommandResult, openssl, runCommand, tempFiles } from './openssl.js';
export {
  type DeliveredMessage,
  readMaildir,
  waitForMaildir,
} from './postfix/maildir.js';
export {
  type PostfixInstance,
  type StartPostfixOptions,
  startPostfix,
} from './postfix/start-postfix.js';
export {
  type RedisInstance,
  type StartRedisOptions,
  startRedis,
} from './redis/start-redis.js';
export {
  assertOk,
  type RunToolOptions,
  runInteropTool,
  type ToolResult,
} from './run-tool.js';
export {
  ed25519TestCa,
  exportPkcs12,
  issueRfc8410Certificate,
  type OpensslIssued,
} from './smime-fixtures.js';
export {
  closedPort,
  type HostileServer,
  type RecordingServer,
  type StrippingProxy,
  startCleartextServer,
  startDropAfterDataServer,
  startSilentServer,
  startStartTlsInjectionServer,
  startStartTlsStallServer,
  startStartTlsStrippingProxy,
} from './smtp/hostile-servers.js';
export {
  type RawResponderOptions,
  type RawResponderRecord,
  respondSmtp,
} from './smtp/raw-smtp-responder.js';
export {
  type ReceivedMessage,
  type RunningSubmissionServer,
  type ServerCertificate,
  type SubmissionServerOptions,
  startSubmissionServer,
} from './smtp/submission-server.js';
export { createSopSession, type SopSession, sopAvailable } from './sop.js';
export {
  generateTestKeyPair,
  type IssuedCertificate,
  type IssueOptions,
  sharedTestCa,
  TestCa,
  type TestKeyType,
} from './test-ca.js';
export {
  startWkdServer,
  type WkdFetcher,
  type WkdFetchResponse,
  type WkdServer,
  type WkdServerOptions,
} from './wkd-server.js';
