/**
 * Schema validation of the parsed file, with Ajv's raw errors turned into one readable
 * message per problem ("unknown property \"prot\" (did you mean \"port\"?)").
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { packagePath } from '../paths.js';
import type { ErrorObject, Options, ValidateFunction } from 'ajv';

/** One problem found in the file, located by JSON path. */
export interface ConfigIssue {
  path: (string | number)[];
  /** When set, the problem is this key inside the mapping at `path` (an unknown property). */
  key?: string;
  message: string;
}

/**
 * The published schema file (generated from schema.ts by `npm run schema`, checked by a
 * test). Reading the JSON instead of building it with TypeBox keeps every CLI command fast.
 */
const schemaFile = packagePath('schema', 'wheelhouse.schema.json');
/** The same schema compiled at build time (scripts/compile-config-validator.js); absent when running from source. */
const compiledFile = packagePath('dist', 'core', 'config', 'schema-validator.cjs');
/** verbose: errors carry their schema, which the messages below read (allowed values, descriptions). */
export const ajvOptions: Options = { allErrors: true, strict: false, verbose: true };
let validateSchema: ValidateFunction | undefined;

/** Validates `value` against the config schema; returns every problem (empty when valid). */
export function schemaIssues(value: unknown): ConfigIssue[] {
  validateSchema ??= loadValidator();
  if (validateSchema(value)) return [];
  return explain(validateSchema.errors ?? []);
}

function loadValidator(): ValidateFunction {
  const require = createRequire(import.meta.url);
  try {
    return require(compiledFile) as ValidateFunction;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
    // Ajv itself is loaded only here: a built hub or CLI never needs it for its config.
    const { Ajv } = require('ajv') as typeof import('ajv');
    return new Ajv(ajvOptions).compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
  }
}

function explain(errors: ErrorObject[]): ConfigIssue[] {
  // A failed anyOf also reports each branch's failure; keep one message for the anyOf itself.
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'anyOf' && anyOfPaths.has(e.instancePath) && /\/anyOf\/\d+\//.test(e.schemaPath)) continue;
    const issue = describe(e);
    const key = `${issue.path.join('/')}|${issue.key ?? ''}|${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}

function describe(e: ErrorObject): ConfigIssue {
  const path = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  switch (e.keyword) {
    case 'required':
      return { path, message: `missing required property "${(e.params as { missingProperty: string }).missingProperty}"` };
    case 'additionalProperties': {
      const prop = (e.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {});
      if (path.length === 1 && path[0] === 'services') {
        return { path, key: prop, message: `invalid service name "${prop}": use lower-case letters, digits, "-" and "_" (up to 63 characters)` };
      }
      const hint = closest(prop, known);
      return { path, key: prop, message: `unknown property "${prop}"${hint ? ` (did you mean "${hint}"?)` : ''}` };
    }
    case 'anyOf': {
      const branches = ((e.schema as unknown[]) ?? []) as { const?: unknown; type?: string; description?: string }[];
      if (branches.length > 0 && branches.every((b) => b.const !== undefined)) {
        return { path, message: `invalid value ${JSON.stringify(e.data)}: must be one of ${branches.map((b) => String(b.const)).join(', ')}` };
      }
      const description = (e.parentSchema as { description?: string })?.description;
      const types = [...new Set(branches.map((b) => b.type).filter(Boolean))].join(' or ');
      return { path, message: description ? `invalid value ${JSON.stringify(e.data)}: expected ${lowerFirst(description)}` : `must be ${types}` };
    }
    case 'type':
      return { path, message: `must be ${article((e.params as { type: string }).type)}, got ${JSON.stringify(e.data)}` };
    case 'pattern': {
      const description = (e.parentSchema as { description?: string })?.description;
      const shown = JSON.stringify(e.data);
      return { path, message: description ? `invalid value ${shown}: expected ${lowerFirst(description)}` : `invalid value ${shown}: must match ${(e.params as { pattern: string }).pattern}` };
    }
    default:
      return { path, message: e.message ?? 'is invalid' };
  }
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1).replace(/\.$/, '');
}

/** The known name nearest to `word`, when it is near enough to be a likely typo. */
function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

/** Edit distance counting a swap of two neighbours as one edit (typos like "prot" for "port"). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
