import { OPERATIONS } from '@clickclack/protocol';
import * as bots from '../../services/bots/admin.js';
import * as retirement from '../../services/bots/retirement.js';
import * as setupCodes from '../../services/bots/setup-codes.js';
import type { ServiceDeps } from '../../services/context.js';
import { apiBaseUrl } from '../local-request.js';
import { caller, route, type App } from '../route.js';

export function botRoutes(app: App, deps: ServiceDeps): void {
  route(app, OPERATIONS.createBot, async (req, reply) =>
    reply
      .status(201)
      .send(await bots.createBotHttp(deps, caller(req), req.params.workspace_id, req.body)),
  );
  route(app, OPERATIONS.listBots, async (req) =>
    bots.listBots(deps, caller(req), req.params.workspace_id),
  );
  route(app, OPERATIONS.listBotTokens, async (req) => ({
    bot_tokens: await bots.listTokens(
      deps,
      caller(req),
      req.params.workspace_id,
      req.params.bot_user_id,
    ),
  }));
  route(app, OPERATIONS.createBotToken, async (req, reply) =>
    reply.status(201).send({
      bot_token: await bots.createToken(
        deps,
        caller(req),
        req.params.workspace_id,
        req.params.bot_user_id,
        req.body ?? {},
      ),
    }),
  );
  route(app, OPERATIONS.listBotTokensLegacy, async (req) => {
    const ws = await bots.soleWorkspaceOf(deps, caller(req), req.params.bot_user_id);
    return { bot_tokens: await bots.listTokens(deps, caller(req), ws, req.params.bot_user_id) };
  });
  route(app, OPERATIONS.createBotTokenLegacy, async (req, reply) => {
    const ws = await bots.soleWorkspaceOf(deps, caller(req), req.params.bot_user_id);
    return reply.status(201).send({
      bot_token: await bots.createToken(
        deps,
        caller(req),
        ws,
        req.params.bot_user_id,
        req.body ?? {},
      ),
    });
  });
  route(app, OPERATIONS.revokeBotToken, async (req) => ({
    bot_token: await bots.revokeToken(deps, caller(req), req.params.token_id),
  }));
  route(app, OPERATIONS.removeBotMembership, async (req, reply) => {
    await bots.removeBotMembership(
      deps,
      caller(req),
      req.params.workspace_id,
      req.params.bot_user_id,
    );
    return reply.status(204).send();
  });
  route(app, OPERATIONS.deleteBot, async (req) =>
    retirement.deleteBot(deps, caller(req), req.params.bot_user_id),
  );
  route(app, OPERATIONS.myBots, async (req) => bots.myBots(deps, caller(req)));
  route(app, OPERATIONS.setBotCommands, async (req) =>
    bots.setCommands(deps, caller(req), req.body),
  );
  route(app, OPERATIONS.createBotSetupCode, async (req, reply) =>
    reply.status(201).send({
      setup_code: await setupCodes.createSetupCode(
        deps,
        caller(req),
        req.params.workspace_id,
        req.params.bot_user_id,
        req.body ?? {},
        apiBaseUrl(req, deps.publicUrl),
      ),
    }),
  );
  // No caller: the code is the credential. The TCP peer (trustProxy is off) is the budget key.
  route(app, OPERATIONS.claimBotSetupCode, async (req) =>
    setupCodes.claimSetupCode(deps, req.body.code, req.ip, apiBaseUrl(req, deps.publicUrl)),
  );
  route(app, OPERATIONS.listBotCommands, async (req) =>
    bots.listCommands(deps, caller(req), req.params.workspace_id),
  );
}
