export { HOSTILE_ADDRESSES, type HostileAddress } from './compose-hostile.js';
export {
  generateTestKeyPair,
  type IssuedCertificate,
  type IssueOptions,
  sharedTestCa,
  TestCa,
  type TestKeyType,
} from './test-ca.js';
