export {
  type CaKeyType,
  generateCaKeyPair,
  type IssuedCertificate,
  type IssueOptions,
  ThrowawayCa,
} from './throwaway-ca.js';
