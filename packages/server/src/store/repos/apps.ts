import type { Selectable } from 'kysely';
import type { Executor } from '../executor.js';
import type { AppInstallationsTable } from '../schema.js';

export type AppRow = Selectable<AppInstallationsTable>;

/** App installations and the integrations bound to them. */
export class AppsRepo {
  constructor(private readonly db: Executor) {}

  async insert(row: AppRow): Promise<void> {
    await this.db.insertInto('app_installations').values(row).execute();
  }

  byId(id: string): Promise<AppRow | undefined> {
    return this.db
      .selectFrom('app_installations')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** The installation a creator made with this setup nonce (a retry finds its first try). */
  bySetupNonce(createdBy: string, nonce: string): Promise<AppRow | undefined> {
    return this.db
      .selectFrom('app_installations')
      .selectAll()
      .where('created_by', '=', createdBy)
      .where('setup_nonce', '=', nonce)
      .executeTakeFirst();
  }

  listActive(workspaceId: string): Promise<AppRow[]> {
    return this.db
      .selectFrom('app_installations')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('revoked_at', 'is', null)
      .orderBy('app_slug')
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  async revoke(id: string, at: string): Promise<void> {
    await this.db
      .updateTable('app_installations')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .execute();
  }

  /** Revokes the active slash commands bound to an installation; returns how many. */
  async revokeSlashCommands(installationId: string, at: string): Promise<number> {
    const res = await this.db
      .updateTable('slash_commands')
      .set({ revoked_at: at })
      .where('app_installation_id', '=', installationId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  }

  async revokeSubscriptions(installationId: string, at: string): Promise<number> {
    const res = await this.db
      .updateTable('event_subscriptions')
      .set({ revoked_at: at })
      .where('app_installation_id', '=', installationId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  }
}
