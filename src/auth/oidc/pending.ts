/**
 * Logins in flight, between the redirect to the provider and the callback: state, nonce and
 * PKCE verifier, kept server-side by state for 10 minutes and usable once. A bounded map, so
 * anonymous calls to the login route cannot grow it without limit.
 */

/** One login in flight. */
export interface PendingLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Path to land on after login. */
  returnTo: string;
  /** The redirect_uri sent to the provider (the token request must repeat it exactly). */
  redirectUri: string;
  expiresAt: number;
}

/** The logins in flight. */
export class PendingLogins {
  private readonly byState = new Map<string, PendingLogin>();

  constructor(
    readonly ttlMs = 10 * 60_000,
    private readonly max = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Remembers a login; the oldest ones go when the map is full. */
  add(login: Omit<PendingLogin, 'expiresAt'>): PendingLogin {
    this.sweep();
    while (this.byState.size >= this.max) this.byState.delete(this.byState.keys().next().value!);
    const entry = { ...login, expiresAt: this.now() + this.ttlMs };
    this.byState.set(login.state, entry);
    return entry;
  }

  /** Removes and answers the login for `state`: 'expired' when it timed out, undefined when unknown or used. */
  take(state: string): PendingLogin | 'expired' | undefined {
    const entry = this.byState.get(state);
    if (!entry) return undefined;
    this.byState.delete(state);
    return entry.expiresAt <= this.now() ? 'expired' : entry;
  }

  /** Logins in flight. */
  get size(): number {
    return this.byState.size;
  }

  private sweep(): void {
    const t = this.now();
    // Insertion order is expiry order (same TTL for all): stop at the first live one.
    for (const [state, entry] of this.byState) {
      if (entry.expiresAt > t) break;
      this.byState.delete(state);
    }
  }
}
