import type {
  CreateSlashCommandBody,
  InvokeSlashBody,
  InvokeSlashResponse,
  SlashCommand,
} from '@clickclack/protocol';
import { nowIso } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { assertCallbackUrl, OutboundError, postCallback } from '../../lib/outbound.js';
import { signedHeaders } from '../../lib/signing.js';
import { newSecret } from '../../lib/tokens.js';
import type { SlashRow } from '../../store/repos/slash.js';
import type { Repos } from '../../store/store.js';
import { type Actor, integrationActor } from '../actor.js';
import type { Outcome, ServiceDeps } from '../context.js';
import { DomainError, badRequest, notFound } from '../errors.js';
import { createChannelMessage } from '../messages/messages.js';
import {
  assertHuman,
  assertCanPost,
  assertScope,
  assertUnrestricted,
  isManagerRole,
  requireManager,
  requireMember,
  requireReadableChannel,
} from '../policies.js';

const COMMAND = /^\/[a-z0-9_-]{1,32}$/;

/**
 * A command as its reader may see it: everyone sees its name and description, only
 * managers its callback URL (it may carry a key), and the secret only when it is made.
 */
export function presentSlash(
  r: SlashRow,
  show: { secret?: boolean; settings: boolean },
): SlashCommand {
  return {
    id: r.id,
    workspace_id: r.workspace_id,
    ...(r.app_installation_id ? { app_installation_id: r.app_installation_id } : {}),
    command: r.command,
    description: r.description,
    ...(show.settings ? { callback_url: r.callback_url } : {}),
    ...(show.secret ? { signing_secret: r.signing_secret } : {}),
    bot_user_id: r.bot_user_id,
    ...(r.created_by ? { created_by: r.created_by } : {}),
    created_at: r.created_at,
    ...(r.revoked_at ? { revoked_at: r.revoked_at } : {}),
  };
}

const normalize = (raw: string): string => `/${raw.trim().toLowerCase().replace(/^\//, '')}`;

export async function createSlash(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
  body: CreateSlashCommandBody,
): Promise<SlashCommand> {
  const command = normalize(body.command);
  if (!COMMAND.test(command))
    throw badRequest('command must be / followed by 1-32 letters, digits, _ or -');
  let url: string;
  try {
    url = assertCallbackUrl(body.callback_url.trim()).toString();
  } catch (err) {
    throw err instanceof OutboundError ? badRequest(err.message) : err;
  }
  return deps.store.write(async (tx) => {
    await requireManager(tx, actor, workspaceId, 'slash commands');
    const bot = await tx.users.byId(body.bot_user_id.trim());
    if (!bot || bot.kind !== 'bot' || !(await tx.workspaces.role(workspaceId, bot.id))) {
      throw badRequest('bot_user_id must be a bot in this workspace');
    }
    if (await tx.slash.active(workspaceId, command))
      throw badRequest('slash command is already registered');
    const row: SlashRow = {
      id: newId('slashCommand'),
      workspace_id: workspaceId,
      app_installation_id: body.app_installation_id?.trim() || null,
      command,
      description: (body.description ?? '').trim(),
      callback_url: url,
      signing_secret: newSecret('ccs'),
      bot_user_id: bot.id,
      created_by: actor.user.id,
      created_at: nowIso(),
      revoked_at: null,
    };
    await tx.slash.insert(row);
    await tx.audit.record({
      workspaceId,
      actorUserId: actor.user.id,
      action: 'slash_command.created',
      targetType: 'slash_command',
      targetId: row.id,
      metadata: { command },
    });
    return presentSlash(row, { secret: true, settings: true });
  });
}

export async function listSlash(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
): Promise<SlashCommand[]> {
  assertHuman(actor, 'bot tokens cannot list slash commands');
  const settings = isManagerRole(await requireMember(deps.store.read, actor, workspaceId));
  return (await deps.store.read.slash.listActive(workspaceId)).map((r) =>
    presentSlash(r, { settings }),
  );
}

async function managed(tx: Repos, actor: Actor, id: string): Promise<SlashRow> {
  const row = await tx.slash.byId(id);
  if (!row || !(await tx.workspaces.role(row.workspace_id, actor.user.id)))
    throw notFound('slash command not found');
  await requireManager(tx, actor, row.workspace_id, 'slash commands');
  return row;
}

export async function revokeSlash(
  deps: ServiceDeps,
  actor: Actor,
  id: string,
): Promise<SlashCommand> {
  return deps.store.write(async (tx) => {
    const row = await managed(tx, actor, id);
    if (!row.revoked_at) {
      row.revoked_at = nowIso();
      await tx.slash.update(id, { revoked_at: row.revoked_at });
      await tx.audit.record({
        workspaceId: row.workspace_id,
        actorUserId: actor.user.id,
        action: 'slash_command.revoked',
        targetType: 'slash_command',
        targetId: id,
      });
    }
    return presentSlash(row, { settings: true });
  });
}

export async function rotateSlash(
  deps: ServiceDeps,
  actor: Actor,
  id: string,
): Promise<SlashCommand> {
  return deps.store.write(async (tx) => {
    const row = await managed(tx, actor, id);
    if (row.revoked_at) throw badRequest('slash command is revoked');
    row.signing_secret = newSecret('ccs');
    await tx.slash.update(id, { signing_secret: row.signing_secret });
    await tx.audit.record({
      workspaceId: row.workspace_id,
      actorUserId: actor.user.id,
      action: 'slash_command.secret_rotated',
      targetType: 'slash_command',
      targetId: id,
    });
    return presentSlash(row, { secret: true, settings: true });
  });
}

/**
 * Runs a command: a registered one calls its integration (signed, under the outbound
 * policy) and posts an `in_channel` answer as the command's bot; an unknown one is posted
 * as plain text by the caller (the legacy fallback).
 */
export async function invokeSlash(
  deps: ServiceDeps,
  actor: Actor,
  channelId: string,
  body: InvokeSlashBody,
): Promise<Outcome<InvokeSlashResponse>> {
  assertScope(actor, 'messages:write');
  const command = normalize(body.command ?? '');
  const text = (body.text ?? '').trim();
  if (command === '/' && text === '') throw badRequest('slash command text is required');
  const { channel } = await requireReadableChannel(deps.store.read, actor, channelId);
  // Checked before the callback fires: a blocked or timed-out member must not reach the
  // integration (nor have its bot post for them), not merely fail to post afterwards.
  await assertUnrestricted(deps.store.read, channel.workspace_id, actor.user.id);
  assertCanPost(channel);
  const registered =
    command === '/' ? undefined : await deps.store.read.slash.active(channel.workspace_id, command);
  if (!registered) {
    const res = await createChannelMessage(deps, actor, channel.id, {
      body: `${command === '/' ? '' : command} ${text}`.trim(),
    });
    const posted = res.response;
    // Only the fallback creates the caller's own message; a command's answer is not created.
    return {
      created: true,
      response: {
        response_type: 'in_channel',
        text: posted.message.body,
        message: posted.message,
        event: posted.event ?? null,
      },
    };
  }
  const invocationId = newId('slashInvocation');
  const payload = JSON.stringify({
    bot_user_id: registered.bot_user_id,
    channel_id: channel.id,
    command,
    command_id: registered.id,
    text,
    trigger_id: invocationId,
    user_id: actor.user.id,
    workspace_id: channel.workspace_id,
  });
  const at = nowIso();
  await deps.store.write((tx) =>
    tx.slash.insertInvocation({
      id: invocationId,
      command_id: registered.id,
      workspace_id: channel.workspace_id,
      channel_id: channel.id,
      user_id: actor.user.id,
      text,
      payload_json: payload,
      response_status: 0,
      response_body: '',
      error: '',
      created_at: at,
      completed_at: null,
    }),
  );
  let status = 0;
  let answer = '';
  let error = '';
  try {
    const res = await postCallback(
      registered.callback_url,
      payload,
      signedHeaders(registered.signing_secret, payload),
      deps.outbound,
    );
    status = res.status;
    answer = res.body;
    if (status < 200 || status >= 300) error = `callback answered ${status}`;
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  let parsed: { response_type?: unknown; text?: unknown } = {};
  if (!error) {
    try {
      parsed = JSON.parse(answer) as typeof parsed;
    } catch {
      error = 'callback answered with something other than JSON';
    }
  }
  await deps.store.write((tx) =>
    tx.slash.finishInvocation(invocationId, {
      response_status: status,
      response_body: answer.slice(0, 65_536),
      error,
      completed_at: nowIso(),
    }),
  );
  const invocation = {
    id: invocationId,
    command_id: registered.id,
    response_status: status,
    ...(error ? { error } : {}),
    created_at: at,
  };
  if (error) throw new DomainError('bad_gateway', `slash command failed: ${error}`);
  const responseType = parsed.response_type === 'ephemeral' ? 'ephemeral' : 'in_channel';
  const reply = typeof parsed.text === 'string' ? parsed.text.trim() : '';
  if (responseType === 'in_channel' && reply !== '') {
    const bot = await deps.store.read.users.byId(registered.bot_user_id);
    if (bot) {
      const posted = await createChannelMessage(
        deps,
        integrationActor(bot, registered.id, registered.workspace_id, ['messages:write']),
        channel.id,
        { body: reply },
      );
      return {
        created: false,
        response: {
          response_type: responseType,
          text: reply,
          message: posted.response.message,
          event: posted.response.event ?? null,
          invocation,
        },
      };
    }
  }
  return {
    created: false,
    response: { response_type: responseType, text: reply, message: null, event: null, invocation },
  };
}
