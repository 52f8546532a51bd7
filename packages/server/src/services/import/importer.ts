import type { BlobStore } from '../../blobs/blob-store.js';
import { nowIso } from '../../lib/clock.js';
import { newId, newRouteId } from '../../lib/ids.js';
import type { UploadRow } from '../../store/repos/uploads.js';
import { NO_STATUS, type UserRow } from '../../store/repos/users.js';
import type { Repos, Store } from '../../store/store.js';
import type { ImportConversation, ImportedMessageRow } from '../../store/repos/imports.js';
import type { Event } from '@clickclack/protocol';
import { memberSetKey } from '../dms.js';
import { gravatarFor } from '../users.js';
import { storeBlob } from '../uploads.js';
import { slugify } from '../validate.js';
import { RESERVED_SLUGS } from '../workspaces.js';
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
  /** Called after each committed write, for events a server in this process would send. */
  published?: (events: Event[]) => void;
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

/**
 * Writes what an export reader hands it. Users, workspaces, channels and DMs go in one by
 * one (they are few); messages in batches, each one transaction that records the source
 * ids and inserts what was new, unnumbered. `finish` then numbers every conversation in
 * time order, refreshes thread states and appends one event per conversation, not one per
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

  constructor(
    private readonly opts: ImportOptions,
    /** Key of the users: an export's user ids are its own. */
    private readonly userOrigin: string,
  ) {
    this.summary = emptySummary(opts.dryRun);
    this.batchSize = opts.batchSize ?? 2000;
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

  private publish(events: (Event | undefined)[]): void {
    const list = events.filter((e): e is Event => e !== undefined);
    if (list.length > 0) this.opts.published?.(list);
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
        const event = await this.write(async (tx) => {
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
        this.publish([event]);
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
    const row: UserRow = {
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
      deleted_at: null,
      former_handle: null,
      deleted_by: null,
      deactivated_at: null,
      ...NO_STATUS,
    };
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
        if (!this.opts.dryRun) {
          const newRow = row;
          const event = await this.write(async (tx) => {
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
          this.publish([event]);
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
      if (!this.opts.dryRun) {
        const event = await this.write(async (tx) => {
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
        this.publish([event]);
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
        group.map((g) => g.key),
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
      rows.push({
        id,
        workspace_id: g.p.ws.id,
        channel_id: g.conv.channelId,
        direct_conversation_id: g.conv.dmId,
        author_id: g.author,
        parent_message_id: parent ?? null,
        thread_root_id: parent ?? id,
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
    }
    this.summary.created.reactions += reactions.length;
    this.summary.created.files += uploads.length;
    if (this.opts.dryRun || rows.length === 0) return;
    try {
      await this.write(async (tx) => {
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
        await tx.imports.insertMessages(keep);
        const kept = new Set(keep.map((r) => r.id));
        for (const u of uploads) await tx.uploads.insert(u);
        await tx.imports.insertAttachments(attachments.filter((a) => kept.has(a[0] as string)));
        await tx.imports.insertReactions(reactions.filter((r) => kept.has(r[0] as string)));
      });
    } catch (err) {
      for (const u of uploads) await this.opts.uploads?.blobs.delete(u.storage_path);
      throw err;
    }
  }

  /**
   * Numbers every conversation with unnumbered messages (this run's, or a killed run's),
   * refreshes thread states, marks the history read and appends one `channel.updated`
   * per channel that got messages.
   */
  async finish(): Promise<ImportSummary> {
    await this.flush();
    if (this.opts.dryRun) return this.summary;
    // Every workspace of the run, not only those that got messages now: a killed run's
    // messages are numbered by the re-run that finds nothing new.
    for (const ws of this.summary.workspaces) await this.numberAll(ws.id);
    return this.summary;
  }

  private async numberAll(workspaceId: string): Promise<void> {
    const list = await this.store.read.imports.unnumbered(workspaceId);
    for (const c of list) {
      const event = await this.write(async (tx) => {
        const { base, lastSeq, roots } = await tx.imports.number(c);
        await tx.imports.refreshThreadStates(roots);
        await tx.imports.markRead(c, base, lastSeq, nowIso());
        return 'channelId' in c ? announce(tx, workspaceId, c) : undefined;
      });
      this.publish([event]);
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
