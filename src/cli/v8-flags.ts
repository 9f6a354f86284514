/**
 * V8 settings for the hub process, applied before any other module loads (main.ts imports
 * this first): see core/young-generation.ts. Short-lived commands keep V8's defaults.
 */
import { keepYoungGenerationSmall } from '../core/young-generation.js';

if (process.argv.slice(2).includes('hub')) keepYoungGenerationSmall();
