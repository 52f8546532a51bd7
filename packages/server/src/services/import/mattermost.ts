import { createInterface } from 'node:readline';
import { Transform } from 'node:stream';
import type { Importer, WorkspaceCtx } from './importer.js';
import { emojiFromName } from './markup.js';
import type {
  ImportFile,
  ImportMessage,
  ImportReaction,
  ImportRole,
  ProgressFn,
  Where,
} from './model.js';
import { ImportInputError, type ExportSource } from './source.js';

/**
 * Mattermost's bulk export: JSON lines of `version`, `team`, `channel`, `user`, `post`
 * (with `replies` and `reactions`), `direct_channel`, `direct_post` and `emoji`, as a
 * `.jsonl` file or the zip `mmctl export` writes (the lines plus `data/` attachments).
 * Message text is Markdown already. Users are known by username, channels by team and name.
 */

type Json = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const obj = (v: unknown): Json =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function msToIso(v: unknown): string | undefined {
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) && n > 0 && n < 8.64e15 ? new Date(n).toISOString() : undefined;
}

function teamRole(userRoles: string, teamRoles: string): ImportRole {
  const all = `${userRoles} ${teamRoles}`.split(/\s+/);
  if (all.includes('system_admin')) return 'owner';
  if (all.includes('team_admin')) return 'moderator';
  if (all.includes('system_guest') || all.includes('team_guest')) return 'guest';
  return 'member';
}

export interface MattermostOptions {
  /** Every team into this workspace (id or slug) instead of one workspace per team. */
  workspace?: string;
}

export async function importMattermost(
  source: ExportSource,
  importer: Importer,
  opts: MattermostOptions,
  progress: ProgressFn,
): Promise<void> {
  const jsonl =
    source.files.find((f) => /(^|\/)import\.jsonl$/i.test(f)) ??
    source.files.find((f) => /\.jsonl$/i.test(f));
  if (!jsonl) throw new ImportInputError('no .jsonl file: not a Mattermost bulk export');
  const base = jsonl.includes('/') ? jsonl.slice(0, jsonl.lastIndexOf('/') + 1) : '';
  const total = source.size(jsonl);
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _e, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });

  const teams = new Map<string, WorkspaceCtx>();
  /** Channel names by team, for "the team does not own this channel". */
  const channelTeam = new Map<string, string>();
  let fallback: WorkspaceCtx | undefined;
  const single = opts.workspace ? await importer.workspace({ ref: opts.workspace }) : undefined;
  const teamWs = async (team: string, displayName?: string) => {
    let ws = teams.get(team);
    if (!ws) {
      ws =
        single ?? (await importer.workspace({ ref: team, name: displayName ?? team, key: team }));
      teams.set(team, ws);
    }
    fallback ??= ws;
    return ws;
  };
  /** Which workspaces each user belongs to: a DM goes to one all its members share. */
  const userTeams = new Map<string, string[]>();
  const files = (where: Where, list: unknown[]): ImportFile[] =>
    list.map((raw) => {
      const path = str(obj(raw).path);
      const name = path.split('/').pop() || 'file';
      const hit = [`${base}${path}`, `${base}data/${path}`].find((p) => source.files.includes(p));
      if (path && !hit) importer.skip(where, `attachment ${path} is not in the export`);
      return hit ? { name, open: () => source.open(hit) } : { name };
    });
  const reactions = (list: unknown[]): ImportReaction[] =>
    list.map((raw) => {
      const r = obj(raw);
      return {
        emoji: emojiFromName(str(r.emoji_name)),
        userSourceIds: [str(r.user)].filter(Boolean),
      };
    });
  const dmKey = (members: unknown[]) =>
    [...new Set(members.map(str).filter(Boolean))].sort().join(',');
  const dmWorkspace = async (members: string[]): Promise<WorkspaceCtx | undefined> => {
    if (single) return single;
    const shared = [...teams.keys()].find((t) =>
      members.every((m) => userTeams.get(m)?.includes(t)),
    );
    return shared ? teams.get(shared) : fallback;
  };

  // Created only now, just before it is iterated: readline starts reading at once, and
  // lines emitted before the loop's iterator is attached (while an await ran) are lost.
  const lines = createInterface({
    input: (await source.open(jsonl)).pipe(meter),
    crlfDelay: Infinity,
  });
  let lineNo = 0;
  let nextProgress = 0;
  progress(0, total);
  for await (const text of lines) {
    lineNo++;
    if (bytes >= nextProgress) {
      progress(bytes, total);
      nextProgress = bytes + total / 200;
    }
    if (text.trim() === '') continue;
    const where: Where = { file: jsonl, line: lineNo };
    let rec: Json;
    try {
      rec = obj(JSON.parse(text));
    } catch (err) {
      importer.skip(where, `broken line: ${(err as Error).message}`);
      continue;
    }
    const type = str(rec.type);
    const data = obj(rec[type]);
    switch (type) {
      case 'version':
        continue;
      case 'team': {
        const name = str(data.name);
        if (!name) importer.skip(where, 'team without a name');
        else await teamWs(name, str(data.display_name) || name);
        continue;
      }
      case 'channel': {
        const team = str(data.team);
        const name = str(data.name);
        if (!team || !name) {
          importer.skip(where, 'channel without a team or a name');
          continue;
        }
        const ws = await teamWs(team);
        channelTeam.set(`${team}/${name}`, team);
        await importer.channel(ws, {
          sourceId: `${team}/${name}`,
          name,
          kind: str(data.type) === 'P' ? 'private' : 'public',
          topic: str(data.header),
          purpose: str(data.purpose),
          archived: Number(data.deleted_at ?? 0) > 0,
          createdAt: msToIso(data.create_at) ?? new Date().toISOString(),
          creatorSourceId: '',
          memberSourceIds: [],
          where,
        });
        continue;
      }
      case 'user':
      case 'bot': {
        const username = str(data.username);
        if (!username) {
          importer.skip(where, `${type} without a username`);
          continue;
        }
        const isBot = type === 'bot' || data.is_bot === true;
        const full = [str(data.first_name), str(data.last_name)].filter(Boolean).join(' ');
        await importer.importUsers([
          {
            sourceId: username,
            email: str(data.email),
            handle: username,
            displayName: str(data.display_name) || str(data.nickname) || full || username,
            isBot,
            where,
          },
        ]);
        const memberships = arr(data.teams).map(obj);
        userTeams.set(
          username,
          memberships.map((t) => str(t.name)),
        );
        for (const t of memberships) {
          const team = str(t.name);
          if (!team) continue;
          const ws = await teamWs(team);
          await importer.addMembers(
            ws,
            [{ sourceId: username, role: teamRole(str(data.roles), str(t.roles)), isBot }],
            where,
          );
          for (const c of arr(t.channels).map(obj)) {
            const key = `${team}/${str(c.name)}`;
            if (!channelTeam.has(key)) {
              importer.skip(
                where,
                `channel ${str(c.name)} of ${username} is not a channel of team ${team}`,
              );
              continue;
            }
            await importer.channelMembers(ws, key, [username], where);
          }
        }
        continue;
      }
      case 'direct_channel': {
        const members = dmKey(arr(data.members));
        const ws = await dmWorkspace(members.split(','));
        if (!ws) {
          importer.skip(where, 'direct channel before any team');
          continue;
        }
        await importer.dm(ws, {
          sourceId: members,
          memberSourceIds: members.split(',').filter(Boolean),
          where,
        });
        continue;
      }
      case 'post':
      case 'direct_post': {
        let ws: WorkspaceCtx | undefined;
        let conversation: ImportMessage['conversation'];
        if (type === 'post') {
          const team = str(data.team);
          const channel = str(data.channel);
          if (channelTeam.get(`${team}/${channel}`) !== team) {
            importer.skip(where, `channel ${channel} does not belong to team ${team}`);
            continue;
          }
          ws = await teamWs(team);
          conversation = { channel: `${team}/${channel}` };
        } else {
          const members = dmKey(arr(data.channel_members));
          ws = await dmWorkspace(members.split(','));
          conversation = { dm: members };
        }
        if (!ws) {
          importer.skip(where, 'direct post before any team');
          continue;
        }
        if (str(data.type).startsWith('system_')) {
          importer.summary.system_messages_skipped++;
          continue;
        }
        const author = str(data.user);
        const createdAt = msToIso(data.create_at);
        if (!createdAt) {
          importer.skip(where, 'post without a valid create_at');
          continue;
        }
        // Posts carry no id: the author and the millisecond name one within its channel.
        const sourceId = `${author}@${String(data.create_at)}`;
        await importer.message(ws, {
          sourceId,
          conversation,
          authorSourceId: author,
          body: str(data.message),
          createdAt,
          reactions: reactions(arr(data.reactions)),
          files: files(where, arr(data.attachments)),
          ...(data.is_pinned === true ? { pinned: true } : {}),
          where,
        });
        // In time order: each reply's thread_seq is given as it is written.
        const replies = arr(data.replies)
          .map(obj)
          .sort((a, b) => Number(a.create_at) - Number(b.create_at));
        for (const r of replies) {
          const at = msToIso(r.create_at);
          if (!at) {
            importer.skip(where, 'reply without a valid create_at');
            continue;
          }
          if (str(r.type).startsWith('system_')) {
            importer.summary.system_messages_skipped++;
            continue;
          }
          await importer.message(ws, {
            sourceId: `${sourceId}/${str(r.user)}@${String(r.create_at)}`,
            conversation,
            authorSourceId: str(r.user),
            body: str(r.message),
            createdAt: at,
            parentSourceId: sourceId,
            reactions: reactions(arr(r.reactions)),
            files: files(where, arr(r.attachments)),
            ...(r.is_pinned === true ? { pinned: true } : {}),
            where,
          });
        }
        continue;
      }
      case 'emoji':
        importer.skip(
          where,
          `custom emoji :${str(data.name)}: is not imported (reactions with it keep its name)`,
        );
        continue;
      default:
        importer.skip(where, `unknown line type "${type}"`);
    }
  }
  progress(total, total);
}
