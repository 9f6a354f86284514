/** Silence matchers as typed on the command line: `alertname=HighCPU`, `host=~web-.*`. */
import type { Matcher } from '../../store/index.js';

/** Parses `name=value`, `name!=value`, `name=~regex`, `name!~regex` (value may be quoted); undefined if it is none of them. */
export function parseMatcher(text: string): Matcher | undefined {
  const m = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/.exec(text);
  if (!m) return undefined;
  let value = m[3]!;
  if (value.length >= 2 && ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'")))) value = value.slice(1, -1);
  return { name: m[1]!, op: m[2] as Matcher['op'], value };
}
