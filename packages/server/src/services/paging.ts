import type { MessageRow, PageScope } from '../store/repos/messages.js';
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

/** Loads one window; `fallback` is what no cursor means (newest for channels, oldest for threads). */
export async function loadWindow(
  db: Repos,
  scope: PageScope,
  cursor: Cursor,
  rawLimit: string | undefined,
  fallback: 'latest' | 'earliest',
): Promise<Window> {
  const limit = pageLimit(rawLimit);
  let rows: MessageRow[];
  switch (cursor.kind) {
    case 'default':
      rows = (await db.messages.window(scope, { kind: fallback }, limit)).rows;
      break;
    case 'latest':
      rows = (await db.messages.window(scope, { kind: 'latest' }, limit)).rows;
      break;
    case 'before':
    case 'after':
      rows = (await db.messages.window(scope, { kind: cursor.kind, seq: cursor.seq }, limit)).rows;
      break;
    case 'around': {
      const left = (await db.messages.window(scope, { kind: 'before', seq: cursor.seq + 1 }, limit))
        .rows;
      const right = (await db.messages.window(scope, { kind: 'after', seq: cursor.seq }, limit))
        .rows;
      let leftCount = Math.min(Math.ceil(limit / 2), left.length);
      const rightCount = Math.min(limit - leftCount, right.length);
      leftCount = Math.min(left.length, limit - rightCount);
      rows = [...left.slice(left.length - leftCount), ...right.slice(0, rightCount)];
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
    has_older: await db.messages.exists(scope, 'below', oldest),
    has_newer: await db.messages.exists(scope, 'above', newest),
  };
}
