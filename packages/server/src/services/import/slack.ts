import type { Importer, WorkspaceCtx } from './importer.js';
import { emojiFromName, slackToMarkdown } from './markup.js';
import type { ImportFile, ImportRole, ImportUser, ProgressFn, Where } from './model.js';
import { exportRoot, ImportInputError, type ExportSource } from './source.js';

/**
 * A standard Slack export: users.json, channels.json (public), groups.json (private),
 * dms.json, mpims.json, and one folder per conversation of `<YYYY-MM-DD>.json` day files
 * (a public or private channel's by name, a DM's by id, a group DM's by name).
 */

type Json = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const obj = (v: unknown): Json =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Subtypes that are someone's words; every other subtype is a system notice. */
const SPOKEN = new Set([
  'bot_message',
  'me_message',
  'file_share',
  'thread_broadcast',
  'reply_broadcast',
]);

/** Slack `ts` ("1700000000.000200") → ISO time; undefined when it is not one. */
function tsToIso(ts: string): string | undefined {
  if (!/^\d{9,11}(\.\d{1,6})?$/.test(ts)) return undefined;
  return new Date(Math.floor(Number(ts) * 1000)).toISOString();
}

function secondsToIso(v: unknown): string {
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) && n > 0 ? new Date(n * 1000).toISOString() : new Date().toISOString();
}

async function readJsonArray(
  source: ExportSource,
  path: string,
  importer: Importer,
  required: boolean,
): Promise<unknown[]> {
  if (!source.files.includes(path)) {
    if (required) throw new ImportInputError(`${path} is missing: not a Slack export`);
    return [];
  }
  try {
    const v = JSON.parse(await source.readText(path)) as unknown;
    if (!Array.isArray(v)) throw new Error('not a JSON array');
    return v as unknown[];
  } catch (err) {
    if (required) throw new ImportInputError(`${path}: ${(err as Error).message}`);
    importer.skip({ file: path }, `unreadable: ${(err as Error).message}`);
    return [];
  }
}

function role(u: Json): ImportRole {
  if (u.is_primary_owner === true || u.is_owner === true) return 'owner';
  if (u.is_admin === true) return 'moderator';
  if (u.is_restricted === true || u.is_ultra_restricted === true) return 'guest';
  return 'member';
}

interface Conversation {
  dir: string;
  target: { channel: string } | { dm: string };
}

export async function importSlack(
  source: ExportSource,
  importer: Importer,
  ws: WorkspaceCtx,
  progress: ProgressFn,
): Promise<void> {
  const root = exportRoot(source, 'users.json');
  if (root === undefined) throw new ImportInputError('users.json is missing: not a Slack export');
  const at = (name: string) => `${root}${name}`;

  // Users, and with them the workspace roles.
  const users: ImportUser[] = [];
  const members: { sourceId: string; role: ImportRole; isBot: boolean }[] = [];
  const rawUsers = await readJsonArray(source, at('users.json'), importer, true);
  rawUsers.forEach((raw, i) => {
    const u = obj(raw);
    const where: Where = { file: at('users.json'), index: i };
    const id = str(u.id);
    if (!id) return importer.skip(where, 'user without an id');
    const profile = obj(u.profile);
    const isBot = u.is_bot === true || u.is_app_user === true || id === 'USLACKBOT';
    users.push({
      sourceId: id,
      email: str(profile.email),
      handle: str(u.name),
      displayName:
        str(profile.display_name) || str(profile.real_name) || str(u.real_name) || str(u.name),
      isBot,
      where,
    });
    if (u.deleted !== true) members.push({ sourceId: id, role: role(u), isBot });
  });
  await importer.importUsers(users);
  await importer.addMembers(ws, members, { file: at('users.json') });

  // Conversations. A message's text names channels by id; keep every name for that.
  const channelNames = new Map<string, string>();
  const conversations: Conversation[] = [];
  for (const [file, kind] of [
    ['channels.json', 'public'],
    ['groups.json', 'private'],
  ] as const) {
    const list = await readJsonArray(source, at(file), importer, false);
    for (const [i, raw] of list.entries()) {
      const c = obj(raw);
      const where: Where = { file: at(file), index: i };
      const id = str(c.id);
      const name = str(c.name);
      if (!id || !name) {
        importer.skip(where, 'channel without an id or a name');
        continue;
      }
      channelNames.set(id, name);
      await importer.channel(ws, {
        sourceId: id,
        name,
        kind,
        topic: str(obj(c.topic).value),
        purpose: str(obj(c.purpose).value),
        archived: c.is_archived === true,
        createdAt: secondsToIso(c.created),
        creatorSourceId: str(c.creator),
        memberSourceIds: arr(c.members).map(str).filter(Boolean),
        where,
      });
      conversations.push({ dir: name, target: { channel: id } });
    }
  }
  for (const [file, byName] of [
    ['dms.json', false],
    ['mpims.json', true],
  ] as const) {
    const list = await readJsonArray(source, at(file), importer, false);
    for (const [i, raw] of list.entries()) {
      const d = obj(raw);
      const where: Where = { file: at(file), index: i };
      const id = str(d.id);
      if (!id) {
        importer.skip(where, 'conversation without an id');
        continue;
      }
      await importer.dm(ws, {
        sourceId: id,
        memberSourceIds: arr(d.members).map(str).filter(Boolean),
        where,
      });
      conversations.push({ dir: byName ? str(d.name) || id : id, target: { dm: id } });
    }
  }

  const names = {
    user: (id: string) => importer.mentionName(id),
    channel: (id: string) => channelNames.get(id),
  };
  const dayFiles = conversations.map((c) =>
    source.files.filter(
      (f) => f.startsWith(at(`${c.dir}/`)) && /\/\d{4}-\d{2}-\d{2}\.json$/.test(f),
    ),
  );
  const total = dayFiles.reduce((n, l) => n + l.length, 0);
  let done = 0;
  progress(0, total);
  const bots = new Set<string>();
  for (const [ci, conv] of conversations.entries()) {
    for (const file of dayFiles[ci]!) {
      let list: unknown[];
      try {
        const v = JSON.parse(await source.readText(file)) as unknown;
        if (!Array.isArray(v)) throw new Error('not a JSON array');
        list = v;
      } catch (err) {
        importer.skip({ file }, `unreadable day file: ${(err as Error).message}`);
        progress(++done, total);
        continue;
      }
      // In time order, so a thread's root always comes before its replies.
      const msgs = list
        .map((raw, i) => ({ m: obj(raw), where: { file, index: i } as Where }))
        .sort((a, b) => Number(str(a.m.ts)) - Number(str(b.m.ts)));
      for (const { m, where } of msgs) {
        const subtype = str(m.subtype);
        if (subtype && !SPOKEN.has(subtype)) {
          importer.summary.system_messages_skipped++;
          continue;
        }
        const ts = str(m.ts);
        const createdAt = tsToIso(ts);
        if (!createdAt) {
          importer.skip(where, `message without a valid ts (${JSON.stringify(m.ts ?? null)})`);
          continue;
        }
        let author = str(m.user);
        const botId = str(m.bot_id);
        if (!author && botId) {
          // Integrations post as a bot id that users.json does not list.
          author = `bot:${botId}`;
          if (!bots.has(botId)) {
            bots.add(botId);
            await importer.importUsers([
              {
                sourceId: author,
                email: '',
                handle: '',
                displayName: str(m.username) || str(obj(m.bot_profile).name) || botId,
                isBot: true,
                where,
              },
            ]);
            await importer.addMembers(
              ws,
              [{ sourceId: author, role: 'member', isBot: true }],
              where,
            );
          }
        }
        const threadTs = str(m.thread_ts);
        const files: ImportFile[] = arr(m.files).map((raw) => {
          const f = obj(raw);
          const name = str(f.name) || str(f.title) || str(f.id) || 'file';
          // slackdump and similar tools put the bytes beside the export.
          const local = [
            at(`__uploads/${str(f.id)}/${name}`),
            at(`${conv.dir}/attachments/${str(f.id)}-${name}`),
          ].find((p) => str(f.id) !== '' && source.files.includes(p));
          return local ? { name, type: str(f.mimetype), open: () => source.open(local) } : { name };
        });
        await importer.message(ws, {
          sourceId: ts,
          conversation: conv.target,
          authorSourceId: author,
          body: slackToMarkdown(str(m.text), names),
          createdAt,
          ...(threadTs && threadTs !== ts ? { parentSourceId: threadTs } : {}),
          reactions: arr(m.reactions)
            .filter((raw) => str(obj(raw).name) !== '')
            .map((raw) => {
              const r = obj(raw);
              return {
                emoji: emojiFromName(str(r.name)),
                userSourceIds: arr(r.users).map(str).filter(Boolean),
              };
            }),
          files,
          ...('channel' in conv.target && arr(m.pinned_to).map(str).includes(conv.target.channel)
            ? { pinned: true }
            : {}),
          where,
        });
      }
      progress(++done, total);
    }
  }
}
