import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { packagePath } from './paths.js';

/**
 * A child node process (the built module; a fresh isolate is needed, the test runner's own young
 * generation has grown long ago): keep the young generation small, start a worker thread the
 * way `wrap` says, churn through short-lived objects that survive a few scavenges, and report
 * the main isolate's new space in KB.
 */
function newSpaceAfterWorker(wrap: 'afterWorkerStart' | 'plain'): number {
  const moduleUrl = pathToFileURL(packagePath('dist', 'core', 'young-generation.js')).href;
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { Worker } from 'node:worker_threads';
    import { keepYoungGenerationSmall, afterWorkerStart } from ${JSON.stringify(moduleUrl)};
    keepYoungGenerationSmall();
    const worker = new Worker('setTimeout(() => {}, 200)', { eval: true });
    ${wrap === 'afterWorkerStart' ? 'afterWorkerStart(worker);' : ''}
    worker.on('exit', () => {
      let keep = [];
      for (let i = 0; i < 3e6; i++) { keep.push({ i }); if (keep.length > 200000) keep = []; }
      console.log(getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size >> 10);
    });`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim());
}

describe('young generation of the hub', () => {
  it('stays at 1 MB per semi-space after a worker thread starts', () => {
    expect(newSpaceAfterWorker('afterWorkerStart')).toBeLessThanOrEqual(2048);
  });

  it('would grow without re-applying the setting (node resets V8 flags when a worker starts)', () => {
    // The reason afterWorkerStart exists; if node stops resetting flags, this documents it.
    expect(newSpaceAfterWorker('plain')).toBeGreaterThan(2048);
  });
});
