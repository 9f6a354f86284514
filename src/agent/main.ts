#!/usr/bin/env node
/**
 * The agent's own entry point: `node dist/agent/main.js --hub URL --host-id ID …`, the same
 * options as `wheelhouse agent`. It loads the agent and nothing else (no commander, no config
 * schema, no hub modules), which keeps a host's resident memory near a bare Node process.
 */
import { packageVersion as version } from '../core/paths.js';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import type { AgentFlags } from './run.js';

// Before the agent's code is compiled: V8's lite mode (no optimizing compiler, feedback
// allocated lazily). The agent's work is syscalls and small parsers: the same CPU per
// collection (measured), and some 5 MB less resident memory.
setFlagsFromString('--lite-mode');
const { agentOptionHelp, runAgentProgram } = await import('./run.js');

const camel = (flag: string): string => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

try {
  const { values } = parseArgs({
    options: { ...Object.fromEntries(agentOptionHelp.map(([f]) => [f.slice(2).split(' ')[0]!, { type: 'string' as const }])), help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`usage: wheelhouse-agent --hub URL --host-id ID (--api-key KEY | --cert F --key F --ca F) [options]\n\n${agentOptionHelp.map(([f, h]) => `  ${f.padEnd(24)} ${h}`).join('\n')}\n`);
  } else {
    const flags = Object.fromEntries(Object.entries(values).map(([k, v]) => [camel(k), v])) as AgentFlags;
    process.exitCode = await runAgentProgram(flags, version);
  }
} catch (err) {
  const usage = (err as { code?: string }).code === 'request/invalid' || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  process.stderr.write(`error: ${(err as Error).message}\n`);
  process.exitCode = usage ? 2 : 1;
}
