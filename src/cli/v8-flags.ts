/**
 * V8 settings for the hub process, applied before any other module loads (main.ts imports
 * this first).
 *
 * The young generation is kept at its initial size (1 MB per semi-space) through start-up.
 * By default V8 grows it to 16 MB per semi-space during the burst of allocation at start-up:
 * memory held for garbage by a hub that then idles. The usual flag (--max-semi-space-size)
 * only works on node's command line, and a hub is also run as `node main.js hub`; switching
 * growth off at run time has the same effect, provided it happens before the first scavenge.
 * Short-lived commands keep V8's defaults.
 *
 * The setting lasts until the first worker thread starts: node then puts every V8 flag back
 * to its command-line value. That is the log store's first full-text or export work, and it
 * is left so on purpose: with growth kept off under ingest as well, the hub spent ~15 % more
 * CPU per ingested line (24.6/23.8 against 20.4/21.2 µs, `npm run bench -- logs --only
 * http`, same hour), and V8's memory reducer shrinks the young generation again once the
 * hub idles.
 */
import { setFlagsFromString } from 'node:v8';

if (process.argv.slice(2).includes('hub')) setFlagsFromString('--semi-space-growth-factor=1');
