// The validator compiled at build time (dist/core/config/schema-validator.cjs) must judge
// every file exactly as Ajv compiling the schema at run time does: same verdicts, same errors.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { ajvOptions } from './validate.js';

const built = createRequire(import.meta.url)('../../../dist/core/config/schema-validator.cjs') as ValidateFunction;
const runtime = new Ajv(ajvOptions).compile(JSON.parse(readFileSync(new URL('../../../schema/wheelhouse.schema.json', import.meta.url), 'utf8')) as object);

const samples: unknown[] = [
  { services: { a: { command: 'node a.js' } } },
  { services: { a: { comand: 'x', port: 'seventy' } } },
  { hub: { port: 'x', host: 5 }, logs: { retention: [] } },
  { services: { a: { command: 'x', restart: 'sometimes', health: { type: 'carrier-pigeon' } } } },
  { alerts: { rules: [{ name: 1 }] }, extra: true },
  [],
  'not a mapping',
];

describe('the config validator compiled at build time', () => {
  it('gives the same verdict and the same errors as the schema compiled at run time', () => {
    for (const value of samples) {
      expect(built(value), JSON.stringify(value)).toBe(runtime(value));
      expect(built.errors ?? null).toEqual(runtime.errors ?? null);
    }
  });
});
