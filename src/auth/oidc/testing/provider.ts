/**
 * A real OpenID provider for tests: the `oidc-provider` package on a free port of 127.0.0.1,
 * with one confidential client (PKCE required) and fixed accounts carrying a `groups` claim.
 * Its development login and consent pages are driven with plain HTTP (see browser.ts).
 */
import type { Server } from 'node:http';
// oidc-provider ships no types; only its documented configuration is used.
import Provider from 'oidc-provider';

/** An account the provider knows: its claims besides `sub`. */
export interface TestAccount {
  preferred_username?: string;
  name?: string;
  email?: string;
  groups?: string[];
}

/** How the provider starts. */
export interface TestProviderOptions {
  port: number;
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  accounts: Record<string, TestAccount>;
  /**
   * true: scope claims (groups included) only at userinfo, as the spec's default; false: in
   * the ID token too, as Keycloak does with its group mapper.
   */
  conformIdTokenClaims?: boolean;
}

/** A running provider. */
export interface TestProvider {
  issuer: string;
  close(): Promise<void>;
}

/** Starts the provider. */
export async function startTestProvider(options: TestProviderOptions): Promise<TestProvider> {
  const issuer = `http://127.0.0.1:${options.port}`;
  // Its quick-start warnings (development keys, in-memory storage, dev interactions) are the point here.
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).includes('oidc-provider WARNING')) warn(...args);
  };
  let provider: ReturnType<typeof newProvider>;
  try {
    provider = newProvider(issuer, options);
  } finally {
    console.warn = warn;
  }
  const server: Server = await new Promise((resolve) => {
    const s = provider.listen(options.port, '127.0.0.1', () => resolve(s));
  });
  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function newProvider(issuer: string, options: TestProviderOptions) {
  return new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    pkce: { methods: ['S256'], required: () => true },
    scopes: ['openid', 'profile', 'email', 'groups'],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email'], groups: ['groups'] },
    conformIdTokenClaims: options.conformIdTokenClaims ?? false,
    ttl: { AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
    cookies: { keys: ['wheelhouse-test-cookie-key'] },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx: unknown, sub: string) {
      const account = options.accounts[sub];
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...account }) };
    },
  });
}
