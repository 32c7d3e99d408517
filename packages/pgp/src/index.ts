export { type OpenPgpProfile, openPgpConfig } from './config.js';
export {
  type CheckKeyOptions,
  checkKey,
  type KeyCheck,
  type KeyPurpose,
} from './keys/check-key.js';
export {
  type GeneratedKey,
  type GeneratedKeyType,
  type GenerateKeyOptions,
  generateKey,
} from './keys/generate-key.js';
export {
  armorPrivateKey,
  armorPublicKey,
  type Key,
  type KeyInput,
  type PrivateKey,
  type PublicKey,
  type ReadPrivateKeyOptions,
  readKeys,
  readPrivateKey,
  readPublicKey,
  unlockPrivateKey,
} from './keys/read-keys.js';
