import type { AuditLogResponse } from '@clickclack/protocol';
import { redactMetadata } from '../../lib/redact.js';
import type { Actor } from '../actor.js';
import type { ServiceDeps } from '../context.js';
import { assertHuman, requireMember } from '../policies.js';

export async function auditLog(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
  rawLimit: string | undefined,
): Promise<AuditLogResponse> {
  assertHuman(actor, 'bot tokens cannot read the audit log');
  await requireMember(deps.store.read, actor, workspaceId);
  const n = Number(rawLimit ?? 100);
  const limit = Number.isInteger(n) && n >= 1 ? Math.min(n, 500) : 100;
  const rows = await deps.store.read.audit.list(workspaceId, limit);
  return {
    audit_log_entries: rows.map((r) => ({
      id: r.id,
      workspace_id: r.workspace_id,
      ...(r.actor_user_id ? { actor_user_id: r.actor_user_id } : {}),
      action: r.action,
      target_type: r.target_type,
      target_id: r.target_id,
      // Rows written before redaction was applied at record time are redacted here.
      metadata: redactMetadata(JSON.parse(r.metadata_json) as Record<string, unknown>),
      created_at: r.created_at,
    })),
  };
}
