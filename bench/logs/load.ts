/**
 * The parent side of the load generator: writes the batch files it sends (the generated rows,
 * serialized once, before anything is timed) and runs it as a separate process.
 */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import type { Children } from './children.js';
import type { LoadPlan, LoadReport } from './loadgen.js';
import { RowGenerator, type Row, type RowSpec } from './rows.js';

/** A progress line of the load generator: entries acknowledged so far, at an epoch time. */
export interface LoadProgress {
  acked: number;
  epochMs: number;
}

/**
 * Writes the rows of `spec` as batches of `batchSize` to `file`, one "<entries>\t<body>" line
 * per batch, each body made by `serialize`; resolves with the bytes of body written.
 */
export async function writeBatchFile(file: string, spec: RowSpec, batchSize: number, serialize: (rows: readonly Row[]) => string): Promise<number> {
  const out = createWriteStream(file);
  const gen = new RowGenerator(spec);
  let bytes = 0;
  for (let rows = gen.next(batchSize); rows.length > 0; rows = gen.next(batchSize)) {
    const body = serialize(rows);
    bytes += Buffer.byteLength(body);
    if (!out.write(`${rows.length}\t${body}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
  return bytes;
}

/** Writes the rows of `spec` as the lines a service prints, `line(row)` each. */
export async function writeLineFile(file: string, spec: RowSpec, line: (row: Row) => string): Promise<void> {
  const out = createWriteStream(file);
  const gen = new RowGenerator(spec);
  for (let rows = gen.next(5000); rows.length > 0; rows = gen.next(5000)) {
    if (!out.write(`${rows.map(line).join('\n')}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
}

/**
 * Runs the load generator with `plan` to completion; `onProgress` sees its progress lines.
 * Rejects if it exits without a report, or if `failed` (the hub dying) rejects first.
 */
export async function runLoad(children: Children, opts: { repo: string; env: NodeJS.ProcessEnv; logDir: string; name: string }, plan: LoadPlan, failed: Promise<never>, onProgress?: (p: LoadProgress) => void): Promise<LoadReport> {
  const child = children.spawn(`load generator ${opts.name}`, process.execPath, ['--import', 'tsx', join(opts.repo, 'bench', 'logs', 'loadgen.ts'), JSON.stringify(plan)], {
    env: opts.env,
    cwd: opts.repo,
    logFile: join(opts.logDir, `loadgen-${opts.name}.log`),
    pipeStdout: true,
    graceMs: 10_000,
  });
  const report = (async (): Promise<LoadReport> => {
    let done: LoadReport | undefined;
    for await (const line of createInterface({ input: child.stdout!, crlfDelay: Infinity })) {
      const msg = JSON.parse(line) as { type: string } & LoadProgress;
      if (msg.type === 'progress') onProgress?.({ acked: msg.acked, epochMs: msg.epochMs });
      else if (msg.type === 'done') done = msg as unknown as LoadReport;
    }
    if (!done) throw new Error(`the load generator exited without a report (code ${child.exitCode ?? child.signalCode}); see ${join(opts.logDir, `loadgen-${opts.name}.log`)}`);
    return done;
  })();
  try {
    return await Promise.race([report, failed]);
  } finally {
    await children.stop(child);
  }
}
