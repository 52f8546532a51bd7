/**
 * The server's external address (`serve --public-url`), e.g. `https://chat.example.test`
 * behind a TLS proxy. Kept as a bare origin: OpenClaw compares the `api_base_url` we hand
 * out with the claim URL byte for byte, so it must be canonical (no path, no trailing slash,
 * no default port). Plain http only on loopback, where there is no network to eavesdrop.
 */
export function canonicalPublicUrl(raw: string): string {
  const input = raw.trim();
  if (input === '') return '';
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new Error(`invalid public URL "${input}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error('public URL must use http or https');
  if (url.username || url.password) throw new Error('public URL must not include credentials');
  if (url.search || url.hash || input.includes('?') || input.includes('#'))
    throw new Error('public URL must not include a query or fragment');
  if (url.pathname !== '/') throw new Error('public URL must be an origin without a path');
  if (url.hostname === '' || url.hostname.endsWith('.'))
    throw new Error('public URL has an invalid host');
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname))
    throw new Error('a public URL that is not on loopback must use https');
  return url.origin;
}

function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** A magic link the web app signs in with (Login reads `?token=`). */
export function magicLinkUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/app/?token=${encodeURIComponent(token)}`;
}

/** An invite link: the web app opens the invite (App reads `?invite=`). `base` '' gives a path. */
export function inviteLinkUrl(base: string, token: string): string {
  return `${base}/app/?invite=${encodeURIComponent(token)}`;
}
