import type {
  CreateSlashCommandBody,
  InvokeSlashResponse,
  SlashCommand,
  SlashCommandListResponse,
  SlashCommandResponse,
} from '@clickclack/protocol';
import { type Http, op } from '../http.js';

/** Slash commands: registration (managers) and invocation. */
export class SlashCommandsResource {
  constructor(private readonly http: Http) {}

  async list(workspaceId: string): Promise<SlashCommand[]> {
    return (
      await this.http.call<SlashCommandListResponse>(
        op('listSlashCommands', { workspace_id: workspaceId }),
      )
    ).slash_commands;
  }

  async create(workspaceId: string, input: CreateSlashCommandBody): Promise<SlashCommand> {
    return (
      await this.http.call<SlashCommandResponse>(
        op('createSlashCommand', { workspace_id: workspaceId }),
        { body: input },
      )
    ).slash_command;
  }

  async revoke(commandId: string): Promise<SlashCommand> {
    return (
      await this.http.call<SlashCommandResponse>(
        op('revokeSlashCommand', { command_id: commandId }),
        { body: {} },
      )
    ).slash_command;
  }

  async rotateSecret(commandId: string): Promise<SlashCommand> {
    return (
      await this.http.call<SlashCommandResponse>(
        op('rotateSlashCommandSecret', { command_id: commandId }),
        { body: {} },
      )
    ).slash_command;
  }

  invoke(channelId: string, command: string, text = ''): Promise<InvokeSlashResponse> {
    return this.http.call(op('invokeSlashCommand', { channel_id: channelId }), {
      body: { command, text },
    });
  }
}
