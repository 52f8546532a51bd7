import type { Readable } from 'node:stream';

/**
 * What an export reader hands the importer: the same shapes for Slack and Mattermost, each
 * record carrying the id its export gave it (`sourceId`) and where it was read (`where`),
 * so a bad one can be reported with its file and line.
 */

/** `file:line` in a JSON-lines file; `file[index]` for a record of a JSON array (0-based). */
export interface Where {
  file: string;
  line?: number;
  index?: number;
}

export const whereText = (w: Where): string =>
  w.line !== undefined
    ? `${w.file}:${w.line}`
    : w.index !== undefined
      ? `${w.file}[${w.index}]`
      : w.file;

export type ImportRole = 'owner' | 'moderator' | 'member' | 'guest';

export interface ImportUser {
  sourceId: string;
  /** '' when the export has none: such a user is matched by nothing and created. */
  email: string;
  handle: string;
  displayName: string;
  isBot: boolean;
  where: Where;
}

export interface ImportChannel {
  sourceId: string;
  name: string;
  kind: 'public' | 'private';
  topic: string;
  purpose: string;
  archived: boolean;
  createdAt: string;
  creatorSourceId: string;
  memberSourceIds: readonly string[];
  where: Where;
}

export interface ImportDm {
  sourceId: string;
  memberSourceIds: readonly string[];
  where: Where;
}

export interface ImportFile {
  name: string;
  /** The type the export claims (the bytes decide; text/plain is believed). */
  type?: string;
  /** Opens the bytes when the export holds them; absent when it only names the file. */
  open?: () => Promise<Readable>;
}

export interface ImportReaction {
  /** Unicode where the name is known, else `:name:`. */
  emoji: string;
  userSourceIds: readonly string[];
}

export interface ImportMessage {
  /** Unique within its conversation. */
  sourceId: string;
  conversation: { channel: string } | { dm: string };
  authorSourceId: string;
  body: string;
  createdAt: string;
  /** The sourceId of the thread's root, for a reply. */
  parentSourceId?: string;
  reactions: readonly ImportReaction[];
  files: readonly ImportFile[];
  /** Pinned in its channel (Slack `pinned_to`, Mattermost `is_pinned`). */
  pinned?: boolean;
  where: Where;
}

/** Counts of what a run created (or, with --dry-run, would create) and what it skipped. */
export interface ImportSummary {
  dry_run: boolean;
  workspaces: { id: string; name: string; created: boolean }[];
  created: {
    users: number;
    users_matched: number;
    bots: number;
    channels: number;
    dms: number;
    messages: number;
    replies: number;
    reactions: number;
    files: number;
    pins: number;
  };
  /** Records already imported by an earlier run. */
  already_imported: number;
  /** Join/leave and other system notices, left out as nobody's words. */
  system_messages_skipped: number;
  /** Replies whose thread root is not in the export, imported as top-level messages. */
  orphan_replies: number;
  /** Every skipped record; `skipped` lists the first 10,000 of them. */
  skipped_count: number;
  skipped: { where: string; reason: string }[];
}

export const emptySummary = (dryRun: boolean): ImportSummary => ({
  dry_run: dryRun,
  workspaces: [],
  created: {
    users: 0,
    users_matched: 0,
    bots: 0,
    channels: 0,
    dms: 0,
    messages: 0,
    replies: 0,
    reactions: 0,
    files: 0,
    pins: 0,
  },
  already_imported: 0,
  system_messages_skipped: 0,
  orphan_replies: 0,
  skipped_count: 0,
  skipped: [],
});

/** Progress of a run: units of the reader's choosing (files, bytes). */
export type ProgressFn = (done: number, total: number) => void;
