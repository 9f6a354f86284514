/** The messages between agent and hub (see report.ts) and the protocol's constants. */
export * from './report.js';
export * from './version.js';
