/**
 * The agent: `wheelhouse agent` on each host. Collects host metrics from /proc every interval
 * and pushes them to the hub (mTLS client certificate or API key), keeping them in a bounded
 * disk buffer while the hub is away. Imports nothing of the hub: only node built-ins, the
 * protocol's types and constants, and the two leaf modules core/files and core/errors.
 */
export { Agent, agentDefaults, type AgentOptions, type AgentStats } from './agent.js';
export { DiskBuffer, type BufferLimits } from './buffer.js';
export { Collector, type CollectorOptions } from './collector.js';
export { Transport, type TransportOptions } from './transport.js';
