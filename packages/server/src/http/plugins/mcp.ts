import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { ClickClackClient, type FetchLike } from '@clickclack/sdk';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createMcpServer } from '../../mcp/server.js';
import { actorForToken } from '../../services/auth/auth.js';
import type { ServiceDeps } from '../../services/context.js';
import { DomainError } from '../../services/errors.js';
import { hashSecret, safeEqual } from '../../lib/tokens.js';
import { bearerToken } from './auth.js';

const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string };

/** A session nobody has used for this long is closed (its client re-initializes). */
const SESSION_IDLE_MS = 60 * 60_000;
/** Open sessions per token; opening one more closes that token's least recently used. */
const SESSIONS_PER_TOKEN = 16;
/** Longer than the longest long-poll `wait_for_events` asks the API for (30 s). */
const API_TIMEOUT_MS = 45_000;

interface Session {
  transport: StreamableHTTPServerTransport;
  /** The bearer token that opened it (hashed): only that token may use it. */
  tokenHash: string;
  lastSeen: number;
}

/**
 * The server's own API, called in-process with `app.inject`: each request runs the real
 * route, auth, validation and scope checks for the session's bearer token without a
 * network hop, and without having to know which address (or proxy) the server listens on.
 */
function injectFetch(app: FastifyInstance): FetchLike {
  return async (input, init = {}) => {
    const url = new URL(input);
    const body = init.body;
    const payload =
      body === undefined || body === null || typeof body === 'string'
        ? (body ?? undefined)
        : Buffer.from(await new Response(body).arrayBuffer());
    const res = await app.inject({
      method: (init.method ?? 'GET') as 'GET',
      url: url.pathname + url.search,
      headers: init.headers as Record<string, string>,
      payload,
    });
    const headers = new Headers();
    for (const [k, v] of Object.entries(res.headers))
      if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : String(v));
    const empty = res.statusCode === 204 || res.statusCode === 304;
    return new Response(empty ? null : new Uint8Array(res.rawPayload), {
      status: res.statusCode,
      headers,
    });
  };
}

/** A JSON-RPC error answer, the shape MCP clients read off a failed HTTP request. */
const rpcError = (reply: FastifyReply, status: number, message: string) =>
  reply.code(status).send({ jsonrpc: '2.0', error: { code: -32000, message }, id: null });

/**
 * `/mcp`: the MCP server (the one `clickclack mcp` runs on stdio) over Streamable HTTP.
 * Every request needs `Authorization: Bearer <session or bot token>`; an initialize request
 * opens a session that acts as that token (a bot's scopes apply) and only that token may
 * use it. Sessions are stateful so `resources/subscribe` can notify over the GET stream.
 */
export function registerMcp(
  app: FastifyInstance,
  deps: ServiceDeps,
  opts: { maxUploadBytes: number },
): void {
  const sessions = new Map<string, Session>();
  const fetch = injectFetch(app);

  async function open(token: string): Promise<Session> {
    const tokenHash = hashSecret(token);
    const mine = [...sessions.values()].filter((s) => s.tokenHash === tokenHash);
    if (mine.length >= SESSIONS_PER_TOKEN) {
      const oldest = mine.reduce((a, b) => (a.lastSeen <= b.lastSeen ? a : b));
      await oldest.transport.close().catch(() => undefined);
    }
    const client = new ClickClackClient({
      baseUrl: 'http://clickclack.internal',
      token,
      fetch,
      timeoutMs: API_TIMEOUT_MS,
      retry: false,
    });
    const server = createMcpServer(
      { client, allowFilePaths: false, log: (line) => app.log.warn(`mcp: ${line}`) },
      version,
    );
    const session: Session = {
      tokenHash,
      lastSeen: Date.now(),
      transport: new StreamableHTTPServerTransport({
        sessionIdGenerator: randomUUID,
        onsessioninitialized: (id) => void sessions.set(id, session),
      }),
    };
    session.transport.onclose = () => {
      if (session.transport.sessionId) sessions.delete(session.transport.sessionId);
    };
    await server.connect(session.transport);
    return session;
  }

  async function handle(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const token = bearerToken(req);
    const challenge = { 'WWW-Authenticate': 'Bearer realm="clickclack"' };
    if (!token)
      throw new DomainError(
        'unauthenticated',
        'a bearer token is required (Authorization: Bearer <token>)',
        challenge,
      );
    try {
      await actorForToken(deps, token, 'bearer');
    } catch (err) {
      if (err instanceof DomainError && err.code === 'unauthenticated')
        throw new DomainError(err.code, err.message, challenge);
      throw err;
    }
    const sessionId = req.headers['mcp-session-id'];
    let session: Session | undefined;
    if (typeof sessionId === 'string') {
      session = sessions.get(sessionId);
      // Another token's session is as unknown to this caller as a closed one.
      if (!session || !safeEqual(session.tokenHash, hashSecret(token)))
        return rpcError(reply, 404, 'session not found: initialize a new one');
    } else if (req.method === 'POST' && isInitializeRequest(req.body)) {
      session = await open(token);
    } else {
      return rpcError(reply, 400, 'no session: send an initialize request first');
    }
    session.lastSeen = Date.now();
    // The transport writes the response (JSON or an event stream) itself.
    reply.hijack();
    await session.transport.handleRequest(req.raw, reply.raw, req.body);
  }

  app.route({
    method: ['GET', 'POST', 'DELETE'],
    url: '/mcp',
    // Uploads travel as base64 inside the JSON-RPC body.
    bodyLimit: Math.ceil((opts.maxUploadBytes * 4) / 3) + 64 * 1024,
    config: { auth: false },
    handler: handle,
  });

  const closeAll = async (idleSince = Infinity) => {
    for (const s of [...sessions.values()])
      if (s.lastSeen < idleSince) await s.transport.close().catch(() => undefined);
  };
  const sweeper = setInterval(() => void closeAll(Date.now() - SESSION_IDLE_MS), 60_000);
  sweeper.unref();
  // Before the HTTP server waits for its connections: an open event stream would hold it.
  app.addHook('preClose', async () => {
    clearInterval(sweeper);
    await closeAll();
  });
}
