import { isClickClackError, type Event } from '@clickclack/sdk';
import type { Resource, ResourceTemplate } from '@modelcontextprotocol/sdk/types.js';
import { describeError } from '../cli/log.js';
import { ToolInputError, type McpContext } from './context.js';
import { who } from './render.js';
import { eventConcerns, tailCursor } from './tools.js';

/**
 * Channels, DMs and threads as resources: `clickclack://channels/{id}`,
 * `clickclack://dms/{id}`, `clickclack://threads/{root message id}`. Reading one gives its
 * newest page of messages as JSON (the protocol's MessagePage / ThreadPage).
 */
type Kind = 'channels' | 'dms' | 'threads';
interface Ref {
  kind: Kind;
  id: string;
}

const URI = /^clickclack:\/\/(channels|dms|threads)\/([^/?#]+)$/;
export const resourceUri = (kind: Kind, id: string) =>
  `clickclack://${kind}/${encodeURIComponent(id)}`;

function parse(uri: string): Ref {
  const m = URI.exec(uri);
  if (!m) throw new ToolInputError(`unknown resource ${uri}`);
  return { kind: m[1] as Kind, id: decodeURIComponent(m[2]!) };
}

export const RESOURCE_TEMPLATES: ResourceTemplate[] = [
  {
    uriTemplate: 'clickclack://channels/{channel_id}',
    name: 'channel',
    description: 'A channel’s newest messages (MessagePage JSON)',
    mimeType: 'application/json',
  },
  {
    uriTemplate: 'clickclack://dms/{conversation_id}',
    name: 'dm',
    description: 'A direct conversation’s newest messages (MessagePage JSON)',
    mimeType: 'application/json',
  },
  {
    uriTemplate: 'clickclack://threads/{message_id}',
    name: 'thread',
    description: 'A thread’s root and newest replies (ThreadPage JSON)',
    mimeType: 'application/json',
  },
];

/** Every channel and DM you can see, across your workspaces. */
export async function listResources(ctx: McpContext): Promise<Resource[]> {
  const c = ctx.client;
  const out: Resource[] = [];
  for (const w of await c.workspaces.list()) {
    const [channels, dms] = await Promise.all([c.channels.list(w.id), c.dms.list(w.id)]);
    for (const ch of channels)
      out.push({
        uri: resourceUri('channels', ch.id),
        name: `#${ch.name}`,
        title: `#${ch.name} (${w.name})`,
        description: ch.topic || ch.purpose || undefined,
        mimeType: 'application/json',
      });
    for (const dm of dms) {
      const members = dm.members.map(who).join(', ');
      out.push({
        uri: resourceUri('dms', dm.id),
        name: `DM ${members}`,
        title: `DM ${members} (${w.name})`,
        mimeType: 'application/json',
      });
    }
  }
  return out;
}

export async function readResource(
  ctx: McpContext,
  uri: string,
): Promise<{ uri: string; mimeType: string; text: string }> {
  const { kind, id } = parse(uri);
  const c = ctx.client;
  const page =
    kind === 'channels'
      ? await c.channels.messagePage(id)
      : kind === 'dms'
        ? await c.dms.messagePage(id)
        : await c.threads.get(id, { latest: 'true' });
  return { uri, mimeType: 'application/json', text: JSON.stringify(page) };
}

/** The workspace a resource belongs to; reading it also proves the caller may see it. */
async function workspaceOf(ctx: McpContext, { kind, id }: Ref): Promise<string> {
  const c = ctx.client;
  if (kind === 'channels') return (await c.channels.get(id)).workspace_id;
  if (kind === 'dms') return (await c.dms.get(id)).workspace_id;
  return (await c.messages.get(id)).workspace_id;
}

/** Whether an event changes what reading the resource would return. */
function touches(ev: Event, { kind, id }: Ref): boolean {
  // Read receipts move nobody's messages.
  if (ev.type.endsWith('.read')) return false;
  if (kind === 'channels') return eventConcerns(ev, { channel_id: id });
  if (kind === 'dms') return eventConcerns(ev, { conversation_id: id });
  return eventConcerns(ev, { thread_id: id });
}

interface Follower {
  stopped: boolean;
  /** Settles once the follower knows where the log's tail was. */
  started: Promise<void>;
}

/** How long each pull waits for news; a stopped follower ends within it. */
const POLL_WAIT_S = 20;
const RETRY_MS = 2_000;

/**
 * `resources/subscribe`: while a workspace has subscribed resources, one follower tails its
 * event log from the subscription's moment on (the pull endpoint, long-polled), and every
 * event that touches a subscribed resource sends `notifications/resources/updated`.
 */
export class Subscriptions {
  private readonly refs = new Map<string, { ref: Ref; workspace: string }>();
  private readonly followers = new Map<string, Follower>();
  private closed = false;

  constructor(
    private readonly ctx: McpContext,
    private readonly notify: (uri: string) => Promise<void>,
  ) {}

  async subscribe(uri: string): Promise<void> {
    if (this.refs.has(uri)) return;
    const ref = parse(uri);
    const workspace = await workspaceOf(this.ctx, ref);
    this.refs.set(uri, { ref, workspace });
    let follower = this.followers.get(workspace);
    if (!follower) {
      const me: Follower = {
        stopped: false,
        // Taken before any subscribe call answers, so every change after it is seen.
        started: tailCursor(this.ctx, workspace).then((cursor) => {
          void this.follow(workspace, me, cursor);
        }),
      };
      follower = me;
      this.followers.set(workspace, me);
    }
    try {
      await follower.started;
    } catch (err) {
      if (this.followers.get(workspace) === follower) this.followers.delete(workspace);
      this.refs.delete(uri);
      throw err;
    }
  }

  unsubscribe(uri: string): void {
    const entry = this.refs.get(uri);
    if (!entry) return;
    this.refs.delete(uri);
    if (![...this.refs.values()].some((r) => r.workspace === entry.workspace)) {
      const follower = this.followers.get(entry.workspace);
      if (follower) follower.stopped = true;
      this.followers.delete(entry.workspace);
    }
  }

  close(): void {
    this.closed = true;
    for (const f of this.followers.values()) f.stopped = true;
    this.followers.clear();
    this.refs.clear();
  }

  private async follow(workspace: string, me: Follower, from: string): Promise<void> {
    let cursor = from;
    while (!me.stopped && !this.closed) {
      try {
        const page = await this.ctx.client.events.list({
          workspaceId: workspace,
          afterCursor: cursor || undefined,
          limit: 500,
          waitSeconds: POLL_WAIT_S,
        });
        if (me.stopped || this.closed) return;
        cursor = page.events.at(-1)?.cursor ?? cursor;
        const changed = new Set<string>();
        for (const ev of page.events)
          for (const [uri, { ref }] of this.refs) if (touches(ev, ref)) changed.add(uri);
        for (const uri of changed) await this.notify(uri);
      } catch (err) {
        if (me.stopped || this.closed) return;
        this.ctx.log(`resource follower for ${workspace}: ${describeError(err)}`);
        // A revoked credential will not come back: stop asking.
        if (isClickClackError(err, 401)) {
          if (this.followers.get(workspace) === me) this.followers.delete(workspace);
          return;
        }
        if (isClickClackError(err, 410)) {
          // The log was pruned past us: start again from its tail and say everything changed.
          cursor = await tailCursor(this.ctx, workspace).catch(() => cursor);
          for (const [uri, r] of this.refs) if (r.workspace === workspace) await this.notify(uri);
        } else await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }
}
