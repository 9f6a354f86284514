/**
 * Benchmark dispatcher: `npm run bench -- <name>` imports bench/<name>.ts and runs its default
 * export. An unknown or missing name lists the benchmarks and exits with 2 (usage).
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A benchmark module: its default export runs it and resolves to an exit code. */
type BenchModule = { default: (args: string[]) => Promise<number | void> };

const here = fileURLToPath(new URL('.', import.meta.url));
// Every top-level .ts file except this one is a benchmark; helpers live in subfolders.
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.slice(0, -3))
  .sort();

const [name, ...rest] = process.argv.slice(2);
if (!name || !available.includes(name) || !existsSync(new URL(`./${name}.ts`, import.meta.url))) {
  process.stderr.write(`${name ? `unknown benchmark "${name}". ` : ''}usage: npm run bench -- <name>\navailable: ${available.join(', ') || '(none)'}\n`);
  process.exit(2);
}

const mod = (await import(new URL(`./${name}.ts`, import.meta.url).href)) as BenchModule;
process.exitCode = (await mod.default(rest)) ?? 0;
