/**
 * What the built command loads before a hub spawns its first service: the bundle's entry and
 * the hub's part, with everything they import statically. Libraries only the API or a rare
 * feature needs (the schema libraries, mail, globbing, readline) are loaded on first use; a
 * static import of one of them would put it back on every service's cold-start path
 * (README, "Supervision" benchmark) without failing anything else.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../src/core/paths.js';

const binDir = packagePath('dist', 'bin');

/** The files `entry` imports statically, itself included, with their text. */
function staticGraph(entry: string): Map<string, string> {
  const seen = new Map<string, string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    const text = readFileSync(join(binDir, file), 'utf8');
    seen.set(file, text);
    for (const m of text.matchAll(/^import\s+(?:[^;]*?\sfrom\s+)?"\.\/([^"]+)"/gm)) queue.push(m[1]!);
  }
  return seen;
}

/** Packages linked into these files (esbuild marks each module with a `// node_modules/<package>/…` line). */
function linkedPackages(files: Map<string, string>): Set<string> {
  const out = new Set<string>();
  for (const text of files.values()) for (const m of text.matchAll(/^\/\/ node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)) out.add(m[1]!);
  return out;
}

/** Node's own modules these files import statically. */
function builtins(files: Map<string, string>): Set<string> {
  const out = new Set<string>();
  for (const text of files.values()) for (const m of text.matchAll(/^import\s+[^;]*?\sfrom\s+"node:([^"]+)"/gm)) out.add(m[1]!);
  return out;
}

describe('the start path of the built command', () => {
  const hubPart = readdirSync(binDir).find((f) => /^hub-[A-Z0-9]+\.js$/.test(f));

  it('links the hub without the libraries it loads on first use', () => {
    expect(hubPart, 'dist/bin/hub-*.js (npm run build)').toBeDefined();
    const hub = staticGraph(hubPart!);
    const packages = linkedPackages(hub);
    for (const lazy of ['typebox', 'ajv', 'nodemailer', 'tinyglobby', 'chokidar', 'fastify', 'ws', 'pg']) expect(packages, lazy).not.toContain(lazy);
  });

  it('starts every command without readline or the hub', () => {
    const command = staticGraph('wheelhouse.js');
    const program = readdirSync(binDir).find((f) => /^program-[A-Z0-9]+\.js$/.test(f));
    const withProgram = program ? new Map([...command, ...staticGraph(program)]) : command;
    expect(builtins(withProgram)).not.toContain('readline');
    expect(linkedPackages(withProgram)).not.toContain('tinyglobby');
    expect([...withProgram.keys()]).not.toContain(hubPart);
  });
});
