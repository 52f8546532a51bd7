import { lookup } from 'node:dns/promises';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';

/**
 * Outbound callbacks (slash commands, event subscriptions) go only to public addresses:
 * the host is resolved here, every address is vetted, and the socket connects to the
 * vetted address, so DNS rebinding cannot point a callback inside the network.
 */

const BLOCKED_V4 = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['168.63.129.16', 32],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.31.196.0', 24],
  ['192.52.193.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['192.175.48.0', 24],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const;
const BLOCKED_V6 = [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['2620:4f:8000::', 48],
  ['3ffe::', 16],
  ['3fff::', 20],
] as const;

const blocked = new BlockList();
for (const [net, prefix] of BLOCKED_V4) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of BLOCKED_V6) blocked.addSubnet(net, prefix, 'ipv6');
const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

const BLOCKED_HOSTS =
  /^(localhost|.*\.localhost|metadata\.google\.internal|metadata\.goog|instance-data|instance-data\.ec2\.internal)$/i;

export interface OutboundPolicy {
  /** Test-only escape hatch: permit loopback targets (off by default). */
  allowLoopback: boolean;
  timeoutMs: number;
  maxResponseBytes: number;
}

export const DEFAULT_OUTBOUND: OutboundPolicy = {
  allowLoopback: false,
  timeoutMs: 3000,
  maxResponseBytes: 64 * 1024,
};

export class OutboundError extends Error {
  /** Policy refusals are final; transport failures and timeouts may succeed later. */
  constructor(
    message: string,
    readonly retryable = true,
  ) {
    super(message);
  }
}

function unmapped(address: string): { address: string; family: 4 | 6 } {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (m?.[1]) return { address: m[1], family: 4 };
  return { address, family: isIP(address) === 6 ? 6 : 4 };
}

export function isPublicAddress(
  address: string,
  policy: Pick<OutboundPolicy, 'allowLoopback'>,
): boolean {
  const a = unmapped(address);
  if (a.address.includes('%')) return false;
  const type = a.family === 4 ? 'ipv4' : 'ipv6';
  if (policy.allowLoopback && loopback.check(a.address, type)) return true;
  if (blocked.check(a.address, type)) return false;
  // Global unicast IPv6 lives in 2000::/3 only.
  if (a.family === 6 && !/^[23]/i.test(a.address.replace(/^0+/, ''))) return false;
  return true;
}

/** Checks a callback URL's shape (scheme, host, no credentials) without resolving it. */
export function assertCallbackUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundError('callback_url must be an absolute http(s) URL', false);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new OutboundError('callback_url must be an absolute http(s) URL', false);
  }
  if (url.username || url.password)
    throw new OutboundError('callback_url must not contain credentials', false);
  if (raw.length > 2000) throw new OutboundError('callback_url is too long', false);
  return url;
}

async function vettedAddress(
  hostname: string,
  policy: OutboundPolicy,
): Promise<{ address: string; family: 4 | 6 }> {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (BLOCKED_HOSTS.test(host) && !policy.allowLoopback) {
    throw new OutboundError('callback host resolves to a non-public address', false);
  }
  const addrs = isIP(host)
    ? [{ address: host, family: isIP(host) as 4 | 6 }]
    : await lookup(host, { all: true, verbatim: true });
  if (addrs.length === 0) throw new OutboundError('callback host did not resolve');
  for (const a of addrs) {
    if (!isPublicAddress(a.address, policy))
      throw new OutboundError('callback host resolves to a non-public address', false);
  }
  const first = addrs[0] as { address: string; family: number };
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

export interface OutboundResponse {
  status: number;
  body: string;
}

/**
 * POSTs a body under the policy: no proxy, no redirects (a 3xx is just the answer), one
 * total timeout, response capped. Throws OutboundError on policy or transport failure.
 */
export async function postCallback(
  rawUrl: string,
  body: string,
  headers: Record<string, string>,
  policy: OutboundPolicy,
): Promise<OutboundResponse> {
  const url = assertCallbackUrl(rawUrl);
  const target = await vettedAddress(url.hostname, policy);
  const opts: RequestOptions = {
    method: 'POST',
    host: target.address,
    family: target.family,
    port: url.port || (url.protocol === 'https:' ? 443 : 80),
    path: `${url.pathname}${url.search}`,
    headers: { ...headers, host: url.host, 'content-length': String(Buffer.byteLength(body)) },
    timeout: policy.timeoutMs,
    ...(url.protocol === 'https:' ? { servername: url.hostname } : {}),
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => req.destroy(new OutboundError('callback timed out')),
      policy.timeoutMs,
    );
    const req = send(opts, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size >= policy.maxResponseBytes) return;
        chunks.push(c.subarray(0, policy.maxResponseBytes - size));
        size += c.length;
        if (size >= policy.maxResponseBytes) res.destroy();
      });
      const done = () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      };
      res.on('end', done);
      res.on('close', done);
    });
    req.on('timeout', () => req.destroy(new OutboundError('callback timed out')));
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(
        err instanceof OutboundError ? err : new OutboundError(`callback failed: ${err.message}`),
      );
    });
    req.end(body);
  });
}
