/** Configuration: the schema, the loader and the loaded model. */
export { loadConfig, type LoadOptions } from './load.js';
export { defaultDataDir } from './data-dir.js';
export { ConfigError } from './error.js';
export type * from './model.js';
export { redactConfig, redacted, isSecretKey, type RedactedConfig } from './redact.js';
