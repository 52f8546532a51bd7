import type { Executor } from '../executor.js';
import type { ChannelRow } from './channels.js';
import type { DmRow } from './dms.js';
import type { WorkspaceRow } from './workspaces.js';

/** Lookups by public route id (`T…`, `C…`, `D…`, `M…`) and thread roots' allocated routes. */
export class RoutesRepo {
  constructor(private readonly db: Executor) {}

  workspace(routeId: string): Promise<WorkspaceRow | undefined> {
    return this.db
      .selectFrom('workspaces')
      .selectAll()
      .where('route_id', '=', routeId)
      .executeTakeFirst();
  }

  channel(workspaceId: string, routeId: string): Promise<ChannelRow | undefined> {
    return this.db
      .selectFrom('channels')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('route_id', '=', routeId)
      .executeTakeFirst();
  }

  dm(workspaceId: string, routeId: string): Promise<DmRow | undefined> {
    return this.db
      .selectFrom('direct_conversations')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('route_id', '=', routeId)
      .executeTakeFirst();
  }

  /** The id of the message a workspace's `M…` route names. */
  async messageId(workspaceId: string, routeId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('message_routes')
      .select('message_id')
      .where('workspace_id', '=', workspaceId)
      .where('route_id', '=', routeId)
      .executeTakeFirst();
    return row?.message_id;
  }

  async ofMessage(messageId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('message_routes')
      .select('route_id')
      .where('message_id', '=', messageId)
      .executeTakeFirst();
    return row?.route_id;
  }

  /** False when the route id is taken in the workspace (the caller draws another). */
  async insertMessageRoute(
    messageId: string,
    workspaceId: string,
    routeId: string,
    at: string,
  ): Promise<boolean> {
    const res = await this.db
      .insertInto('message_routes')
      .values({
        message_id: messageId,
        workspace_id: workspaceId,
        route_id: routeId,
        created_at: at,
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }
}
