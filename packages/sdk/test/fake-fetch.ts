import type { FetchLike } from '../src/http.js';

export interface Recorded {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string | undefined;
}

/** A body every SDK method can unwrap, whatever envelope key it reads. */
const ENVELOPE = {
  user: { id: 'usr_1' },
  token: 'sst_new',
  session: { id: 'ses_1' },
  workspaces: [],
  workspace: { id: 'wsp_1' },
  channels: [],
  channel: { id: 'chn_1' },
  messages: [],
  message: { id: 'msg_1' },
  members: [],
  user_ids: [],
  event_types: [],
  event_subscriptions: [],
  event_subscription: { id: 'esub_1' },
  conversations: [],
  conversation: { id: 'dm_1' },
  upload: { id: 'upl_1' },
  events: [],
  event: { id: 'evt_1' },
  tail_cursor: 'cur_1',
  has_more: false,
  ok: true,
};

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

/** Records every request; answers with `reply(req)` or a 200 envelope. */
export function fakeFetch(reply?: (req: Recorded) => Reply | undefined): {
  fetch: FetchLike;
  calls: Recorded[];
} {
  const calls: Recorded[] = [];
  const fetch: FetchLike = async (input, init = {}) => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => (headers[k] = v));
    const req: Recorded = {
      method: init.method ?? 'GET',
      url: new URL(input),
      headers,
      body: typeof init.body === 'string' ? init.body : undefined,
    };
    calls.push(req);
    const r = reply?.(req) ?? { status: 200, body: ENVELOPE };
    const text = r.body === undefined ? null : JSON.stringify(r.body);
    return new Response(text, {
      status: r.status,
      headers: { 'content-type': 'application/json', ...r.headers },
    });
  };
  return { fetch, calls };
}
