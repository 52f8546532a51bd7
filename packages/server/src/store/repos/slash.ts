import type { Selectable } from 'kysely';
import type { Executor } from '../executor.js';
import type { SlashCommandsTable, SlashInvocationsTable } from '../schema.js';
import { patchById } from '../patch.js';

export type SlashRow = Selectable<SlashCommandsTable>;
export type InvocationRow = Selectable<SlashInvocationsTable>;

export class SlashRepo {
  constructor(private readonly db: Executor) {}

  async insert(row: SlashRow): Promise<void> {
    await this.db.insertInto('slash_commands').values(row).execute();
  }

  byId(id: string): Promise<SlashRow | undefined> {
    return this.db.selectFrom('slash_commands').selectAll().where('id', '=', id).executeTakeFirst();
  }

  active(workspaceId: string, command: string): Promise<SlashRow | undefined> {
    return this.db
      .selectFrom('slash_commands')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('command', '=', command)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
  }

  listActive(workspaceId: string): Promise<SlashRow[]> {
    return this.db
      .selectFrom('slash_commands')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('revoked_at', 'is', null)
      .orderBy('command')
      .execute();
  }

  async update(id: string, patch: Partial<SlashRow>): Promise<void> {
    await patchById(this.db, 'slash_commands', id, patch);
  }

  async insertInvocation(row: InvocationRow): Promise<void> {
    await this.db.insertInto('slash_command_invocations').values(row).execute();
  }

  async finishInvocation(id: string, patch: Partial<InvocationRow>): Promise<void> {
    await patchById(this.db, 'slash_command_invocations', id, patch);
  }
}
