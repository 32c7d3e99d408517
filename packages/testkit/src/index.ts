export { GpgsmHome } from './gpgsm.js';
export { type CommandResult, openssl, runCommand, tempFiles } from './openssl.js';
export { exportPkcs12 } from './smime-fixtures.js';
export {
  generateTestKeyPair,
  type IssuedCertificate,
  type IssueOptions,
  sharedTestCa,
  TestCa,
  type TestKeyType,
} from './test-ca.js';
