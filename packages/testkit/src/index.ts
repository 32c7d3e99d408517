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
  generateTestKeyPair,
  type IssuedCertificate,
  type IssueOptions,
  sharedTestCa,
  TestCa,
  type TestKeyType,
} from './test-ca.js';
