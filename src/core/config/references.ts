/**
 * `${env:NAME}` and `${file:path}` references in string values, so secrets stay out of the
 * file. `$${` writes a literal `${`. Resolution replaces values in place.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { ConfigIssue } from './validate.js';

const reference = /\$\$\{|\$\{(env|file):([^}]*)\}/g;

/** Sources the references read from. */
export interface ReferenceSources {
  env: Record<string, string | undefined>;
  /** `${file:…}` paths are relative to this directory. */
  baseDir: string;
}

/** Replaces every reference in every string of `value`; returns a problem per unresolvable one. */
export function resolveReferences(value: unknown, sources: ReferenceSources): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  walk(value, [], (text, path) => {
    return text.replace(reference, (match, kind: string | undefined, arg: string | undefined) => {
      if (match === '$${') return '${';
      const name = (arg ?? '').trim();
      if (kind === 'env') {
        const v = sources.env[name];
        if (v === undefined) {
          issues.push({ path, message: `environment variable ${name} is not set (referenced as \${env:${name}})` });
          return '';
        }
        return v;
      }
      const file = isAbsolute(name) ? name : resolve(sources.baseDir, name);
      try {
        return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
      } catch (err) {
        issues.push({ path, message: `cannot read ${file} (referenced as \${file:${name}}): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
        return '';
      }
    });
  });
  return issues;
}

function walk(node: unknown, path: (string | number)[], visit: (text: string, path: (string | number)[]) => string): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => {
      if (typeof item === 'string') node[i] = visit(item, [...path, i]);
      else walk(item, [...path, i], visit);
    });
  } else if (node !== null && typeof node === 'object') {
    const obj = node as Record<string, unknown>;
    for (const [k, v] of Object.entries(obj)) {
      if (typeof v === 'string') obj[k] = visit(v, [...path, k]);
      else walk(v, [...path, k], visit);
    }
  }
}
