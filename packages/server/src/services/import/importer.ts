import type { BlobStore } from '../../blobs/blob-store.js';
import { nowIso } from '../../lib/clock.js';
import { newId, newRouteId } from '../../lib/ids.js';
import type { UploadRow } from '../../store/repos/uploads.js';
import { newUserRow, type UserRow } from '../../store/repos/users.js';
import type { Repos, Store } from '../../store/store.js';
import type { ImportConversation, ImportedMessageRow } from '../../store/repos/imports.js';
import { memberSetKey } from '../dms/dms.js';
import { MAX_PINS } from '../pins/pins.js';
import { gravatarFor } from '../account/users.js';
import { storeBlob } from '../uploads/uploads.js';
import { slugify } from '../validate.js';
import { RESERVED_SLUGS } from '../workspaces/workspaces.js';
import { ImportInputError } from './source.js';
import {
  emptySummary,
  whereText,
  type ImportChannel,
  type ImportDm,
  type ImportMessage,
  type ImportRole,
  type ImportSummary,
  type ImportUser,
  type Where,
} from './model.js';

const MAX_LISTED_SKIPS = 10_000;
const HANDLE_RE = /^[a-z0-9][a-z0-9_-]{1,31}$/;
const ROLE_RANK: Record<string, number> = { guest: 0, bot: 0, member: 1, moderator: 2, owner: 3 };

export interface ImportOptions {
  store: Store;
  dryRun: boolean;
  /** Where attachments go; without it files become a note with their name. */
  uploads?: { blobs: BlobStore; maxBytes: number };
  /** Messages per write transaction. */
  batchSize?: number;
  /** Test hook: stop the process (SIGKILL) after this many committed message batches. */
  killAfterBatches?: number;
}

/** One target workspace of a run and what is known about it. */
export interface WorkspaceCtx {
  id: string;
  name: string;
  /** Key of the conversations and messages imported into this workspace. */
  origin: string;
  channels: Map<string, { id: string; name: string }>;
  dms: Map<string, string>;
}

interface Pending {
  ws: WorkspaceCtx;
  m: ImportMessage;
}

/** How this run numbers a conversation's roots. */
interface ConvState {
  conv: ImportConversation;
  workspaceId: string;
  /** False once a root arrived before the previous one (or a killed run left some unnumbered). */
  ordered: boolean;
  lastAt: string;
  /** The conversation's last seq before this run's first numbered root. */
  runBase?: number;
  /** Whether this run wrote messages into it. */
  written: boolean;
  /** Pins the channel holds with this run's, once the first pin was seen. */
  pins?: number;
}

/**
 * Writes what an export reader hands it. Users, workspaces, channels and DMs go in one by
 * one (they are few); messages in batches, each one transaction that records the source
 * ids and inserts what was new, numbered: a conversation whose messages arrive in time
 * order (Slack's day files; Mattermost's replies of a post) gets its seqs at insert time,
 * so each message row and its search entry are written once. A conversation found out of
 * order (Mattermost lists posts by id) is inserted unnumbered from then on and numbered by
 * `finish` in time order. `finish` then appends one event per conversation, not one per
 * message: clients reload a list instead of replaying history.
 *
 * With `dryRun` nothing is written: lookups run as usual and everything new is counted.
 */
export class Importer {
  readonly summary: ImportSummary;
  private readonly users = new Map<string, { id: string; name: string }>();
  private readonly pending: Pending[] = [];
  /** Thread roots seen this run, `<conversation>/<source id>` → message id (bounded). */
  private readonly roots = new Map<string, string>();
  private batches = 0;
  private readonly batchSize: number;
  private readonly convs = new Map<string, ConvState>();
  /** The batch being written while the next is prepared (PostgreSQL only). */
  private inflight: Promise<void> = Promise.resolve();
  private readonly pipelined: boolean;
  /** Channels and DMs this run created: none of their messages can be known already. */
  private readonly createdConvs = new Set<string>();

  constructor(
    private readonly opts: ImportOptions,
    /** Key of the users: an export's user ids are its own. */
    private readonly userOrigin: string,
  ) {
    this.summary = emptySummary(opts.dryRun);
    this.batchSize = opts.batchSize ?? 2000;
    this.pipelined = opts.store.dialect === 'postgres';
  }

  private get store(): Store {
    return this.opts.store;
  }

  /** Listed up to MAX_LISTED_SKIPS (a very broken export must not exhaust memory); all counted. */
  skip(where: Where, reason: string): void {
    this.summary.skipped_count++;
    if (this.summary.skipped.length < MAX_LISTED_SKIPS)
      this.summary.skipped.push({ where: whereText(where), reason });
  }

  private write<T>(fn: (tx: Repos) => Promise<T>): Promise<T> {
    return this.store.write(fn);
  }

  /**
   * The workspace a run imports into: an existing one by id or slug, or one created with
   * that name (the server's first user becomes its owner, so someone can manage it).
   * `key` remembers which export team it came from (Mattermost), so a re-run finds it.
   */
  async workspace(spec: { ref: string; name?: string; key?: string }): Promise<WorkspaceCtx> {
    const db = this.store.read;
    const known = spec.key
      ? (await db.imports.targets('mattermost', 'team', [spec.key])).get(spec.key)
      : undefined;
    let ws =
      (known ? await db.workspaces.byId(known) : undefined) ??
      (await db.workspaces.byId(spec.ref)) ??
      (await db.workspaces.bySlug(slugify(spec.ref)));
    let created = false;
    // An id names a workspace that must exist; anything else may name a new one.
    if (!ws && /^wsp_/.test(spec.ref))
      throw new ImportInputError(`workspace ${spec.ref} not found`);
    if (!ws) {
      const slug = slugify(spec.ref) || 'imported';
      if (RESERVED_SLUGS.has(slug))
        throw new ImportInputError(`workspace slug ${slug} is reserved`);
      const row = {
        id: this.opts.dryRun ? `dry_${slug}` : newId('workspace'),
        route_id: newRouteId('T'),
        name: (spec.name ?? spec.ref).trim().slice(0, 80) || slug,
        slug,
        icon_url: '',
        created_at: nowIso(),
      };
      if (!this.opts.dryRun) {
        await this.write(async (tx) => {
          await tx.workspaces.insert(row);
          const owner = await tx.users.oldest();
          if (owner)
            await tx.workspaces.addMember({
              workspace_id: row.id,
              user_id: owner.id,
              role: 'owner',
              created_at: row.created_at,
            });
          return tx.events.append({
            type: 'workspace.created',
            workspace_id: row.id,
            payload: { workspace_id: row.id, created_by: owner?.id ?? null },
          });
        });
      }
      ws = row;
      created = true;
    }
    if (spec.key && !this.opts.dryRun) {
      const id = ws.id;
      const key = spec.key;
      await this.write(async (tx) => {
        await tx.imports.forget('mattermost', 'team', key);
        await tx.imports.remember('mattermost', 'team', [[key, id]]);
      });
    }
    if (!this.summary.workspaces.some((w) => w.id === ws.id))
      this.summary.workspaces.push({ id: ws.id, name: ws.name, created });
    const origin = `${this.userOrigin}:${ws.id}`;
    return { id: ws.id, name: ws.name, origin, channels: new Map(), dms: new Map() };
  }

  /** `@handle`, else the display name, of an imported user (for mentions in text). */
  mentionName(sourceId: string): string | undefined {
    return this.users.get(sourceId)?.name;
  }

  userId(sourceId: string): string | undefined {
    return this.users.get(sourceId)?.id;
  }

  /** Users: matched by an earlier run, then by email; otherwise created without a credential. */
  async importUsers(list: readonly ImportUser[]): Promise<void> {
    const fresh = list.filter((u) => !this.users.has(u.sourceId));
    for (let i = 0; i < fresh.length; i += 500) {
      const chunk = fresh.slice(i, i + 500);
      const work = async (tx: Repos) => {
        const known = await tx.imports.targets(
          this.userOrigin,
          'user',
          chunk.map((u) => u.sourceId),
        );
        const rows = await tx.users.byIds([...known.values()]);
        const byId = new Map(rows.map((r) => [r.id, r]));
        const remember: [string, string][] = [];
        for (const u of chunk) {
          const prior = byId.get(known.get(u.sourceId) ?? '');
          const email = u.email.trim().toLowerCase();
          const matched = prior ?? (email ? await tx.users.byEmail(email) : undefined);
          if (matched) {
            if (!prior) this.summary.created.users_matched++;
            else this.summary.already_imported++;
            this.users.set(u.sourceId, {
              id: matched.id,
              name: matched.handle || matched.display_name,
            });
            if (!prior) remember.push([u.sourceId, matched.id]);
            continue;
          }
          const row = await this.newUser(tx, u, email);
          this.users.set(u.sourceId, { id: row.id, name: row.handle || row.display_name });
          remember.push([u.sourceId, row.id]);
          if (u.isBot) this.summary.created.bots++;
          else this.summary.created.users++;
        }
        if (!this.opts.dryRun) {
          for (const [s] of remember) await tx.imports.forget(this.userOrigin, 'user', s);
          await tx.imports.remember(this.userOrigin, 'user', remember);
        }
      };
      if (this.opts.dryRun) await work(this.store.read);
      else await this.write(work);
    }
  }

  /** A handle of the export's if it is valid and free here, else none (mentions then use the name). */
  private async newUser(tx: Repos, u: ImportUser, email: string): Promise<UserRow> {
    const wanted = u.handle.trim().toLowerCase().replace(/^@/, '');
    const handle =
      HANDLE_RE.test(wanted) && !(await tx.users.byHandle(wanted)) && !this.claimed.has(wanted)
        ? wanted
        : '';
    if (handle) this.claimed.add(handle);
    const row = newUserRow({
      id: this.opts.dryRun ? `dry_${u.sourceId}` : newId('user'),
      kind: u.isBot ? 'bot' : 'human',
      owner_user_id: null,
      display_name: [...(u.displayName.trim() || handle || email || u.sourceId)]
        .slice(0, 80)
        .join(''),
      handle,
      // A bot has no email: nobody signs in as it.
      email: u.isBot ? '' : email,
      avatar_url: u.isBot ? '' : gravatarFor(email),
      created_at: nowIso(),
    });
    while (Buffer.byteLength(row.display_name) > 80)
      row.display_name = row.display_name.slice(0, -1);
    if (!this.opts.dryRun) await tx.users.insert(row);
    return row;
  }

  /** Handles given out in a dry run, which writes none. */
  private readonly claimed = new Set<string>();

  /** Workspace roles: never lowered for someone already there; bots are `bot`. */
  async addMembers(
    ws: WorkspaceCtx,
    members: readonly { sourceId: string; role: ImportRole; isBot: boolean }[],
    where: Where,
  ): Promise<void> {
    if (this.opts.dryRun) return;
    const at = nowIso();
    await this.write(async (tx) => {
      const general = await tx.channels.byName(ws.id, 'general');
      for (const m of members) {
        const userId = this.userId(m.sourceId);
        if (!userId) {
          this.skip(where, `member ${m.sourceId} is not among the export's users`);
          continue;
        }
        const role = m.isBot ? 'bot' : m.role;
        const current = await tx.workspaces.role(ws.id, userId);
        if (!current)
          await tx.workspaces.addMember({
            workspace_id: ws.id,
            user_id: userId,
            role,
            created_at: at,
          });
        else if (current !== 'bot' && role !== 'bot' && ROLE_RANK[role]! > ROLE_RANK[current]!)
          await tx.workspaces.setRole(ws.id, userId, role);
        // Every human member but a guest is in #general (architecture: it cannot be left).
        if (general && role !== 'guest' && role !== 'bot')
          await tx.channels.addMember(general.id, userId, at);
      }
    });
  }

  /** A channel: found by an earlier run, else one of the same name and kind, else created. */
  async channel(ws: WorkspaceCtx, c: ImportChannel): Promise<void> {
    const db = this.store.read;
    const known = (await db.imports.targets(ws.origin, 'channel', [c.sourceId])).get(c.sourceId);
    let row = known ? await db.channels.byId(known) : undefined;
    if (!row) {
      const base = slugify(c.name).slice(0, 72) || 'channel';
      let name = base === 'guest' ? 'guest-imported' : base;
      for (let n = 2; ; n++) {
        const same = await db.channels.byName(ws.id, name);
        // A channel of the other kind is never merged: that would open or hide history.
        if (!same || same.kind === c.kind) {
          row = same;
          break;
        }
        name = `${base}-${n}`;
      }
      if (row) {
        if (!this.opts.dryRun) {
          const id = row.id;
          await this.write((tx) => tx.imports.remember(ws.origin, 'channel', [[c.sourceId, id]]));
        }
      } else {
        row = {
          id: this.opts.dryRun ? `dry_${c.sourceId}` : newId('channel'),
          route_id: newRouteId('C'),
          workspace_id: ws.id,
          name,
          kind: c.kind,
          display_title: null,
          external_managed: 0,
          external_ref: null,
          external_url: null,
          sidebar_section: null,
          created_by: this.userId(c.creatorSourceId) ?? null,
          created_at: c.createdAt,
          archived_at: c.archived ? nowIso() : null,
          last_seq: 0,
          topic: c.topic.slice(0, 250),
          purpose: c.purpose.slice(0, 250),
        };
        this.summary.created.channels++;
        this.createdConvs.add(row.id);
        if (!this.opts.dryRun) {
          const newRow = row;
          await this.write(async (tx) => {
            await tx.channels.insert(newRow);
            await tx.imports.forget(ws.origin, 'channel', c.sourceId);
            await tx.imports.remember(ws.origin, 'channel', [[c.sourceId, newRow.id]]);
            return tx.events.append({
              type: 'channel.created',
              workspace_id: ws.id,
              channel_id: newRow.id,
              payload: { channel_id: newRow.id },
            });
          });
        }
      }
    } else this.summary.already_imported++;
    ws.channels.set(c.sourceId, { id: row.id, name: row.name });
    await this.channelMembers(ws, c.sourceId, c.memberSourceIds, c.where);
  }

  async channelMembers(
    ws: WorkspaceCtx,
    channelSourceId: string,
    memberSourceIds: readonly string[],
    where: Where,
  ): Promise<void> {
    const channel = ws.channels.get(channelSourceId);
    if (!channel || this.opts.dryRun) return;
    const ids: string[] = [];
    for (const s of memberSourceIds) {
      const id = this.userId(s);
      if (id) ids.push(id);
      else this.skip(where, `member ${s} of #${channel.name} is not among the export's users`);
    }
    // Mattermost lists memberships per user, one channel at a time: they are gathered and
    // written in bulk rather than one transaction each.
    const set = this.pendingMembers.get(channel.id) ?? new Set<string>();
    for (const id of ids) set.add(id);
    this.pendingMembers.set(channel.id, set);
    if (++this.pendingMemberCount >= 5000) await this.flushMembers();
  }

  private readonly pendingMembers = new Map<string, Set<string>>();
  private pendingMemberCount = 0;

  private async flushMembers(): Promise<void> {
    if (this.pendingMembers.size === 0) return;
    const all = [...this.pendingMembers];
    this.pendingMembers.clear();
    this.pendingMemberCount = 0;
    const at = nowIso();
    await this.write(async (tx) => {
      for (const [channelId, ids] of all)
        await tx.imports.addChannelMembers(channelId, [...ids], at);
    });
  }

  /** A DM or group DM: found by an earlier run, a 1:1 by its two members, else created. */
  async dm(ws: WorkspaceCtx, d: ImportDm): Promise<void> {
    const ids = [...new Set(d.memberSourceIds.map((s) => this.userId(s)))];
    const missing = d.memberSourceIds.filter((s) => !this.userId(s));
    if (missing.length > 0 || ids.length < 2) {
      this.skip(
        d.where,
        missing.length > 0
          ? `direct conversation ${d.sourceId}: member(s) ${missing.join(', ')} not among the export's users`
          : `direct conversation ${d.sourceId} has fewer than two members`,
      );
      return;
    }
    const members = ids as string[];
    const db = this.store.read;
    const known = (await db.imports.targets(ws.origin, 'dm', [d.sourceId])).get(d.sourceId);
    const key = members.length === 2 ? memberSetKey(members[0]!, members[1]!) : null;
    let id = known && (await db.dms.byId(known)) ? known : undefined;
    if (id) this.summary.already_imported++;
    if (!id && key) id = (await db.dms.byMemberSet(ws.id, key))?.id;
    if (!id) {
      const row = {
        id: this.opts.dryRun ? `dry_${d.sourceId}` : newId('directConversation'),
        route_id: newRouteId('D'),
        workspace_id: ws.id,
        member_set_key: key,
        created_at: nowIso(),
        last_seq: 0,
      };
      this.summary.created.dms++;
      this.createdConvs.add(row.id);
      if (!this.opts.dryRun) {
        await this.write(async (tx) => {
          await tx.dms.insert(row, members);
          await tx.imports.forget(ws.origin, 'dm', d.sourceId);
          await tx.imports.remember(ws.origin, 'dm', [[d.sourceId, row.id]]);
          return tx.events.append({
            type: 'dm.created',
            workspace_id: ws.id,
            direct_conversation_id: row.id,
            payload: {
              direct_conversation_id: row.id,
              created_by: members[0],
              member_ids: members,
            },
            recipients: members,
          });
        });
      }
      id = row.id;
    } else if (!known && !this.opts.dryRun) {
      const found = id;
      await this.write((tx) => tx.imports.remember(ws.origin, 'dm', [[d.sourceId, found]]));
    }
    ws.dms.set(d.sourceId, id);
  }

  /** Queues a message; a full batch is written before this returns. */
  async message(ws: WorkspaceCtx, m: ImportMessage): Promise<void> {
    this.pending.push({ ws, m });
    if (this.pending.length >= this.batchSize) await this.flush();
  }

  private conversationOf(
    p: Pending,
  ): { channelId: string | null; dmId: string | null } | undefined {
    const c = p.m.conversation;
    if ('channel' in c) {
      const ch = p.ws.channels.get(c.channel);
      return ch ? { channelId: ch.id, dmId: null } : undefined;
    }
    const dm = p.ws.dms.get(c.dm);
    return dm ? { channelId: null, dmId: dm } : undefined;
  }

  /** Writes the queued messages: one transaction, only those no earlier run brought in. */
  async flush(): Promise<void> {
    await this.flushMembers();
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    const items: {
      p: Pending;
      key: string;
      conv: { channelId: string | null; dmId: string | null };
      author: string;
      parentKey?: string;
    }[] = [];
    for (const p of batch) {
      const conv = this.conversationOf(p);
      if (!conv) {
        const c = p.m.conversation;
        this.skip(
          p.m.where,
          'channel' in c
            ? `channel ${c.channel} is not in the export's channel list`
            : `direct conversation ${c.dm} is not in the export (or was skipped)`,
        );
        continue;
      }
      const author = this.userId(p.m.authorSourceId);
      if (!author) {
        this.skip(
          p.m.where,
          `author ${p.m.authorSourceId || '(none)'} is not among the export's users`,
        );
        continue;
      }
      const convId = conv.channelId ?? conv.dmId!;
      items.push({
        p,
        key: `${convId}/${p.m.sourceId}`,
        conv,
        author,
        ...(p.m.parentSourceId !== undefined
          ? { parentKey: `${convId}/${p.m.parentSourceId}` }
          : {}),
      });
    }
    if (items.length === 0) return;
    const db = this.store.read;
    // Origins are per workspace; a batch may mix workspaces (Mattermost), so group by it.
    const origins = new Map<string, typeof items>();
    for (const it of items) {
      const list = origins.get(it.p.ws.origin) ?? [];
      list.push(it);
      origins.set(it.p.ws.origin, list);
    }
    for (const [origin, group] of origins) {
      const existing = await db.imports.targets(
        origin,
        'message',
        group
          .filter((g) => !this.createdConvs.has(g.conv.channelId ?? g.conv.dmId!))
          .map((g) => g.key),
      );
      const missingParents = [
        ...new Set(
          group
            .map((g) => g.parentKey)
            .filter((k): k is string => k !== undefined && !this.roots.has(k) && !existing.has(k)),
        ),
      ].filter((k) => !group.some((g) => g.key === k));
      const parents = await db.imports.targets(origin, 'message', missingParents);
      for (const [k, v] of existing) this.rememberRoot(k, v);
      for (const [k, v] of parents) this.rememberRoot(k, v);
      await this.writeGroup(origin, group, existing);
    }
    this.batches++;
    if (this.opts.killAfterBatches !== undefined && this.batches >= this.opts.killAfterBatches) {
      await this.inflight;
      process.stderr.write(`\nkilled after ${this.batches} batch(es) (test hook)\n`);
      process.kill(process.pid, 'SIGKILL');
    }
  }

  private rememberRoot(key: string, id: string): void {
    // Bounded: past it, roots are found again through import_sources.
    if (this.roots.size >= 200_000) this.roots.clear();
    this.roots.set(key, id);
  }

  private async writeGroup(
    origin: string,
    group: {
      p: Pending;
      key: string;
      conv: { channelId: string | null; dmId: string | null };
      author: string;
      parentKey?: string;
    }[],
    existing: Map<string, string>,
  ): Promise<void> {
    const rows: ImportedMessageRow[] = [];
    const reactions: (string | number | null)[][] = [];
    const uploads: UploadRow[] = [];
    const attachments: (string | number | null)[][] = [];
    const pins: (string | null)[][] = [];
    const pairs: [string, string][] = [];
    const seen = new Set<string>();
    for (const g of group) {
      if (existing.has(g.key) || seen.has(g.key)) {
        if (existing.has(g.key)) this.summary.already_imported++;
        else this.skip(g.p.m.where, `message ${g.p.m.sourceId} appears twice in the export`);
        continue;
      }
      seen.add(g.key);
      const m = g.p.m;
      const id = newId('message');
      let parent: string | undefined;
      if (g.parentKey !== undefined) {
        parent = this.roots.get(g.parentKey);
        if (!parent) this.summary.orphan_replies++;
      }
      let body = m.body;
      const files: UploadRow[] = [];
      for (const f of m.files) {
        if (f.open && this.opts.dryRun) {
          this.summary.created.files++;
          continue;
        }
        if (f.open && this.opts.uploads) {
          try {
            files.push(
              await storeBlob(this.opts.uploads, {
                workspaceId: g.p.ws.id,
                ownerId: g.author,
                nonce: '',
                file: { stream: await f.open(), filename: f.name, mimetype: f.type ?? '' },
                createdAt: m.createdAt,
              }),
            );
            continue;
          } catch (err) {
            this.skip(m.where, `file ${f.name}: ${(err as Error).message}`);
          }
        }
        body += `${body ? '\n\n' : ''}_(file not in the export: ${f.name})_`;
      }
      if (body.trim() === '' && files.length === 0) {
        this.skip(m.where, 'message has no text and no file');
        continue;
      }
      const state = await this.convState(g.p.ws.id, g.conv);
      if (!parent && state.ordered) {
        if (m.createdAt < state.lastAt) state.ordered = false;
        else state.lastAt = m.createdAt;
      }
      rows.push({
        id,
        workspace_id: g.p.ws.id,
        channel_id: g.conv.channelId,
        direct_conversation_id: g.conv.dmId,
        author_id: g.author,
        parent_message_id: parent ?? null,
        thread_root_id: parent ?? id,
        // Placeholders: 0 = to number in the transaction, NULL = left to `finish`.
        channel_seq: parent || !state.ordered ? null : 0,
        thread_seq: parent ? 0 : null,
        body,
        created_at: m.createdAt,
      });
      pairs.push([g.key, id]);
      if (!parent) this.rememberRoot(g.key, id);
      if (parent) this.summary.created.replies++;
      else this.summary.created.messages++;
      for (const r of m.reactions) {
        for (const u of new Set(r.userSourceIds)) {
          const userId = this.userId(u);
          if (!userId) {
            this.skip(m.where, `reaction ${r.emoji} by ${u}, who is not among the export's users`);
            continue;
          }
          reactions.push([id, userId, r.emoji, m.createdAt]);
        }
      }
      for (const f of files) {
        uploads.push(f);
        attachments.push([id, f.id, m.createdAt]);
      }
      if (m.pinned) {
        const pin = await this.pin(state, m.where);
        if (pin) pins.push([newId('pin'), g.p.ws.id, g.conv.channelId, id, null, m.createdAt]);
      }
    }
    this.summary.created.reactions += reactions.length;
    this.summary.created.files += uploads.length;
    this.summary.created.pins += pins.length;
    if (this.opts.dryRun || rows.length === 0) return;
    const commit = () =>
      this.write(async (tx) => {
        const fresh = await tx.imports.remember(origin, 'message', pairs);
        // Another run got there first: write only what it did not.
        const keep =
          fresh.size === pairs.length ? rows : rows.filter((_r, i) => fresh.has(pairs[i]![0]));
        for (const r of rows)
          if (!keep.includes(r)) {
            this.summary.already_imported++;
            if (r.parent_message_id) this.summary.created.replies--;
            else this.summary.created.messages--;
          }
        if (keep.length < rows.length)
          this.reparent(
            rows,
            keep,
            await tx.imports.targets(
              origin,
              'message',
              pairs.map((p) => p[0]),
            ),
            pairs,
          );
        const inBatch = new Set(keep.map((r) => r.id));
        const marks = await this.number(tx, keep, inBatch);
        await tx.imports.insertMessages(keep);
        // Roots of this batch have no other replies: their states come from the batch.
        const replies = keep.filter((r) => r.parent_message_id !== null);
        await tx.imports.refreshThreadStates(
          [...new Set(replies.map((r) => r.thread_root_id).filter((id) => !inBatch.has(id)))],
          replies
            .filter((r) => inBatch.has(r.thread_root_id))
            .map((r) => ({ root: r.thread_root_id, author: r.author_id, at: r.created_at })),
        );
        for (const { conv, base, last } of marks)
          await tx.imports.markRead(conv, base, last, nowIso());
        const files = attachments.filter((a) => inBatch.has(a[0] as string));
        const stored = new Set(files.map((a) => a[1]));
        for (const u of uploads) if (stored.has(u.id)) await tx.uploads.insert(u);
        await tx.imports.insertAttachments(files);
        await tx.imports.insertReactions(reactions.filter((r) => inBatch.has(r[0] as string)));
        await tx.imports.insertPins(pins.filter((p) => inBatch.has(p[3]!)));
        return stored;
      });
    await this.inflight;
    const written = commit().then(
      // Blobs of messages another run brought in first are not needed.
      (stored) => this.dropBlobs(uploads.filter((u) => !stored.has(u.id))),
      async (err: unknown) => {
        await this.dropBlobs(uploads);
        throw err;
      },
    );
    if (!this.pipelined) return written;
    // PostgreSQL writes in its own process: the next batch is read and converted while
    // this one is written. One batch in flight at most (`flush` waits for it first).
    this.inflight = written;
    written.catch(() => undefined);
  }

  private async dropBlobs(list: readonly UploadRow[]): Promise<void> {
    for (const u of list) await this.opts.uploads?.blobs.delete(u.storage_path);
  }

  /** Whether a message may be pinned: channels only (as here), up to their pin limit. */
  private async pin(state: ConvState, where: Where): Promise<boolean> {
    if (!('channelId' in state.conv)) {
      this.skip(where, 'pinned in a direct conversation, where nothing is pinned here: not pinned');
      return false;
    }
    state.pins ??= this.opts.dryRun
      ? 0
      : await this.store.read.messaging.pinCount(state.conv.channelId);
    if (state.pins >= MAX_PINS) {
      this.skip(where, `the channel has ${MAX_PINS} pins, the most it may hold: not pinned`);
      return false;
    }
    state.pins++;
    return true;
  }

  /**
   * Rows another run (or an earlier duplicate in the export) recorded first are dropped;
   * replies of this batch to one of them go to the message that was kept instead.
   */
  private reparent(
    rows: readonly ImportedMessageRow[],
    keep: ImportedMessageRow[],
    targets: ReadonlyMap<string, string>,
    pairs: readonly [string, string][],
  ): void {
    const kept = new Set(keep.map((r) => r.id));
    const moved = new Map<string, string>();
    rows.forEach((r, i) => {
      const [key] = pairs[i]!;
      const target = targets.get(key);
      if (kept.has(r.id) || target === undefined) return;
      moved.set(r.id, target);
      if (this.roots.get(key) === r.id) this.rememberRoot(key, target);
    });
    for (const r of keep) {
      const to = r.parent_message_id === null ? undefined : moved.get(r.parent_message_id);
      if (to !== undefined) {
        r.parent_message_id = to;
        r.thread_root_id = to;
      }
    }
  }

  /** What this run knows of a conversation; a killed run's unnumbered leftovers make it unordered. */
  private async convState(
    workspaceId: string,
    c: { channelId: string | null; dmId: string | null },
  ): Promise<ConvState> {
    const key = c.channelId ?? c.dmId!;
    let state = this.convs.get(key);
    if (!state) {
      const conv: ImportConversation = c.channelId ? { channelId: c.channelId } : { dmId: c.dmId! };
      const leftovers = !this.opts.dryRun && (await this.store.read.imports.hasUnnumbered(conv));
      state = { conv, workspaceId, ordered: !leftovers, lastAt: '', written: false };
      this.convs.set(key, state);
    }
    return state;
  }

  /**
   * Gives the batch's placeholders their seqs, in the order the rows arrived: roots the
   * next seqs of their conversation, replies the next thread_seqs of their thread. Returns,
   * per conversation, the seqs before and after for the read marks.
   */
  private async number(
    tx: Repos,
    rows: ImportedMessageRow[],
    inBatch: ReadonlySet<string>,
  ): Promise<{ conv: ImportConversation; base: number; last: number }[]> {
    const byConv = new Map<string, ImportedMessageRow[]>();
    for (const r of rows) {
      const key = r.channel_id ?? r.direct_conversation_id!;
      this.convs.get(key)!.written = true;
      if (r.channel_seq !== 0) continue;
      const list = byConv.get(key) ?? [];
      list.push(r);
      byConv.set(key, list);
    }
    const marks = [];
    for (const [key, list] of byConv) {
      const state = this.convs.get(key)!;
      const base = await tx.imports.reserveSeqs(state.conv, list.length);
      state.runBase ??= base;
      list.forEach((r, i) => (r.channel_seq = base + i + 1));
      marks.push({ conv: state.conv, base, last: base + list.length });
    }
    const replies = rows.filter((r) => r.thread_seq === 0);
    // A root of this batch has no numbered reply yet.
    const lastOf = await tx.imports.lastThreadSeqs([
      ...new Set(replies.map((r) => r.thread_root_id).filter((id) => !inBatch.has(id))),
    ]);
    for (const r of replies) {
      const next = (lastOf.get(r.thread_root_id) ?? 0) + 1;
      lastOf.set(r.thread_root_id, next);
      r.thread_seq = next;
    }
    return marks;
  }

  /**
   * Numbers what is still unnumbered (conversations found out of order, and a killed run's
   * leftovers), then appends one `channel.updated` per channel that got messages.
   */
  async finish(): Promise<ImportSummary> {
    await this.flush();
    await this.inflight;
    if (this.opts.dryRun) return this.summary;
    for (const s of this.convs.values()) {
      const base = s.runBase;
      // This run's seqs in it go back: `number` gives them again, in time order.
      if (!s.ordered && base !== undefined)
        await this.write((tx) => tx.imports.unnumberSince(s.conv, base));
    }
    const announced = new Set<string>();
    // Every workspace of the run, not only those that got messages now: a killed run's
    // messages are numbered by the re-run that finds nothing new.
    for (const ws of this.summary.workspaces) await this.numberAll(ws.id, announced);
    for (const s of this.convs.values())
      if (s.written && 'channelId' in s.conv && !announced.has(s.conv.channelId)) {
        const c = s.conv;
        await this.write((tx) => announce(tx, s.workspaceId, c));
      }
    return this.summary;
  }

  private async numberAll(workspaceId: string, announced: Set<string>): Promise<void> {
    const list = await this.store.read.imports.unnumbered(workspaceId);
    for (const c of list) {
      await this.write(async (tx) => {
        const { base, lastSeq, roots } = await tx.imports.number(c);
        await tx.imports.refreshThreadStates(roots);
        await tx.imports.markRead(c, base, lastSeq, nowIso());
        return 'channelId' in c ? announce(tx, workspaceId, c) : undefined;
      });
      if ('channelId' in c) announced.add(c.channelId);
    }
  }
}

async function announce(
  tx: Repos,
  workspaceId: string,
  c: ImportConversation & { channelId: string },
) {
  const channel = await tx.channels.byId(c.channelId);
  return tx.events.append({
    type: 'channel.updated',
    workspace_id: workspaceId,
    channel_id: c.channelId,
    payload: {
      channel_id: c.channelId,
      archived: channel?.archived_at != null,
      changed: ['messages'],
    },
  });
}
