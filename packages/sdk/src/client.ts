import type {
  Me,
  MentionsQuery,
  MentionsResponse,
  SearchResponse,
  UpdateMeBody,
} from '@clickclack/protocol';
import { Http, type HttpOptions, type QueryOf, op } from './http.js';
import { AuthResource } from './resources/auth.js';
import { BotsResource } from './resources/bots.js';
import { AppsResource } from './resources/apps.js';
import { ChannelsResource } from './resources/channels.js';
import { AuditLogResource } from './resources/audit-log.js';
import { SlashCommandsResource } from './resources/slash-commands.js';
import { DmsResource } from './resources/dms.js';
import { EventSubscriptionsResource } from './resources/event-subscriptions.js';
import { EventsResource } from './resources/realtime.js';
import { InvitesResource } from './resources/invites.js';
import { MessagesResource } from './resources/messages.js';
import { ThreadsResource } from './resources/threads.js';
import { UploadsResource } from './resources/uploads.js';
import { RoutesResource } from './resources/deep-links.js';
import { WebhooksResource } from './resources/webhooks.js';
import { WorkspacesResource } from './resources/workspaces.js';
import { RealtimeConnection, type RealtimeOptions } from './realtime/connection.js';
import type { WebSocketConstructor } from './realtime/socket.js';

/** The original SDK's search options, then ours (author, thread and date filters). */
export interface SearchOptions {
  channelId?: string;
  directConversationId?: string;
  sort?: 'relevance' | 'newest';
  limit?: number;
  /** `next_cursor` of the previous page. */
  cursor?: string;
  authorId?: string;
  /** Only this thread: its root and replies. */
  threadRootId?: string;
  /** Only messages after / before this date or timestamp. */
  after?: string;
  before?: string;
}

export interface ClickClackClientOptions extends HttpOptions {
  /** WebSocket implementation for `events.subscribe` and `realtime()` (default: global). */
  webSocket?: WebSocketConstructor;
}

/** Typed ClickClack API client: fetch only, so it runs in Node, browsers and workers. */
export class ClickClackClient {
  readonly http: Http;
  readonly webSocket: WebSocketConstructor | undefined;
  readonly auth: AuthResource;
  readonly workspaces: WorkspacesResource;
  readonly routes: RoutesResource;
  readonly channels: ChannelsResource;
  readonly messages: MessagesResource;
  readonly threads: ThreadsResource;
  readonly dms: DmsResource;
  readonly invites: InvitesResource;
  readonly uploads: UploadsResource;
  readonly events: EventsResource;
  readonly eventTypes: { list(): Promise<string[]> };
  readonly eventSubscriptions: EventSubscriptionsResource;
  readonly bots: BotsResource;
  readonly webhooks: WebhooksResource;
  readonly slashCommands: SlashCommandsResource;
  readonly auditLog: AuditLogResource;
  readonly apps: AppsResource;

  constructor(opts: ClickClackClientOptions) {
    this.http = new Http(opts);
    this.webSocket = opts.webSocket;
    this.auth = new AuthResource(this.http);
    this.workspaces = new WorkspacesResource(this.http);
    this.routes = new RoutesResource(this.http);
    this.channels = new ChannelsResource(this.http);
    this.messages = new MessagesResource(this.http);
    this.threads = new ThreadsResource(this.http);
    this.dms = new DmsResource(this.http);
    this.invites = new InvitesResource(this.http);
    this.uploads = new UploadsResource(this.http);
    this.events = new EventsResource(this.http, opts.webSocket);
    this.eventTypes = { list: () => this.events.types() };
    this.eventSubscriptions = new EventSubscriptionsResource(this.http);
    this.bots = new BotsResource(this.http);
    this.webhooks = new WebhooksResource(this.http);
    this.slashCommands = new SlashCommandsResource(this.http);
    this.auditLog = new AuditLogResource(this.http);
    this.apps = new AppsResource(this.http);
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  /** The signed-in user. */
  me(): Promise<Me> {
    return this.auth.me();
  }

  updateMe(patch: UpdateMeBody): Promise<Me> {
    return this.auth.updateMe(patch);
  }

  setToken(token: string | undefined): void {
    this.http.token = token;
  }

  /** Full-text search; pass `next_cursor` back as `cursor` for the next page. */
  search(workspaceId: string, query: string, options: SearchOptions = {}): Promise<SearchResponse> {
    return this.http.call(op('search'), {
      query: {
        workspace_id: workspaceId,
        q: query,
        // Empty values mean "not set", as in the original SDK (a UI may hold a null cursor).
        channel_id: options.channelId || undefined,
        direct_conversation_id: options.directConversationId || undefined,
        sort: options.sort || undefined,
        limit: options.limit,
        cursor: options.cursor || undefined,
        author_id: options.authorId || undefined,
        thread_root_id: options.threadRootId || undefined,
        after: options.after || undefined,
        before: options.before || undefined,
      },
    });
  }

  /** Messages that mention the caller, newest first (`next_before` pages on). */
  mentions(query: QueryOf<MentionsQuery> = {}): Promise<MentionsResponse> {
    return this.http.call(op('listMentions'), { query });
  }

  /** Liveness and readiness probes (no auth). */
  healthz(): Promise<{ ok: boolean }> {
    return this.http.call(op('healthz'));
  }

  readyz(): Promise<{ ok: boolean }> {
    return this.http.call(op('readyz'));
  }

  /** A resumable realtime event stream for one workspace (see RealtimeConnection). */
  realtime(opts: RealtimeOptions): RealtimeConnection {
    return new RealtimeConnection(this, opts);
  }
}
