// After tsc: links the `wheelhouse` command (dist/cli/main.js and everything it imports) into
// one file, dist/bin/wheelhouse.js, plus one file per part it loads on demand (the HTTP API,
// certificates, …). Node loads one file much faster than the ~600 modules it would otherwise
// resolve and compile one by one: a hub reaches its first spawn ~300 ms sooner, and every CLI
// command starts in ~0.09 s instead of ~0.2 s (README, "Supervision" benchmark).
//
// Left as ordinary imports (loaded from node_modules at run time):
// - native addons: better-sqlite3, argon2 (and pg-native, pg's optional native binding);
// - packages that read their own files at run time or start workers from them: pino's
//   transports (thread-stream; the hub writes its log in-process and never starts a transport,
//   so pino itself is linked in: loading it from node_modules was ~20 ms of every hub's start),
//   pino-pretty, @fastify/swagger and swagger-ui (its page assets), @fastify/static,
//   protobufjs (optional modules it looks up itself).
// The log store's worker threads stay separate files in dist/ (core/paths.ts finds them).
import { build } from 'esbuild';
import { chmodSync, rmSync } from 'node:fs';

const outdir = new URL('../dist/bin/', import.meta.url).pathname;
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { wheelhouse: new URL('../dist/cli/main.js', import.meta.url).pathname },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['better-sqlite3', 'argon2', 'pg-native', 'pino-pretty', 'thread-stream', '@fastify/swagger', '@fastify/swagger-ui', '@fastify/static', 'protobufjs'],
  // CommonJS packages inside an ES module still call require() for Node's own modules.
  banner: { js: "import { createRequire as __wheelhouseRequire } from 'node:module'; const require = __wheelhouseRequire(import.meta.url);" },
  logLevel: 'warning',
});
chmodSync(new URL('wheelhouse.js', `file://${outdir}`), 0o755);
