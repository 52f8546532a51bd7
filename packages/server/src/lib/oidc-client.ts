import * as oidc from 'openid-client';

/**
 * The OpenID Connect relying party (`openid-client`): discovery, the authorization URL with
 * PKCE (S256), `state` and `nonce`, and the code exchange that checks all three. Which
 * person that makes, and whether they may come in, is services/auth/oidc.ts.
 */
export interface OidcClientSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** `<public URL>/api/auth/oidc/callback`, as registered at the provider. */
  redirectUri: string;
}

/** What a sign-in proved, from the ID token (and the userinfo endpoint when it lacks them). */
export interface OidcIdentity {
  subject: string;
  email: string;
  emailVerified: boolean;
  name: string;
}

/** One sign-in's secrets, kept by the server between the redirect and the callback. */
export interface OidcChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** A refusal by the provider or of its answer (a bad state, nonce, PKCE, token…). */
export class OidcRefused extends Error {}

/** Plain http only to a loopback issuer (a provider on this machine, as in tests). */
function loopbackHttp(url: URL): boolean {
  const h = url.hostname.replace(/^\[|\]$/g, '');
  return (
    url.protocol === 'http:' &&
    (h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h))
  );
}

export function checkIssuer(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`invalid OIDC issuer URL "${raw}"`);
  }
  if (url.protocol !== 'https:' && !loopbackHttp(url)) {
    throw new Error('the OIDC issuer must use https (plain http only on loopback)');
  }
  return url.href.replace(/\/$/, '');
}

export class OidcClient {
  private config?: Promise<oidc.Configuration>;

  constructor(private readonly settings: OidcClientSettings) {}

  /** Discovered once, on first use; a failed discovery is tried again next time. */
  private configuration(): Promise<oidc.Configuration> {
    const issuer = new URL(this.settings.issuer);
    this.config ??= oidc
      .discovery(
        issuer,
        this.settings.clientId,
        undefined,
        oidc.ClientSecretBasic(this.settings.clientSecret),
        loopbackHttp(issuer) ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      .catch((err: unknown) => {
        this.config = undefined;
        throw err;
      });
    return this.config;
  }

  /** Fresh secrets for one sign-in. */
  static newChecks(): OidcChecks {
    return {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
    };
  }

  async authorizationUrl(checks: OidcChecks): Promise<string> {
    const config = await this.configuration();
    return oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri,
      scope: 'openid email profile',
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
    }).href;
  }

  /**
   * Exchanges the code of the provider's redirect (`query`: its raw query string): the
   * response's `state` must be ours, the token endpoint checks the PKCE verifier, and the
   * ID token must carry our nonce. Anything wrong is an OidcRefused.
   */
  async identity(query: string, checks: OidcChecks): Promise<OidcIdentity> {
    const config = await this.configuration();
    const current = new URL(`${this.settings.redirectUri}?${query}`);
    try {
      const tokens = await oidc.authorizationCodeGrant(config, current, {
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        pkceCodeVerifier: checks.codeVerifier,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new OidcRefused('the provider sent no ID token');
      let info: Record<string, unknown> = claims;
      // Providers may keep email claims for the userinfo endpoint (OIDC Core 5.4).
      if (claims.email === undefined || claims.email_verified === undefined) {
        info = {
          ...(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)),
          ...claims,
        };
      }
      return {
        subject: claims.sub,
        email: typeof info.email === 'string' ? info.email.trim().toLowerCase() : '',
        emailVerified: info.email_verified === true,
        name: typeof info.name === 'string' ? info.name : '',
      };
    } catch (err) {
      if (err instanceof OidcRefused) throw err;
      if (refusal(err)) throw new OidcRefused(describe(err), { cause: err });
      throw err;
    }
  }
}

/** The provider said no, or its answer failed a check; not an outage (timeouts, network). */
function refusal(err: unknown): boolean {
  if (err instanceof oidc.ResponseBodyError || err instanceof oidc.AuthorizationResponseError) {
    return true;
  }
  const code = err instanceof oidc.ClientError ? err.code : undefined;
  return typeof code === 'string' && code.startsWith('OAUTH_') && !/TIMEOUT|ABORT/.test(code);
}

function describe(err: unknown): string {
  if (err instanceof oidc.ResponseBodyError || err instanceof oidc.AuthorizationResponseError) {
    return `${err.error}${err.error_description ? `: ${err.error_description}` : ''}`;
  }
  const cause = (err as Error).cause;
  return cause instanceof Error ? `${(err as Error).message} (${cause.message})` : String(err);
}
