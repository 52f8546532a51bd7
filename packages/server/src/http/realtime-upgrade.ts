import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Actor } from '../services/actor.js';
import { actorForToken } from '../services/auth/auth.js';
import type { ServiceDeps } from '../services/context.js';
import { DomainError } from '../services/errors.js';
import { assertScope, requireMember } from '../services/policies.js';
import type { Hub } from '../realtime/hub.js';
import { Session, type SessionOptions } from '../realtime/session.js';
import { bearerToken, resolveActor, sessionCookie } from './plugins/auth.js';
import { isSameOrigin } from './local-request.js';
import { STATUS_OF } from './plugins/errors.js';
import { isUnstorableText } from '../store/errors.js';

export const WS_PATH = '/api/realtime/ws';
/** `serve --ws-connections-per-user`: a browser with many tabs and a few agents fit easily. */
export const DEFAULT_SOCKETS_PER_USER = 32;
const SUBPROTOCOL_PREFIX = 'clickclack.bearer.';

function reject(socket: Duplex, status: number, error: string, code = 'bad_request'): void {
  const body = JSON.stringify({ error, code });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** The raw credential a socket authenticated with, so it can be re-checked later. */
function credentialOf(req: IncomingMessage): { raw: string; via: 'bearer' | 'cookie' } | undefined {
  const bearer = bearerToken(req);
  if (bearer) return { raw: bearer, via: 'bearer' };
  const cookie = sessionCookie(req);
  return cookie ? { raw: cookie, via: 'cookie' } : undefined;
}

/**
 * Handles `GET /api/realtime/ws` upgrades: every check answers with a normal JSON HTTP
 * error before the handshake; the `clickclack.bearer.<token>` subprotocol is echoed back.
 */
export function attachRealtime(
  server: Server,
  deps: ServiceDeps,
  hub: Hub,
  opts: SessionOptions,
  socketsPerUser = DEFAULT_SOCKETS_PER_USER,
): WebSocketServer {
  // Open (and opening) sockets per user on this node: a client that leaks sockets, or a
  // script opening thousands, cannot exhaust the node's memory and file descriptors.
  const open = new Map<string, number>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 4096,
    handleProtocols: (protocols) =>
      [...protocols].find((p) => p.startsWith(SUBPROTOCOL_PREFIX)) ?? false,
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== WS_PATH) return reject(socket, 404, 'not found', 'not_found');
      // Browsers always send Origin: it must be ours. Other clients send none.
      if (req.headers.origin !== undefined && !isSameOrigin(req, deps.publicUrl)) {
        return reject(socket, 403, 'cross-origin websocket upgrades are not allowed', 'forbidden');
      }
      if (req.headers.authorization === undefined) {
        const offered = (req.headers['sec-websocket-protocol'] ?? '')
          .split(',')
          .map((p) => p.trim());
        const token = offered
          .find((p) => p.startsWith(SUBPROTOCOL_PREFIX))
          ?.slice(SUBPROTOCOL_PREFIX.length);
        if (token) req.headers.authorization = `Bearer ${token}`;
      }
      let actor: Actor;
      try {
        actor = await resolveActor(deps, req);
        assertScope(actor, 'realtime:read');
      } catch (err) {
        if (isUnstorableText(err))
          return reject(socket, 400, 'text must not contain NUL characters');
        return err instanceof DomainError
          ? reject(socket, STATUS_OF[err.code], err.message, err.code)
          : reject(socket, 500, 'internal server error', 'internal');
      }
      const workspaceId = url.searchParams.get('workspace_id')?.trim() ?? '';
      if (workspaceId === '') return reject(socket, 400, 'workspace_id is required');
      const afterCursor = url.searchParams.get('after_cursor')?.trim() ?? '';
      if (afterCursor !== '' && !/^cur_[0-9a-z]{26}$/.test(afterCursor)) {
        return reject(socket, 400, 'after_cursor is not a cursor');
      }
      try {
        await requireMember(deps.store.read, actor, workspaceId);
      } catch (err) {
        if (isUnstorableText(err))
          return reject(socket, 400, 'text must not contain NUL characters');
        return err instanceof DomainError
          ? reject(socket, STATUS_OF[err.code], err.message, err.code)
          : reject(socket, 500, 'internal server error', 'internal');
      }
      const credential = credentialOf(req);
      const stillAllowed = async (): Promise<boolean> => {
        try {
          const now = credential
            ? await actorForToken(deps, credential.raw, credential.via)
            : actor;
          return (await deps.store.read.workspaces.role(workspaceId, now.user.id)) !== undefined;
        } catch (err) {
          if (err instanceof DomainError) return false;
          throw err;
        }
      };
      const credentialId = actor.kind === 'bot' ? actor.tokenId : actor.sessionId;
      const userId = actor.user.id;
      const held = open.get(userId) ?? 0;
      if (held >= socketsPerUser)
        return reject(
          socket,
          429,
          `too many realtime connections: at most ${socketsPerUser} per user; close one first`,
          'rate_limited',
        );
      // Counted from here until the TCP socket closes, whether or not the handshake completes.
      open.set(userId, held + 1);
      socket.once('close', () => {
        const n = (open.get(userId) ?? 1) - 1;
        if (n > 0) open.set(userId, n);
        else open.delete(userId);
      });
      wss.handleUpgrade(req, socket, head, (ws) => {
        const session = new Session(
          ws,
          hub,
          deps.store,
          workspaceId,
          actor.user.id,
          credentialId,
          afterCursor,
          stillAllowed,
          opts,
        );
        void session.start();
      });
    })();
  });
  return wss;
}

/**
 * Shuts the realtime endpoint: handshakes still in flight are refused (503), every open
 * socket gets 1001 (those the hub had are closed already; this also reaches sockets still
 * checking their cursor), and any that have not finished the closing handshake after
 * `graceMs` are cut off. Resolves once no socket is left.
 */
export function closeRealtime(wss: WebSocketServer, graceMs = 1000): Promise<void> {
  return new Promise((resolve) => {
    wss.close(() => resolve());
    for (const ws of wss.clients) {
      ws.close(1001, 'server shutting down');
      const cutOff = setTimeout(() => ws.terminate(), graceMs);
      cutOff.unref();
      ws.once('close', () => clearTimeout(cutOff));
    }
  });
}
