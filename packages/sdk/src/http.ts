import { ROUTES, type RouteId } from '@clickclack/protocol/routes';
import { ClickClackError } from './errors.js';
import { DEFAULT_RETRY, isIdempotent, retryDelay, type RetryPolicy } from './retry.js';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;
export type Query = Record<string, string | number | boolean | undefined>;
/** A protocol query type with every value loosened: numbers and booleans are stringified. */
export type QueryOf<T> = { [K in keyof T]?: string | number | boolean };

export interface HttpOptions {
  baseUrl: string;
  token?: string;
  userId?: string;
  fetch?: FetchLike;
  /** Sent as X-Correlation-ID on every request. */
  correlationId?: string;
  /** Per-request timeout in ms (default 30 s). */
  timeoutMs?: number;
  /**
   * Resending on 408/425/429 (any method) and 500/502/503/504 (idempotent requests,
   * including creates with a `nonce`), honouring Retry-After. Default: 2 retries;
   * `false` turns it off.
   */
  retry?: Partial<RetryPolicy> | false;
}

/** A request's optional parts: query, JSON body, or a raw body with its own headers. */
export interface RequestOptions {
  query?: Query;
  body?: unknown;
  rawBody?: BodyInit;
  headers?: Record<string, string>;
  /** The raw body is a stream: send it half-duplex. */
  duplex?: boolean;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  425: 'Too Early',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Query string with keys sorted and undefined values left out. */
export function queryString(q: Query | undefined): string {
  if (!q) return '';
  const params = new URLSearchParams();
  for (const key of Object.keys(q).sort()) {
    const v = q[key];
    if (v !== undefined) params.set(key, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export const seg = (s: string): string => encodeURIComponent(s);

/** The `:name` parameters of a route path, each a string. */
type ParamsOf<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? { [K in Name]: string } & ParamsOf<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? { [K in Name]: string }
    : Record<never, never>;
export type PathParams<Id extends RouteId> = ParamsOf<(typeof ROUTES)[Id]['path']>;

/** One request's method and path. */
export interface Target {
  method: string;
  path: string;
}

/**
 * An operation of the protocol's route table, its path parameters filled in and escaped:
 * the SDK never spells a method or a path itself.
 */
export function op<Id extends RouteId>(
  id: Id,
  ...[params]: keyof PathParams<Id> extends never ? [] : [PathParams<Id>]
): Target {
  const values = (params ?? {}) as Record<string, string>;
  const { method, path } = ROUTES[id];
  return {
    method,
    path: path.replace(/:([a-z_]+)/g, (_, name: string) => seg(values[name] ?? '')),
  };
}

/** A bare number is the original SDK's `afterSeq` argument: `{after_seq: n}`. */
export function pageOptions<T>(afterSeqOrOptions: number | T): T | { after_seq: number } {
  return typeof afterSeqOrOptions === 'number'
    ? { after_seq: afterSeqOrOptions }
    : afterSeqOrOptions;
}

/** The one place requests are made: auth headers, JSON, errors. */
export class Http {
  readonly baseUrl: string;
  token: string | undefined;
  userId: string | undefined;
  correlationId: string | undefined;
  private readonly fetchImpl: FetchLike;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;

  constructor(opts: HttpOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.token = opts.token;
    this.userId = opts.userId;
    this.correlationId = opts.correlationId;
    this.fetchImpl = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.retry =
      opts.retry === false ? { ...DEFAULT_RETRY, retries: 0 } : { ...DEFAULT_RETRY, ...opts.retry };
  }

  headers(method: string, hasBody: boolean): Record<string, string> {
    const h: Record<string, string> = { accept: 'application/json' };
    if (hasBody) h['content-type'] = 'application/json';
    if (this.token) h.authorization = `Bearer ${this.token}`;
    if (this.userId) h['x-clickclack-user'] = this.userId;
    if (this.correlationId) h['x-correlation-id'] = this.correlationId;
    // Cookie sessions (browsers) must prove same-origin intent on writes.
    if (!this.token && UNSAFE.has(method)) h['x-clickclack-csrf'] = '1';
    return h;
  }

  /** Sends a request and returns the parsed JSON body (undefined for empty bodies). */
  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.raw(method, path, opts);
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Calls one operation (`op(...)`) and returns the parsed JSON body. */
  call<T>(target: Target, opts: RequestOptions = {}): Promise<T> {
    return this.request<T>(target.method, target.path, opts);
  }

  /** Like `call`, but hands back the Response (for downloads and custom bodies). */
  callRaw(target: Target, opts: RequestOptions = {}): Promise<Response> {
    return this.raw(target.method, target.path, opts);
  }

  /** Like request, but hands back the Response (for downloads and custom bodies). */
  async raw(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const hasJson = opts.body !== undefined;
    const url = `${this.baseUrl}${path}${queryString(opts.query)}`;
    const init = () =>
      ({
        method,
        // A raw body (FormData, a stream) brings its own content type: only JSON sets one.
        headers: { ...this.headers(method, hasJson), ...opts.headers },
        body: hasJson ? JSON.stringify(opts.body) : opts.rawBody,
        // A streamed upload may legitimately take longer than any fixed request timeout.
        signal: opts.duplex ? undefined : AbortSignal.timeout(this.timeoutMs),
        credentials: 'same-origin',
        // A streamed request body needs half-duplex mode in fetch.
        ...(opts.duplex ? { duplex: 'half' } : {}),
      }) as RequestInit;
    for (let attempt = 0; ; attempt++) {
      const res = await this.fetchImpl(url, init());
      if (res.ok) return res;
      // A stream cannot be sent twice.
      const wait = opts.duplex
        ? undefined
        : retryDelay(this.retry, res, attempt, isIdempotent(method, opts.body));
      if (wait === undefined) throw await errorFrom(res);
      await res.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** The server's `{"error", "code"}` (when the body is JSON) as a ClickClackError. */
async function errorFrom(res: Response): Promise<ClickClackError> {
  const text = await res.text();
  let message = '';
  let code: string | undefined;
  try {
    const parsed = JSON.parse(text) as { error?: unknown; code?: unknown };
    if (typeof parsed.error === 'string') message = parsed.error;
    if (typeof parsed.code === 'string') code = parsed.code;
  } catch {
    // not JSON: keep the status line only
  }
  const statusText = res.statusText || STATUS_TEXT[res.status] || '';
  return new ClickClackError(res.status, statusText, message, code, res.headers);
}
