/**
 * The entry file of a worker thread of the log store: always the compiled file in dist/ (from
 * the sources under vitest, worker threads cannot load TypeScript, and the bundled command
 * keeps the workers as separate files; `npm test` builds before testing).
 */
import { pathToFileURL } from 'node:url';
import { packagePath } from '../../../core/paths.js';

export function workerUrl(name: string): URL {
  return pathToFileURL(packagePath('dist', 'store', 'sqlite', 'logs', `${name}.js`));
}
