import { OPERATIONS } from '@clickclack/protocol';
import type { ServiceDeps } from '../../services/context.js';
import * as slash from '../../services/slash-commands/slash-commands.js';
import { caller, route, routeOutcome, type App } from '../route.js';

export function slashCommandRoutes(app: App, deps: ServiceDeps): void {
  route(app, OPERATIONS.createSlashCommand, async (req, reply) =>
    reply.status(201).send({
      slash_command: await slash.createSlash(deps, caller(req), req.params.workspace_id, req.body),
    }),
  );
  route(app, OPERATIONS.listSlashCommands, async (req) => ({
    slash_commands: await slash.listSlash(deps, caller(req), req.params.workspace_id),
  }));
  route(app, OPERATIONS.revokeSlashCommand, async (req) => ({
    slash_command: await slash.revokeSlash(deps, caller(req), req.params.command_id),
  }));
  route(app, OPERATIONS.rotateSlashCommandSecret, async (req) => ({
    slash_command: await slash.rotateSlash(deps, caller(req), req.params.command_id),
  }));
  routeOutcome(app, OPERATIONS.invokeSlashCommand, async (req) =>
    slash.invokeSlash(deps, caller(req), req.params.channel_id, req.body ?? {}),
  );
}
