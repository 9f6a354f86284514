// After tsc: compile the configuration schema into a standalone validator module
// (dist/core/config/schema-validator.cjs). Ajv compiling the schema took ~150–200 ms of
// every hub start and every CLI command that reads the file; loading the compiled code is a
// few milliseconds. Same schema file, same Ajv options as the run-time fallback.
import { readFileSync, writeFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { ajvOptions } from '../dist/core/config/validate.js';

const schema = JSON.parse(readFileSync(new URL('../schema/wheelhouse.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv({ ...ajvOptions, code: { source: true, esm: false } });
const code = standaloneCode(ajv, ajv.compile(schema));
writeFileSync(new URL('../dist/core/config/schema-validator.cjs', import.meta.url), code, { mode: 0o644 });
