import type { MagicConsumeResponse } from '@clickclack/protocol';
import { isoPlus, nowIso } from '../../lib/clock.js';
import { OidcClient, OidcRefused, type OidcIdentity } from '../../lib/oidc-client.js';
import { WindowLimiter } from '../../lib/rate-limit.js';
import { hashSecret } from '../../lib/tokens.js';
import { openSession } from './auth.js';
import type { OidcLogin, ServiceDeps } from '../context.js';
import { badRequest, DomainError, forbidden } from '../errors.js';
import { joinThroughInvite, openInvite } from '../invites/invites.js';
import { emailDomain } from '../invites/join-domains.js';
import { insertHuman } from '../account/users.js';

/**
 * Single sign-on with an OpenID provider (`serve --oidc-issuer`). The provider vouches for
 * an email address; a verified one is matched to the user who has it. Someone new gets an
 * account when their address's domain is allowed (`--oidc-allowed-domains`) or when they
 * came through an invite link, whose workspace they then join.
 */
/** Time allowed between leaving for the provider and coming back. */
export const OIDC_LOGIN_TTL_MS = 10 * 60 * 1000;
export const OIDC_STARTS_PER_MINUTE = 20;

export const newOidcLogin = (settings: {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  name: string;
  allowedDomains: readonly string[];
}): OidcLogin => ({
  client: new OidcClient(settings),
  name: settings.name,
  allowedDomains: new Set(settings.allowedDomains.map((d) => d.trim().toLowerCase())),
  starts: new WindowLimiter(OIDC_STARTS_PER_MINUTE, 60_000),
});

function configured(deps: ServiceDeps): OidcLogin {
  if (!deps.oidc) throw new DomainError('not_implemented', 'single sign-on is not configured');
  return deps.oidc;
}

const unreachable = (err: unknown) =>
  new DomainError(
    'bad_gateway',
    `the identity provider could not be reached (${(err as Error).message})`,
  );

/**
 * Begins a sign-in: fresh state, nonce and PKCE verifier, kept (the state by its hash) until
 * the callback; the caller hands the state to the browser in a cookie and sends it to `url`.
 */
export async function startOidc(
  deps: ServiceDeps,
  ip: string,
  inviteToken: string | undefined,
): Promise<{ url: string; state: string }> {
  const sso = configured(deps);
  const wait = sso.starts.take(ip);
  if (wait > 0) {
    throw new DomainError('rate_limited', 'too many sign-in attempts; try again later', {
      'Retry-After': String(wait),
    });
  }
  const inviteHash = inviteToken ? hashSecret(inviteToken) : '';
  // A dead link is said now, before the trip to the provider.
  if (inviteHash) await openInvite(deps.store.read, inviteHash);
  const checks = OidcClient.newChecks();
  let url: string;
  try {
    url = await sso.client.authorizationUrl(checks);
  } catch (err) {
    throw unreachable(err);
  }
  const at = nowIso();
  await deps.store.write(async (tx) => {
    await tx.auth.deleteExpiredOidcLogins(at);
    await tx.auth.insertOidcLogin({
      state_hash: hashSecret(checks.state),
      nonce: checks.nonce,
      code_verifier: checks.codeVerifier,
      invite_token_hash: inviteHash,
      created_at: at,
      expires_at: isoPlus(OIDC_LOGIN_TTL_MS),
    });
  });
  return { url, state: checks.state };
}

/**
 * The provider's redirect back. `state` is the one this browser's cookie holds: the sign-in
 * it names is used up here, so a callback replays nothing and one from another browser finds
 * nothing. Opens a session for the person the provider vouched for.
 */
export async function finishOidc(
  deps: ServiceDeps,
  query: string,
  state: string | undefined,
): Promise<{ session: MagicConsumeResponse; workspaceSlug?: string }> {
  const sso = configured(deps);
  const stale = badRequest(
    'this sign-in was not started in this browser or took too long; try again',
  );
  if (!state) throw stale;
  const login = await deps.store.write((tx) => tx.auth.takeOidcLogin(hashSecret(state)));
  if (!login || nowIso() >= login.expires_at) throw stale;
  let who: OidcIdentity;
  try {
    who = await sso.client.identity(query, {
      state,
      nonce: login.nonce,
      codeVerifier: login.code_verifier,
    });
  } catch (err) {
    if (err instanceof OidcRefused) throw badRequest(`single sign-on failed: ${err.message}`);
    throw unreachable(err);
  }
  if (!who.email) throw forbidden('the identity provider gave no email address');
  if (!who.emailVerified) {
    throw forbidden(`the identity provider has not verified ${who.email}`);
  }
  const email = who.email;
  const domain = emailDomain(email);
  const res = await deps.store.write(async (tx) => {
    let user = await tx.users.byEmail(email);
    if (user && (user.kind !== 'human' || user.deleted_at)) {
      throw forbidden(`${email} cannot sign in`);
    }
    if (!user) {
      // Welcome: a domain the server allows, an invite, or a workspace's self-join domain.
      const welcome =
        sso.allowedDomains.has(domain) ||
        login.invite_token_hash !== '' ||
        (await tx.auth.isJoinDomain(domain));
      if (!welcome) {
        throw forbidden(`there is no account for ${email}; ask for an invite link`);
      }
      const displayName = clip(who.name.trim() || email, 80);
      user = await insertHuman(tx, { displayName, email, provider: 'oidc' });
    }
    const joined = login.invite_token_hash
      ? await joinThroughInvite(tx, login.invite_token_hash, user)
      : undefined;
    return { session: await openSession(tx, user), joined };
  });
  return {
    session: res.session,
    ...(res.joined ? { workspaceSlug: res.joined.workspace.slug } : {}),
  };
}

/** The provider's name for someone may be longer than ours allows: cut at a character. */
function clip(text: string, maxBytes: number): string {
  let out = '';
  for (const ch of text) {
    if (Buffer.byteLength(out + ch) > maxBytes) break;
    out += ch;
  }
  return out;
}
