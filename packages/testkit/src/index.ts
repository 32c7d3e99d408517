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
export {
  generateTestKeyPair,
  type IssuedCertificate,
  type IssueOptions,
  sharedTestCa,
  TestCa,
  type TestKeyType,
} from './test-ca.js';
