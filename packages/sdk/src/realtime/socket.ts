/** The subset of the WebSocket API the SDK uses (browsers' WebSocket and `ws` both fit). */
export interface WebSocketLike {
  readonly readyState: number;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (ev: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (ev: { code: number; reason: string }) => void): void;
  addEventListener(type: 'error', listener: (ev: unknown) => void): void;
}
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
) => WebSocketLike;

/** `ws(s)://…/api/realtime/ws?workspace_id=…&after_cursor=…` for an http(s) base URL. */
export function realtimeUrl(baseUrl: string, workspaceId: string, afterCursor?: string): string {
  const q = new URLSearchParams({ workspace_id: workspaceId });
  if (afterCursor) q.set('after_cursor', afterCursor);
  return `${baseUrl.replace(/^http/, 'ws')}/api/realtime/ws?${q.toString()}`;
}

/**
 * Browsers cannot set headers on a WebSocket, so the bearer token rides in the
 * subprotocol list (the server echoes it back).
 */
export function bearerProtocols(token: string | undefined): string[] | undefined {
  return token ? [`clickclack.bearer.${token}`] : undefined;
}

export function webSocketImpl(given: WebSocketConstructor | undefined): WebSocketConstructor {
  const WS = given ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!WS) throw new Error('no WebSocket implementation: pass the webSocket option');
  return WS;
}
