import type {
  Channel,
  Me,
  Message,
  MessageKind,
  NotificationPreference,
  ReactionSummary,
  Upload,
  ThreadState,
  User,
  UserStatus,
  Workspace,
} from '@clickclack/protocol';
import { nowIso } from '../lib/clock.js';
import type { ChannelRow } from '../store/repos/channels.js';
import type { MessageRow, ThreadStateRow } from '../store/repos/messages.js';
import type { UploadRow } from '../store/repos/uploads.js';
import type { UserRow } from '../store/repos/users.js';
import type { Role, WorkspaceRow } from '../store/repos/workspaces.js';
import type { Repos } from '../store/store.js';

/** Row → wire shapes. Optional wire fields are omitted, never null. */

/** The status a user row shows now: none when unset or past its expiry. */
function currentStatus(u: UserRow): UserStatus | undefined {
  if (u.status_emoji === '' && u.status_text === '') return undefined;
  if (u.status_expires_at !== null && u.status_expires_at <= nowIso()) return undefined;
  return {
    emoji: u.status_emoji,
    text: u.status_text,
    ...(u.status_expires_at !== null ? { expires_at: u.status_expires_at } : {}),
  };
}

export function presentUser(u: UserRow): User {
  const status = currentStatus(u);
  return {
    id: u.id,
    kind: u.kind,
    ...(u.owner_user_id ? { owner_user_id: u.owner_user_id } : {}),
    display_name: u.display_name,
    handle: u.handle,
    avatar_url: u.avatar_url,
    created_at: u.created_at,
    ...(u.former_handle ? { former_handle: u.former_handle } : {}),
    ...(u.deleted_at ? { deleted_at: u.deleted_at } : {}),
    ...(u.deactivated_at ? { deactivated_at: u.deactivated_at } : {}),
    ...(status ? { status } : {}),
  };
}

export function presentMe(u: UserRow, passwordEnrolled: boolean): Me {
  return {
    ...presentUser(u),
    email: u.email,
    ...(u.kind === 'human'
      ? { notification_settings: { pushover_enabled: false, pushover_user_key: '' } }
      : {}),
    password_enrolled: passwordEnrolled,
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
    notification_preference?: string;
  } = {
    last_read_seq: 0,
    unread_count: 0,
  },
): Channel {
  const preference = (reads.notification_preference ?? 'all') as NotificationPreference;
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
    // The badges follow the caller's preference: mentions-only counts only mentions, muted
    // counts nothing. last_seq - last_read_seq still gives the raw backlog.
    unread_count: preference === 'all' ? Math.max(0, reads.unread_count) : 0,
    mention_count: preference === 'muted' ? 0 : (reads.mention_count ?? 0),
    notification_preference: preference,
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

/**
 * Built field by field in the schema's order, optional fields only when set: message pages
 * are serialized by `JSON.stringify` (see `presented` in http/route.ts), and a page of 50
 * built from spreads allocated a throwaway object per optional field.
 */
function presentMessage(
  m: MessageRow,
  users: PresentedUsers,
  threadState: ThreadState | undefined,
  reactions: ReactionSummary[] | undefined,
  attachments: Upload[] | undefined,
): Message {
  const isRoot = m.parent_message_id === null;
  const out: Message = {
    id: m.id,
    workspace_id: m.workspace_id,
  } as Message;
  if (m.channel_id) out.channel_id = m.channel_id;
  if (m.direct_conversation_id) out.direct_conversation_id = m.direct_conversation_id;
  out.author_id = m.author_id;
  if (m.parent_message_id) out.parent_message_id = m.parent_message_id;
  out.thread_root_id = m.thread_root_id;
  if (isRoot && m.channel_seq !== null) out.channel_seq = m.channel_seq;
  if (!isRoot && m.thread_seq !== null) out.thread_seq = m.thread_seq;
  out.body = m.deleted_at ? '' : m.body;
  out.body_format = 'markdown';
  out.created_at = m.created_at;
  if (m.edited_at) out.edited_at = m.edited_at;
  if (m.deleted_at) out.deleted_at = m.deleted_at;
  out.kind = m.kind as MessageKind;
  if (m.turn_id) out.turn_id = m.turn_id;
  out.author = users.get(m.author_id);
  if (attachments && attachments.length > 0 && !m.deleted_at) out.attachments = attachments;
  if (m.quoted_message_id) {
    out.quoted_message_id = m.quoted_message_id;
    if (m.quoted_body_snapshot !== null) out.quoted_body_snapshot = m.quoted_body_snapshot;
  }
  if (m.quoted_author_id) {
    out.quoted_author_id = m.quoted_author_id;
    const quoted = users.find(m.quoted_author_id);
    if (quoted) out.quoted_author = quoted;
  }
  if (threadState) out.thread_state = threadState;
  if (m.client_nonce) out.nonce = m.client_nonce;
  if (reactions && reactions.length > 0) out.reactions = reactions;
  if (m.override_username || m.override_icon_url) {
    out.display_override = {
      username: m.override_username ?? '',
      icon_url: m.override_icon_url ?? '',
    };
  }
  return out;
}

/** Authors of a batch of messages, each presented once however many messages it wrote. */
class PresentedUsers {
  private readonly presented = new Map<string, User>();
  constructor(private readonly rows: Map<string, UserRow>) {}

  find(id: string): User | undefined {
    let user = this.presented.get(id);
    if (!user) {
      const row = this.rows.get(id);
      if (!row) return undefined;
      user = presentUser(row);
      this.presented.set(id, user);
    }
    return user;
  }

  get(id: string): User {
    return this.find(id) ?? missingUser(id);
  }
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
  const users = new PresentedUsers(new Map((await db.users.byIds(userIds)).map((u) => [u.id, u])));
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
    new PresentedUsers(new Map(users.map((u) => [u.id, u]))),
    undefined,
    undefined,
    attachments.map((a) => presentUpload(a, false)),
  );
}

export async function presentOne(db: Repos, row: MessageRow, viewerId?: string): Promise<Message> {
  const [m] = await presentMessages(db, [row], { threadState: false, viewerId });
  return m as Message;
}

/**
 * A thread root with its `M…` route id when it has been given one (Copy link). Single
 * message reads only: message pages leave it out rather than pay a lookup per page.
 */
export async function withRouteId(db: Repos, m: Message): Promise<Message> {
  if (m.parent_message_id) return m;
  const routeId = await db.routes.ofMessage(m.id);
  if (!routeId) return m;
  // route_id goes second, where the Message schema has it.
  const { id, ...rest } = m;
  return { id, route_id: routeId, ...rest };
}

export function presentUpload(u: UploadRow, withNonce = true): Upload {
  return {
    id: u.id,
    workspace_id: u.workspace_id,
    owner_id: u.owner_id,
    ...(withNonce && u.client_nonce ? { nonce: u.client_nonce } : {}),
    filename: u.filename,
    content_type: u.content_type,
    byte_size: u.byte_size,
    width: u.width,
    height: u.height,
    duration_ms: u.duration_ms,
    created_at: u.created_at,
  };
}
