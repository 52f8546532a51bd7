import type { Selectable } from 'kysely';
import { nowIso } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { redactMetadata } from '../../lib/redact.js';
import type { Executor } from '../executor.js';
import type { AuditLogEntriesTable } from '../schema.js';

export type AuditRow = Selectable<AuditLogEntriesTable>;

export interface AuditInput {
  workspaceId: string;
  actorUserId: string | null;
  /** `<target_type>.<verb>`, e.g. `event_subscription.created`. */
  action: string;
  targetType: string;
  targetId: string;
  metadata?: Record<string, unknown>;
}

/** The audit log: one row per change to bots, tokens and integrations. */
export class AuditRepo {
  constructor(private readonly db: Executor) {}

  async record(input: AuditInput): Promise<void> {
    await this.db
      .insertInto('audit_log_entries')
      .values({
        id: newId('audit'),
        workspace_id: input.workspaceId,
        actor_user_id: input.actorUserId,
        action: input.action,
        target_type: input.targetType,
        target_id: input.targetId,
        metadata_json: JSON.stringify(redactMetadata(input.metadata ?? {})),
        created_at: nowIso(),
      })
      .execute();
  }

  list(workspaceId: string, limit: number): Promise<AuditRow[]> {
    return this.db
      .selectFrom('audit_log_entries')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }
}
