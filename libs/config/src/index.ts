export { AppConfig, ConfigError, DEV_PII_INDEX_KEY, DEV_PII_KEYS, loadConfig, loadConfigOrExit, type Environment } from './app-config.js';
export { configSchema } from './config.schema.js';
