import type {
  AuditLogResponse,
  CreateSlashCommandBody,
  InvokeSlashResponse,
  SlashCommand,
  SlashCommandListResponse,
  SlashCommandResponse,
} from '@clickclack/protocol';
import { seg, type Http } from '../http.js';

/** Slash commands: registration (managers) and invocation. */
export class SlashCommandsResource {
  constructor(private readonly http: Http) {}

  async list(workspaceId: string): Promise<SlashCommand[]> {
    const path = `/api/workspaces/${seg(workspaceId)}/slash-commands`;
    return (await this.http.request<SlashCommandListResponse>('GET', path)).slash_commands;
  }

  async create(workspaceId: string, input: CreateSlashCommandBody): Promise<SlashCommand> {
    const path = `/api/workspaces/${seg(workspaceId)}/slash-commands`;
    return (await this.http.request<SlashCommandResponse>('POST', path, { body: input }))
      .slash_command;
  }

  async revoke(commandId: string): Promise<SlashCommand> {
    const path = `/api/slash-commands/${seg(commandId)}/revoke`;
    return (await this.http.request<SlashCommandResponse>('POST', path, { body: {} }))
      .slash_command;
  }

  async rotateSecret(commandId: string): Promise<SlashCommand> {
    const path = `/api/slash-commands/${seg(commandId)}/rotate-secret`;
    return (await this.http.request<SlashCommandResponse>('POST', path, { body: {} }))
      .slash_command;
  }

  invoke(channelId: string, command: string, text = ''): Promise<InvokeSlashResponse> {
    return this.http.request('POST', `/api/hooks/slash/${seg(channelId)}`, {
      body: { command, text },
    });
  }
}

export class AuditLogResource {
  constructor(private readonly http: Http) {}

  async list(workspaceId: string, limit = 100): Promise<AuditLogResponse['audit_log_entries']> {
    const path = `/api/workspaces/${seg(workspaceId)}/audit-log`;
    return (await this.http.request<AuditLogResponse>('GET', path, { query: { limit } }))
      .audit_log_entries;
  }
}
