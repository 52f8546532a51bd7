import type {
  Channel,
  Me,
  Message,
  MessageKind,
  ReactionSummary,
  Upload,
  ThreadState,
  User,
  Workspace,
} from '@clickclack/protocol';
import type { ChannelRow } from '../store/repos/channels.js';
import type { MessageRow, ThreadStateRow } from '../store/repos/messages.js';
import type { UploadRow } from '../store/repos/uploads.js';
import type { UserRow } from '../store/repos/users.js';
import type { Role, WorkspaceRow } from '../store/repos/workspaces.js';
import type { Repos } from '../store/store.js';
import { presentUpload } from './uploads.js';

/** Row → wire shapes. Optional wire fields are omitted, never null. */

export function presentUser(u: UserRow): User {
  return {
    id: u.id,
    kind: u.kind,
    ...(u.owner_user_id ? { owner_user_id: u.owner_user_id } : {}),
    display_name: u.display_name,
    handle: u.handle,
    avatar_url: u.avatar_url,
    created_at: u.created_at,
    ...(u.deleted_at ? { deleted_at: u.deleted_at } : {}),
  };
}

export function presentMe(u: UserRow): Me {
  return {
    ...presentUser(u),
    email: u.email,
    ...(u.kind === 'human'
      ? { notification_settings: { pushover_enabled: false, pushover_user_key: '' } }
      : {}),
    password_enrolled: false,
  };
}

export function presentWorkspace(w: WorkspaceRow, role?: Role): Workspace {
  return {
    id: w.id,
    route_id: w.route_id,
    name: w.name,
    slug: w.slug,
    icon_url: w.icon_url,
    created_at: w.created_at,
    ...(role ? { role } : {}),
  };
}

export function presentChannel(
  c: ChannelRow,
  reads: {
    last_read_seq: number;
    unread_count: number;
    mention_count?: number;
    is_member?: boolean | number;
  } = {
    last_read_seq: 0,
    unread_count: 0,
  },
): Channel {
  return {
    id: c.id,
    route_id: c.route_id,
    workspace_id: c.workspace_id,
    name: c.name,
    ...(c.display_title ? { display_title: c.display_title } : {}),
    kind: c.kind,
    topic: c.topic,
    purpose: c.purpose,
    is_member: Boolean(reads.is_member),
    created_at: c.created_at,
    ...(c.archived_at ? { archived_at: c.archived_at } : {}),
    external_managed: c.external_managed === 1,
    ...(c.external_ref ? { external_ref: c.external_ref } : {}),
    ...(c.external_url ? { external_url: c.external_url } : {}),
    ...(c.sidebar_section ? { sidebar_section: c.sidebar_section } : {}),
    last_seq: c.last_seq,
    last_read_seq: reads.last_read_seq,
    unread_count: Math.max(0, reads.unread_count),
    mention_count: reads.mention_count ?? 0,
  };
}

export function presentThreadState(t: ThreadStateRow | undefined, rootId: string): ThreadState {
  return {
    root_message_id: rootId,
    reply_count: t?.reply_count ?? 0,
    ...(t?.last_reply_at ? { last_reply_at: t.last_reply_at } : {}),
    last_reply_author_ids: t ? (JSON.parse(t.last_reply_author_ids_json) as string[]) : [],
  };
}

function presentMessage(
  m: MessageRow,
  users: Map<string, UserRow>,
  threadState: ThreadState | undefined,
  reactions: ReactionSummary[] | undefined,
  attachments: Upload[] | undefined,
): Message {
  const author = users.get(m.author_id);
  const quotedAuthor = m.quoted_author_id ? users.get(m.quoted_author_id) : undefined;
  const isRoot = m.parent_message_id === null;
  return {
    id: m.id,
    workspace_id: m.workspace_id,
    ...(m.channel_id ? { channel_id: m.channel_id } : {}),
    ...(m.direct_conversation_id ? { direct_conversation_id: m.direct_conversation_id } : {}),
    author_id: m.author_id,
    ...(m.parent_message_id ? { parent_message_id: m.parent_message_id } : {}),
    thread_root_id: m.thread_root_id,
    ...(isRoot && m.channel_seq !== null ? { channel_seq: m.channel_seq } : {}),
    ...(!isRoot && m.thread_seq !== null ? { thread_seq: m.thread_seq } : {}),
    body: m.deleted_at ? '' : m.body,
    body_format: 'markdown',
    created_at: m.created_at,
    ...(m.edited_at ? { edited_at: m.edited_at } : {}),
    ...(m.deleted_at ? { deleted_at: m.deleted_at } : {}),
    kind: m.kind as MessageKind,
    ...(m.turn_id ? { turn_id: m.turn_id } : {}),
    author: author ? presentUser(author) : missingUser(m.author_id),
    ...(attachments && attachments.length > 0 && !m.deleted_at ? { attachments } : {}),
    ...(m.quoted_message_id ? { quoted_message_id: m.quoted_message_id } : {}),
    ...(m.quoted_body_snapshot !== null && m.quoted_message_id
      ? { quoted_body_snapshot: m.quoted_body_snapshot }
      : {}),
    ...(m.quoted_author_id ? { quoted_author_id: m.quoted_author_id } : {}),
    ...(quotedAuthor ? { quoted_author: presentUser(quotedAuthor) } : {}),
    ...(threadState ? { thread_state: threadState } : {}),
    ...(m.client_nonce ? { nonce: m.client_nonce } : {}),
    ...(m.override_username || m.override_icon_url
      ? {
          display_override: {
            username: m.override_username ?? '',
            icon_url: m.override_icon_url ?? '',
          },
        }
      : {}),
    ...(reactions && reactions.length > 0 ? { reactions } : {}),
  };
}

function missingUser(id: string): User {
  return { id, kind: 'human', display_name: '', handle: '', avatar_url: '', created_at: '' };
}

/** Reaction summaries of messages as `viewerId` sees them, keyed by message id. */
export async function reactionSummaries(
  db: Repos,
  messageIds: readonly string[],
  viewerId: string,
): Promise<Map<string, ReactionSummary[]>> {
  const out = new Map<string, ReactionSummary[]>();
  for (const r of await db.messaging.reactionCounts(messageIds, viewerId)) {
    const list = out.get(r.message_id) ?? [];
    list.push({ emoji: r.emoji, count: Number(r.count), reacted_by_me: Number(r.mine) > 0 });
    out.set(r.message_id, list);
  }
  return out;
}

/**
 * Hydrates authors, and for reads by a viewer their reactions (plus thread state for page
 * listings), with one query per kind, never one per message.
 */
export async function presentMessages(
  db: Repos,
  rows: readonly MessageRow[],
  opts: { threadState: boolean; viewerId?: string },
): Promise<Message[]> {
  const userIds = rows.flatMap((r) =>
    r.quoted_author_id ? [r.author_id, r.quoted_author_id] : [r.author_id],
  );
  const users = new Map((await db.users.byIds(userIds)).map((u) => [u.id, u]));
  const roots = opts.threadState ? rows.filter((r) => r.parent_message_id === null) : [];
  const states = new Map(
    (await db.messages.threadStates(roots.map((r) => r.id))).map((t) => [t.root_message_id, t]),
  );
  const reactions = opts.viewerId
    ? await reactionSummaries(
        db,
        rows.map((r) => r.id),
        opts.viewerId,
      )
    : new Map<string, ReactionSummary[]>();
  const attachments = new Map<string, Upload[]>();
  for (const a of await db.uploads.attachmentsOf(rows.map((r) => r.id))) {
    attachments.set(a.message_id, [
      ...(attachments.get(a.message_id) ?? []),
      presentUpload(a, false),
    ]);
  }
  return rows.map((r) =>
    presentMessage(
      r,
      users,
      opts.threadState && r.parent_message_id === null
        ? presentThreadState(states.get(r.id), r.id)
        : undefined,
      r.deleted_at ? undefined : reactions.get(r.id),
      attachments.get(r.id),
    ),
  );
}

/** A message just written, presented from the rows in hand instead of read back. */
export function presentWritten(
  m: MessageRow,
  users: readonly UserRow[],
  attachments: readonly UploadRow[],
): Message {
  return presentMessage(
    m,
    new Map(users.map((u) => [u.id, u])),
    undefined,
    undefined,
    attachments.map((a) => presentUpload(a, false)),
  );
}

export async function presentOne(db: Repos, row: MessageRow, viewerId?: string): Promise<Message> {
  const [m] = await presentMessages(db, [row], { threadState: false, viewerId });
  return m as Message;
}
