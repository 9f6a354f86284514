/**
 * The hub keeps V8's young generation at its initial size (1 MB per semi-space). By default V8
 * grows it to 16 MB per semi-space during the burst of allocation at start-up and never shrinks
 * it back for long: ~30 MB of an idle hub's resident memory held for garbage. The usual flag
 * (--max-semi-space-size) only works on node's command line, and a hub is also run as
 * `node wheelhouse.js hub`; switching growth off at run time has the same effect, provided it
 * happens before the first scavenge.
 *
 * Node puts every V8 flag back to its command-line value whenever a worker thread starts
 * (measured: after a Worker, the setting is gone and the main isolate's new space grows to
 * 32 MB), so each worker's start re-applies it.
 */
import { setFlagsFromString } from 'node:v8';
import type { Worker } from 'node:worker_threads';

const flag = '--semi-space-growth-factor=1';
let kept = false;

/** From now on, the young generation does not grow (call before the first allocation burst). */
export function keepYoungGenerationSmall(): void {
  kept = true;
  setFlagsFromString(flag);
}

/** Re-applies the setting once `worker` runs, if this process keeps its young generation small. */
export function afterWorkerStart(worker: Worker): Worker {
  if (kept) worker.once('online', () => setFlagsFromString(flag));
  return worker;
}
