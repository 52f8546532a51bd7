import { Type, type Static } from 'typebox';
import { Timestamp } from '../entities/common.js';
import { ok, type Operation } from './operation.js';
import { WorkspaceParams } from './params.js';

export const AuditLogQuery = Type.Object({ limit: Type.Optional(Type.String({ maxLength: 10 })) });
export const AuditLogEntry = Type.Object({
  id: Type.String(),
  workspace_id: Type.String(),
  actor_user_id: Type.Optional(Type.String()),
  action: Type.String(),
  target_type: Type.String(),
  target_id: Type.String(),
  metadata: Type.Record(Type.String(), Type.Unknown()),
  created_at: Timestamp,
});
export const AuditLogResponse = Type.Object({ audit_log_entries: Type.Array(AuditLogEntry) });
export type AuditLogResponse = Static<typeof AuditLogResponse>;

export const AUDIT_LOG_OPERATIONS = {
  auditLog: {
    method: 'GET',
    path: '/api/workspaces/:workspace_id/audit-log',
    summary: 'Who changed bots, tokens and integrations, newest first',
    auth: true,
    params: WorkspaceParams,
    query: AuditLogQuery,
    responses: ok(200, AuditLogResponse),
  },
} satisfies Record<string, Operation>;
