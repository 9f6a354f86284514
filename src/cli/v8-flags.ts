/**
 * V8 settings for the hub process, applied before any other module loads (main.ts imports
 * this first).
 *
 * The young generation is kept at its initial size (1 MB per semi-space). By default V8 grows
 * it to 16 MB per semi-space during the burst of allocation at start-up and never shrinks it
 * back: ~30 MB of an idle hub's resident memory held for garbage. The usual flag
 * (--max-semi-space-size) only works on node's command line, and a hub is also run as
 * `node main.js hub`; switching growth off at run time has the same effect, provided it
 * happens before the first scavenge. Short-lived commands keep V8's defaults.
 */
import { setFlagsFromString } from 'node:v8';

if (process.argv.slice(2).includes('hub')) setFlagsFromString('--semi-space-growth-factor=1');
