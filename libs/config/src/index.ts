export { AppConfig, ConfigError, loadConfig, loadConfigOrExit, type Environment } from './app-config.js';
export { configSchema } from './config.schema.js';
