export {
  exportFromGnupg,
  type GnupgExportOptions,
  importFromGnupg,
} from './gnupg-import.js';
export { Keyring, type KeyringEntry } from './keyring.js';
