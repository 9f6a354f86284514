// Regenerates schema/wheelhouse.schema.json from src/core/config/schema.ts (a test checks it is current).
import { writeFileSync } from 'node:fs';
import { publishedSchema } from '../src/core/config/schema.js';

writeFileSync(new URL('../schema/wheelhouse.schema.json', import.meta.url), `${JSON.stringify(publishedSchema(), null, 2)}\n`);
