import type { MessageRow, PageScope, PageWindow } from '../store/repos/messages.js';
import type { Repos } from '../store/store.js';
import { badRequest } from './errors.js';
import { pageLimit, seqParam } from './validate.js';

export interface PageQuery {
  limit?: string;
  before_seq?: string;
  after_seq?: string;
  around_seq?: string;
}

export type Cursor =
  { kind: 'default' } | { kind: 'latest' } | { kind: 'before' | 'after' | 'around'; seq: number };

/** Parses the cursor grammar shared by message and thread pages: at most one cursor. */
export function parseCursor(q: PageQuery): Cursor {
  const given = (
    [
      ['before', seqParam('before_seq', q.before_seq)],
      ['after', seqParam('after_seq', q.after_seq)],
      ['around', seqParam('around_seq', q.around_seq)],
    ] as const
  ).filter(([, v]) => v !== undefined);
  if (given.length > 1) {
    throw badRequest(
      'invalid message page request: use only one of before_seq, after_seq, around_seq',
    );
  }
  const [first] = given;
  return first ? { kind: first[0], seq: first[1] as number } : { kind: 'default' };
}

export interface Window {
  rows: MessageRow[];
  oldest_seq: number;
  newest_seq: number;
  has_older: boolean;
  has_newer: boolean;
}

const seqOf = (scope: PageScope, m: MessageRow): number =>
  (scope.kind === 'thread' ? m.thread_seq : m.channel_seq) ?? 0;

/**
 * Loads one window; `fallback` is what no cursor means (newest for channels, oldest for
 * threads). The window query fetches one row past the limit, which answers the has-more
 * question in its own direction; only the other direction needs a probe.
 */
export async function loadWindow(
  db: Repos,
  scope: PageScope,
  cursor: Cursor,
  rawLimit: string | undefined,
  fallback: 'latest' | 'earliest',
): Promise<Window> {
  const limit = pageLimit(rawLimit);
  const want: PageWindow | { kind: 'around'; seq: number } =
    cursor.kind === 'default' ? { kind: fallback } : cursor;
  let rows: MessageRow[];
  // What the window query itself tells about each edge; undefined means probe.
  let older: boolean | undefined;
  let newer: boolean | undefined;
  switch (want.kind) {
    case 'latest':
    case 'earliest':
    case 'before':
    case 'after': {
      const win = await db.messages.window(scope, want, limit);
      ({ rows } = win);
      // A window reaching an end of the scope has nothing beyond that end.
      if (want.kind === 'latest' || want.kind === 'before') older = win.more;
      else newer = win.more;
      if (want.kind === 'latest') newer = false;
      if (want.kind === 'earliest') older = false;
      break;
    }
    case 'around': {
      const { seq } = want;
      const left = await db.messages.window(scope, { kind: 'before', seq: seq + 1 }, limit);
      const right = await db.messages.window(scope, { kind: 'after', seq }, limit);
      let leftCount = Math.min(Math.ceil(limit / 2), left.rows.length);
      const rightCount = Math.min(limit - leftCount, right.rows.length);
      leftCount = Math.min(left.rows.length, limit - rightCount);
      rows = [...left.rows.slice(left.rows.length - leftCount), ...right.rows.slice(0, rightCount)];
      older = left.more || leftCount < left.rows.length;
      newer = right.more || rightCount < right.rows.length;
      break;
    }
  }
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (!first || !last)
    return { rows, oldest_seq: 0, newest_seq: 0, has_older: false, has_newer: false };
  const oldest = seqOf(scope, first);
  const newest = seqOf(scope, last);
  return {
    rows,
    oldest_seq: oldest,
    newest_seq: newest,
    has_older: older ?? (await db.messages.exists(scope, 'below', oldest)),
    has_newer: newer ?? (await db.messages.exists(scope, 'above', newest)),
  };
}
