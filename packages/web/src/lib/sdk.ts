import { ClickClackClient } from '@clickclack/sdk';

/** The app talks to the server that served it; the session cookie authenticates. */
export const client = new ClickClackClient({
  baseUrl: window.location.origin,
  webSocket: window.WebSocket,
});
