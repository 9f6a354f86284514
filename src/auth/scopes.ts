/** Token scopes and the one rule of what a scope allows. */

/** What a credential may do: read < operate < admin; ingest (send logs and metrics) stands apart; admin covers all. */
export const scopes = ['read', 'operate', 'admin', 'ingest'] as const;
/** A token scope. */
export type Scope = (typeof scopes)[number];

const implied: Record<Scope, readonly Scope[]> = {
  read: ['read', 'operate', 'admin'],
  operate: ['operate', 'admin'],
  admin: ['admin'],
  ingest: ['ingest', 'admin'],
};

/** True for one of the scope names. */
export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (scopes as readonly string[]).includes(value);
}

/** True when a principal with `granted` scopes may do what needs `needed`. */
export function allows(granted: readonly Scope[], needed: Scope): boolean {
  return granted.some((g) => implied[needed].includes(g));
}
