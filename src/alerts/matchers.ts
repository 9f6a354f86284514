/**
 * Label matching: silence matchers (`=`, `!=`, `=~`, `!~`, regexes anchored as in
 * Alertmanager) and the simpler `match:` maps of routes, maintenance windows and rules
 * (exact values; "*" for any value, as long as the label is there).
 */
import { AppError } from '../core/errors.js';
import type { Matcher } from '../store/index.js';

/** A matcher ready to test label sets. */
export type CompiledMatcher = (labels: Record<string, string>) => boolean;

const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const ops = ['=', '!=', '=~', '!~'] as const;

/**
 * Checks and compiles silence matchers; throws a request/invalid AppError naming the matcher
 * at fault (`matchers[1].value: invalid regular expression …`). `where` prefixes the path.
 */
export function compileMatchers(matchers: readonly Matcher[], where = 'matchers'): CompiledMatcher[] {
  if (!Array.isArray(matchers) || matchers.length === 0) throw invalid(`${where}: at least one matcher is needed (e.g. alertname=HighCPU)`);
  const compiled = matchers.map((m, i) => compileMatcher(m, `${where}[${i}]`));
  // As Alertmanager: a silence whose every matcher also matches an absent label would silence everything.
  if (compiled.every((c) => c({}))) {
    throw invalid(`${where}: every matcher also matches alerts without that label, so this would silence almost everything; add one that needs a label value (e.g. alertname=HighCPU)`);
  }
  return compiled;
}

function compileMatcher(m: Matcher, at: string): CompiledMatcher {
  if (m === null || typeof m !== 'object') throw invalid(`${at}: must be an object {name, op, value}`);
  if (typeof m.name !== 'string' || !labelName.test(m.name)) throw invalid(`${at}.name: must be a label name (letters, digits and "_"), got ${JSON.stringify(m.name)}`);
  if (!(ops as readonly string[]).includes(m.op)) throw invalid(`${at}.op: must be one of =, !=, =~, !~, got ${JSON.stringify(m.op)}`);
  if (typeof m.value !== 'string') throw invalid(`${at}.value: must be a string`);
  const { name, value } = m;
  switch (m.op) {
    case '=':
      return (l) => (l[name] ?? '') === value;
    case '!=':
      return (l) => (l[name] ?? '') !== value;
    case '=~':
    case '!~': {
      let re: RegExp;
      try {
        re = new RegExp(`^(?:${value})$`);
      } catch (err) {
        throw invalid(`${at}.value: invalid regular expression: ${(err as Error).message}`);
      }
      return m.op === '=~' ? (l) => re.test(l[name] ?? '') : (l) => !re.test(l[name] ?? '');
    }
  }
}

/** True when every compiled matcher accepts `labels`. */
export function matchesAll(compiled: readonly CompiledMatcher[], labels: Record<string, string>): boolean {
  for (const c of compiled) if (!c(labels)) return false;
  return true;
}

/** True when `labels` has every value of `match` ("*": the label is there with any value). An empty map matches everything. */
export function matchesMap(match: Record<string, string>, labels: Record<string, string>): boolean {
  for (const k in match) {
    const want = match[k]!;
    const have = labels[k];
    if (have === undefined || (want !== '*' && have !== want)) return false;
  }
  return true;
}

function invalid(message: string): AppError {
  return new AppError('request/invalid', message);
}
