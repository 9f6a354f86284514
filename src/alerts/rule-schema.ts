/**
 * A rule made through the API against the config file's JSON schema for rules. Apart from
 * rules.ts and loaded by the first rule to check, so the schema library and the schema are not
 * loaded at the hub's start, which is on its services' cold-start path.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { AlertRule } from '../core/config/schema-monitoring.js';

const validate = new Ajv({ allErrors: true, strict: false }).compile(AlertRule as object);

/** What is wrong with `raw` by the schema, one message per problem joined by "; ", or undefined. */
export function schemaProblems(raw: unknown): string | undefined {
  return validate(raw) ? undefined : explain(validate.errors ?? []);
}

function explain(errors: ErrorObject[]): string {
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const out = new Set<string>();
  for (const e of errors) {
    // A failed union also reports each branch; keep the union's own message.
    if (e.keyword !== 'anyOf' && anyOfPaths.has(e.instancePath) && /\/anyOf\/\d+\//.test(e.schemaPath)) continue;
    const path = `rule${e.instancePath.replace(/\//g, '.')}`;
    const p = e.params as Record<string, unknown>;
    if (e.keyword === 'required') out.add(`rule.${String(p.missingProperty)}: required`);
    else if (e.keyword === 'additionalProperties') out.add(`rule: unknown property "${String(p.additionalProperty)}"`);
    else if (e.keyword === 'anyOf' && e.instancePath === '/kind') out.add(`rule.kind: must be one of metric, service_down, health, crash_loop, agent_silent, log_pattern`);
    else if (e.keyword === 'anyOf' && (e.instancePath === '/for' || e.instancePath === '/window')) out.add(`${path}: must be a duration like "30s", "5m", "1h" or milliseconds`);
    else if (e.keyword === 'anyOf' && e.instancePath === '/op') out.add(`${path}: must be one of >, >=, <, <=, ==, !=`);
    else if (e.keyword === 'anyOf' && e.instancePath === '/severity') out.add(`${path}: must be one of critical, warning, info`);
    else out.add(`${path}: ${e.message ?? 'invalid'}`);
  }
  return [...out].join('; ');
}
