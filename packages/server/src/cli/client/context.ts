import { ClickClackClient, type Channel, type Workspace } from '@clickclack/sdk';
import { loadConfig, sameServer, type StoredConfig } from '../client-config.js';
import { CliError } from '../log.js';
import { outputMode, type OutputMode } from '../output.js';
import { nodeFetch } from './node-fetch.js';

export const DEFAULT_SERVER = 'http://localhost:8080';

/** Flags every client command accepts, before the command or on it. */
export interface GlobalFlags {
  server?: string;
  token?: string;
  /** Also set by `--user-id`: the argv normalizer folds both into one flag. */
  user?: string;
  workspace?: string;
  channel?: string;
  json?: boolean;
  plain?: boolean;
}

export interface ClientContext {
  server: string;
  token?: string;
  userId?: string;
  workspace?: string;
  channel?: string;
  mode: OutputMode;
  client: ClickClackClient;
}

const env = (name: string): string | undefined => {
  const v = process.env[name];
  return v === undefined || v === '' ? undefined : v;
};

/**
 * Effective settings: flag > env > stored config > default. Stored token, workspace and
 * channel apply only when the selected server is the one they were saved for, and the
 * stored token is skipped when a user id was given without a token.
 */
export function resolveContext(
  flags: GlobalFlags,
  opts: { useStored?: boolean } = {},
): ClientContext {
  const stored: StoredConfig | undefined = loadConfig();
  const server = flags.server ?? env('CLICKCLACK_SERVER') ?? stored?.server ?? DEFAULT_SERVER;
  let token = flags.token ?? env('CLICKCLACK_TOKEN');
  const userId = flags.user ?? env('CLICKCLACK_USER_ID');
  let workspace = flags.workspace ?? env('CLICKCLACK_WORKSPACE');
  let channel = flags.channel ?? env('CLICKCLACK_CHANNEL');
  if ((opts.useStored ?? true) && stored && sameServer(server, stored.server)) {
    if (token === undefined && userId === undefined) token = stored.token;
    workspace ??= stored.workspace;
    channel ??= stored.channel;
  }
  return {
    server,
    token,
    userId,
    workspace,
    channel,
    mode: outputMode(flags),
    client: new ClickClackClient({
      baseUrl: server,
      token,
      userId,
      timeoutMs: 10_000,
      fetch: nodeFetch,
    }),
  };
}

/** Workspace by id, slug or (case-insensitive) name; default the first visible. */
export async function resolveWorkspace(
  ctx: Pick<ClientContext, 'client' | 'workspace'>,
): Promise<Workspace> {
  const all = await ctx.client.workspaces.list();
  const needle = (ctx.workspace ?? '').trim();
  if (needle === '') {
    const first = all[0];
    if (!first) throw new CliError('no workspaces visible');
    return first;
  }
  const found = all.find(
    (w) => w.id === needle || w.slug === needle || w.name.toLowerCase() === needle.toLowerCase(),
  );
  if (!found) throw new CliError(`workspace "${needle}" not found`);
  return found;
}

/**
 * Channel by id or name (one leading '#' allowed); default `general`, else the first. A
 * `chn_` id is looked up across every visible workspace unless a workspace was named.
 */
export async function resolveChannel(
  ctx: ClientContext,
): Promise<{ workspace: Workspace; channel: Channel }> {
  const needle = (ctx.channel ?? '').trim();
  const byId = needle.startsWith('chn_');
  const candidates =
    byId && !ctx.workspace ? await ctx.client.workspaces.list() : [await resolveWorkspace(ctx)];
  const wanted = needle.replace(/^#/, '') || 'general';
  for (const workspace of candidates) {
    const channels = await ctx.client.channels.list(workspace.id);
    const hit = channels.find((c) => c.id === needle || (!byId && c.name === wanted));
    if (hit) return { workspace, channel: hit };
    if (needle === '') {
      const first = channels[0];
      if (!first) throw new CliError('no channels visible');
      return { workspace, channel: first };
    }
  }
  throw new CliError(`channel "${needle}" not found`);
}
