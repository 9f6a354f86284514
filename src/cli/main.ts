#!/usr/bin/env node
/**
 * Entry of the `wheelhouse` command: V8 settings first, while nothing has been allocated yet
 * (see v8-flags.ts; static imports would all be loaded before any of them runs), then the
 * program itself (program.ts).
 */
import './v8-flags.js';

await import('./program.js');
