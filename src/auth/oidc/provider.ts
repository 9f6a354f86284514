/**
 * The OpenID provider as `openid-client` sees it: discovery (cached for an hour; a failure is
 * not cached), the authorization URL, and the code exchange with ID token validation. Every
 * failure comes out as an OidcError with a status a user can act on, never as a 500.
 */
import * as client from 'openid-client';
import { OidcError } from './errors.js';

/** The relying party's settings (AuthConfig.oidc). */
export interface ProviderSettings {
  issuer: string;
  clientId: string;
  clientSecret: string | null;
}

/** What the callback yields once the ID token checked out. */
export interface VerifiedLogin {
  /** The validated ID token's claims. */
  claims: Record<string, unknown>;
  /** For the userinfo request, when the ID token lacks the groups (see `userinfo`). */
  accessToken: string;
}

const discoveryTtlMs = 60 * 60_000;

/** One provider. */
export class Provider {
  private cached: { config: client.Configuration; until: number } | null = null;
  private inflight: Promise<client.Configuration> | null = null;

  constructor(
    readonly settings: ProviderSettings,
    private readonly timeoutS = 10,
  ) {}

  /** The discovered configuration (cached). */
  async configuration(): Promise<client.Configuration> {
    if (this.cached && Date.now() < this.cached.until) return this.cached.config;
    this.inflight ??= this.discover().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  /** The URL to send the browser to. */
  async authorizationUrl(params: { redirectUri: string; scopes: string[]; state: string; nonce: string; codeVerifier: string }): Promise<URL> {
    const config = await this.configuration();
    return client.buildAuthorizationUrl(config, {
      redirect_uri: params.redirectUri,
      scope: params.scopes.join(' '),
      response_type: 'code',
      state: params.state,
      nonce: params.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(params.codeVerifier),
      code_challenge_method: 'S256',
    });
  }

  /**
   * Exchanges the code in `callbackUrl` (the redirect URI with the provider's query) and
   * validates the ID token: signature, issuer, audience, expiry and nonce.
   */
  async exchange(callbackUrl: URL, checks: { state: string; nonce: string; codeVerifier: string }): Promise<VerifiedLogin> {
    const config = await this.configuration();
    try {
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, { expectedState: checks.state, expectedNonce: checks.nonce, pkceCodeVerifier: checks.codeVerifier, idTokenExpected: true });
      const claims = tokens.claims();
      if (!claims) throw new OidcError('oidc/invalid_id_token', 'the provider sent no ID token');
      return { claims: claims as Record<string, unknown>, accessToken: tokens.access_token };
    } catch (err) {
      throw translate(err, 'exchange');
    }
  }

  /** The userinfo claims for the login's subject (for providers that keep groups out of the ID token). */
  async userinfo(login: VerifiedLogin): Promise<Record<string, unknown>> {
    const config = await this.configuration();
    if (!config.serverMetadata().userinfo_endpoint) return {};
    try {
      return (await client.fetchUserInfo(config, login.accessToken, String(login.claims.sub))) as Record<string, unknown>;
    } catch (err) {
      throw translate(err, 'userinfo');
    }
  }

  private async discover(): Promise<client.Configuration> {
    const { issuer, clientId, clientSecret } = this.settings;
    const url = new URL(issuer);
    const execute = url.protocol === 'http:' ? [client.allowInsecureRequests] : [];
    let config: client.Configuration;
    try {
      config = await client.discovery(url, clientId, clientSecret ?? undefined, clientSecret ? undefined : client.None(), { execute, timeout: this.timeoutS });
    } catch (err) {
      throw translate(err, 'discovery');
    }
    if (clientSecret) {
      // Spec default is client_secret_basic; use POST only for a provider that offers nothing else.
      const methods = config.serverMetadata().token_endpoint_auth_methods_supported;
      const auth = !methods || methods.includes('client_secret_basic') ? client.ClientSecretBasic(clientSecret) : client.ClientSecretPost(clientSecret);
      config = new client.Configuration(config.serverMetadata(), clientId, clientSecret, auth);
      for (const ext of execute) ext(config);
      config.timeout = this.timeoutS;
    }
    this.cached = { config, until: Date.now() + discoveryTtlMs };
    return config;
  }
}

/** The OidcError for a failure of openid-client at `step`. */
function translate(err: unknown, step: 'discovery' | 'exchange' | 'userinfo'): OidcError {
  if (err instanceof OidcError) return err;
  if (err instanceof client.ResponseBodyError) {
    const what = `${err.error}${err.error_description ? `: ${err.error_description}` : ''}`;
    if (step === 'exchange' && (err.error === 'invalid_grant' || err.status === 400)) {
      return new OidcError('oidc/code_rejected', `the provider refused the login code (${what}); it was used already, expired, or belongs to another login: start again`);
    }
    return new OidcError('oidc/provider_error', `the provider refused the ${step} request (${what})`);
  }
  if (err instanceof client.AuthorizationResponseError) {
    const what = `${err.error}${err.error_description ? `: ${err.error_description}` : ''}`;
    if (err.error === 'access_denied') return new OidcError('oidc/access_denied', `the identity provider refused the login (${what})`);
    return new OidcError('oidc/provider_error', `the identity provider answered with an error (${what})`);
  }
  if (err instanceof client.ClientError) {
    const cause = (err.cause as { message?: string } | undefined)?.message;
    const code = err.code ?? '';
    if (code === 'OAUTH_TIMEOUT' || code.startsWith('OAUTH_RESPONSE_IS_NOT') || step === 'discovery') {
      return new OidcError('oidc/provider_unreachable', `the identity provider did not answer the ${step} request properly: ${err.message}${cause ? ` (${cause})` : ''}`);
    }
    if (step === 'exchange') return new OidcError('oidc/invalid_id_token', `the provider's answer failed validation: ${err.message}${cause ? ` (${cause})` : ''}`);
    return new OidcError('oidc/provider_error', `${step}: ${err.message}`);
  }
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err instanceof TypeError && (e.message === 'fetch failed' || e.cause?.code)) {
    return new OidcError('oidc/provider_unreachable', `cannot reach the identity provider (${step}): ${e.cause?.code ?? e.cause?.message ?? e.message}`);
  }
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return new OidcError('oidc/provider_unreachable', `the identity provider did not answer the ${step} request in time`);
  throw err;
}
