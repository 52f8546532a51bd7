import { OPERATIONS } from '@clickclack/protocol';
import { checkIssuer } from '../lib/oidc-client.js';

/** `serve --oidc-*`: single sign-on with an OpenID provider. */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The button says "Sign in with <name>". */
  name: string;
  /** Email domains whose people get an account on their first sign-in. */
  allowedDomains: string[];
}

/** Checked at start: a half-configured provider stops `serve` with a message. */
export function oidcSettings(
  s: OidcSettings,
  publicUrl: string | undefined,
): OidcSettings & { redirectUri: string } {
  const issuer = checkIssuer(s.issuer);
  if (!s.clientId) throw new Error('--oidc-issuer needs --oidc-client-id');
  if (!s.clientSecret) throw new Error('--oidc-issuer needs --oidc-client-secret');
  // The provider sends people back to a fixed, registered address: ours from outside.
  if (!publicUrl) throw new Error('--oidc-issuer needs --public-url (the redirect URI)');
  return { ...s, issuer, redirectUri: `${publicUrl}${OPERATIONS.oidcCallback.path}` };
}
