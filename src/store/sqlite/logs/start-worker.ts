/**
 * Starting a worker thread of the log store. Its entry is always the compiled file in dist/
 * (from the sources under vitest, worker threads cannot load TypeScript, and the bundled
 * command keeps the workers as separate files; `npm test` builds before testing).
 */
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { packagePath } from '../../../core/paths.js';
import { afterWorkerStart } from '../../../core/young-generation.js';

export function startWorker(name: string, workerData: unknown): Worker {
  const url = pathToFileURL(packagePath('dist', 'store', 'sqlite', 'logs', `${name}.js`));
  return afterWorkerStart(new Worker(url, { workerData }));
}
