/** Configuration: the schema, the loader and the loaded model. */
export { loadConfig, defaultDataDir, ConfigError, type LoadOptions } from './load.js';
export type * from './model.js';
export { redactConfig, redacted, isSecretKey, type RedactedConfig } from './redact.js';
