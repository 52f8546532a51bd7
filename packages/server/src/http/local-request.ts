import type { IncomingHttpHeaders } from 'node:http';

/** What these checks read: a Fastify request or a raw upgrade request both fit. */
export interface RequestLike {
  headers: IncomingHttpHeaders;
  socket: { remoteAddress?: string | undefined };
}

/** Request-origin checks used by dev auth, login endpoints and the CSRF rule (spec 3.6/3.7). */

const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

export function isLoopbackAddress(addr: string | undefined): boolean {
  if (!addr) return false;
  const a = addr.startsWith('::ffff:') ? addr.slice(7) : addr;
  return a === '::1' || LOOPBACK_V4.test(a);
}

/** host[:port] → hostname without brackets. */
function hostnameOf(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']'));
  const idx = h.lastIndexOf(':');
  return idx > -1 && h.indexOf(':') === idx ? h.slice(0, idx) : h;
}

function isLocalHostName(host: string): boolean {
  const h = hostnameOf(host);
  return h === 'localhost' || h.endsWith('.localhost') || isLoopbackAddress(h);
}

const header = (req: RequestLike, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
};

function defaultPort(scheme: string): string {
  return scheme === 'https:' ? '443' : '80';
}

/**
 * Origin (if any) must be ours: the configured public origin (`--public-url`), or the same
 * host and port as the request's Host header. With a public URL the Host header counts only
 * on the server's own loopback address (a browser on the host itself, or a local proxy that
 * rewrites Host to the upstream): elsewhere the public origin is the only one, so a page
 * served under some other name that reaches the server is refused.
 */
export function isSameOrigin(req: RequestLike, publicUrl?: string): boolean {
  const origin = header(req, 'origin');
  if (origin === undefined) {
    const site = header(req, 'sec-fetch-site');
    return site === undefined || site === 'same-origin' || site === 'none';
  }
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.host === '') return false;
  const host = header(req, 'host');
  if (publicUrl) {
    if (url.origin === publicUrl) return true;
    if (!isLoopbackAddress(req.socket.remoteAddress) || !host || !isLocalHostName(host))
      return false;
  }
  if (!host) return false;
  let reqUrl: URL;
  try {
    reqUrl = new URL(`${url.protocol}//${host}`);
  } catch {
    return false;
  }
  return (
    url.hostname === reqUrl.hostname &&
    (url.port || defaultPort(url.protocol)) === (reqUrl.port || defaultPort(url.protocol))
  );
}

/**
 * The base URL of our API as a client should call it: the public URL when configured, else
 * for a local request (spec 3.7) the address it came in on; '' when unknown (a remote request
 * without a public URL: its Host header could name anything).
 */
export function apiBaseUrl(req: RequestLike & { protocol: string }, publicUrl?: string): string {
  if (publicUrl) return publicUrl;
  if (!isLocalDevRequest(req)) return '';
  try {
    return new URL(`${req.protocol}://${header(req, 'host') ?? ''}`).origin;
  } catch {
    return '';
  }
}

/** All of spec 3.7: loopback peer, local Host, local forwarding headers, same-origin. */
export function isLocalDevRequest(req: RequestLike): boolean {
  if (!isLoopbackAddress(req.socket.remoteAddress)) return false;
  const host = header(req, 'host');
  if (!host || !isLocalHostName(host)) return false;
  for (const name of ['x-forwarded-host', 'x-forwarded-for', 'x-real-ip']) {
    const v = header(req, name);
    if (v !== undefined && !v.split(',').every((p) => isLocalHostName(p))) return false;
  }
  const fwd = header(req, 'forwarded');
  if (fwd !== undefined) {
    for (const part of fwd.split(/[;,]/)) {
      const [k, raw] = part.split('=');
      const key = (k ?? '').trim().toLowerCase();
      if ((key === 'for' || key === 'host') && !isLocalHostName((raw ?? '').replace(/"/g, '')))
        return false;
    }
  }
  return isSameOrigin(req);
}
