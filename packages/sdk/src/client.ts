import { Http, type HttpOptions } from './http.js';
import { AuthResource } from './resources/auth.js';
import { ChannelsResource } from './resources/channels.js';
import { AdminResource, DmsResource } from './resources/conversations.js';
import { EventsResource } from './resources/events.js';
import { MessagesResource, ThreadsResource } from './resources/messages.js';
import { MessagingResource } from './resources/messaging.js';
import { SearchResource } from './resources/search.js';
import { UploadsResource } from './resources/uploads.js';
import { WorkspacesResource } from './resources/workspaces.js';
import { RealtimeConnection, type RealtimeOptions } from './realtime/connection.js';

export type ClickClackClientOptions = HttpOptions;

/** Typed ClickClack API client: fetch only, so it runs in Node, browsers and workers. */
export class ClickClackClient {
  readonly http: Http;
  readonly auth: AuthResource;
  readonly workspaces: WorkspacesResource;
  readonly channels: ChannelsResource;
  readonly messages: MessagesResource;
  readonly threads: ThreadsResource;
  readonly events: EventsResource;
  readonly messaging: MessagingResource;
  readonly dms: DmsResource;
  readonly admin: AdminResource;
  readonly search: SearchResource;
  readonly uploads: UploadsResource;

  constructor(opts: ClickClackClientOptions) {
    this.http = new Http(opts);
    this.auth = new AuthResource(this.http);
    this.workspaces = new WorkspacesResource(this.http);
    this.channels = new ChannelsResource(this.http);
    this.messages = new MessagesResource(this.http);
    this.threads = new ThreadsResource(this.http);
    this.events = new EventsResource(this.http);
    this.messaging = new MessagingResource(this.http);
    this.dms = new DmsResource(this.http);
    this.admin = new AdminResource(this.http);
    this.search = new SearchResource(this.http);
    this.uploads = new UploadsResource(this.http);
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  me() {
    return this.auth.me();
  }

  updateMe(patch: Parameters<AuthResource['updateMe']>[0]) {
    return this.auth.updateMe(patch);
  }

  setToken(token: string | undefined): void {
    this.http.token = token;
  }

  /** A resumable realtime event stream for one workspace (see RealtimeConnection). */
  realtime(opts: RealtimeOptions): RealtimeConnection {
    return new RealtimeConnection(this, opts);
  }
}
