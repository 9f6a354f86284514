// Benchmark service: prints every line of LINES_FILE (JSON log lines) to stdout as fast as it
// can, one process.stdout.write per line as a synchronous logger does, then records when its
// write loop started and how long it took in SIDE_FILE (JSON) and stays alive, so the hub does
// not restart it (which would print the lines again).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

const lines = readFileSync(process.env.LINES_FILE, 'utf8').split('\n');
if (lines.at(-1) === '') lines.pop();
const side = process.env.SIDE_FILE;
const startEpochMs = performance.timeOrigin + performance.now();
const t0 = performance.now();
for (const line of lines) process.stdout.write(`${line}\n`);
const loopMs = performance.now() - t0;
// Written whole and renamed so the benchmark never reads half a file.
writeFileSync(`${side}.tmp`, JSON.stringify({ pid: process.pid, lines: lines.length, startEpochMs, loopMs }));
renameSync(`${side}.tmp`, side);
setInterval(() => {}, 1 << 30);
process.on('SIGTERM', () => process.exit(0));
