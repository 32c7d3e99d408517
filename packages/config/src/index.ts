export { readConfiguredSecret, type SecretSource } from './secret.js';
export {
  type ConfigKey,
  ENV_NAMES,
  expandPath,
  loadConfig,
  projectConfigPath,
  readSettings,
  type SealpostConfig,
  type SettingOrigin,
  type Settings,
  transportCacheFile,
  userConfigPath,
} from './settings.js';
