export { HOSTILE_ADDRESSES, type HostileAddress } from './compose-hostile.js';
export {
  assertOk,
  createGnupgHome,
  type GnupgHome,
  type GnupgRunOptions,
  gpgAvailable,
  type RunToolOptions,
  runInteropTool,
  type ToolResult,
} from './gnupg.js';
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
