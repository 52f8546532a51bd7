import type { AuditLogResponse } from '@clickclack/protocol';
import { type Http, op } from '../http.js';

/** Who changed bots, tokens and integrations (workspace managers). */
export class AuditLogResource {
  constructor(private readonly http: Http) {}

  async list(workspaceId: string, limit = 100): Promise<AuditLogResponse['audit_log_entries']> {
    return (
      await this.http.call<AuditLogResponse>(op('auditLog', { workspace_id: workspaceId }), {
        query: { limit },
      })
    ).audit_log_entries;
  }
}
