import {
  expandScopes,
  type BotSetupCode,
  type ClaimSetupCodeResponse,
  type CreateSetupCodeBody,
  type SetupContract,
} from '@clickclack/protocol';
import { isoPlus, nowIso } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { canonicalSetupCode, hashSecret, newSetupCode } from '../../lib/tokens.js';
import type { BotSetupCodeRow } from '../../store/repos/bots.js';
import type { Actor } from '../actor.js';
import { requireTokenManager } from './admin.js';
import { insertBotToken } from './bots.js';
import type { ServiceDeps } from '../context.js';
import { DomainError, notFound } from '../errors.js';
import { presentUser, presentWorkspace } from '../present.js';
import { jsonObject } from '../validate.js';

/** A code is good for a day: long enough to hand to an agent, short enough to be guessed never. */
export const SETUP_CODE_TTL_MS = 24 * 60 * 60 * 1000;
/** Claims per client IP per minute (spec §2.6). */
export const SETUP_CODE_CLAIMS_PER_MINUTE = 10;
const DEFAULTS_MAX_KIB = 4;
/**
 * Unknown, expired, already claimed, or its bot gone: one answer, so a guesser learns nothing
 * about which codes exist.
 */
const NOT_FOUND = 'setup code not found';

/** Where OpenClaw claims: it takes this URL with `#CODE` appended (the "exact endpoint"). */
export const SETUP_CODE_CLAIM_PATH = '/api/bot-setup-codes/claim';

/**
 * Contract v1 (spec §2.6): the canonical API base, when the server knows its address. An
 * agent given the exact claim URL refuses a claim answer without it (a "legacy response"),
 * after the code is spent, so both answers carry it whenever the claim URL is handed out.
 */
function setupContract(apiBaseUrl: string): SetupContract {
  return apiBaseUrl ? { contract_version: 1, api_base_url: apiBaseUrl } : {};
}

function presentSetupCode(row: BotSetupCodeRow, code?: string): BotSetupCode {
  return {
    id: row.id,
    bot_user_id: row.bot_user_id,
    workspace_id: row.workspace_id,
    name: row.name,
    scopes: JSON.parse(row.scopes_json) as string[],
    defaults: JSON.parse(row.defaults_json) as Record<string, unknown>,
    ...(row.created_by ? { created_by: row.created_by } : {}),
    created_at: row.created_at,
    expires_at: row.expires_at,
    claimed_at: row.claimed_at,
    ...(code ? { code } : {}),
  };
}

/**
 * `POST /api/workspaces/{id}/bots/{bot}/setup-codes`: whoever may mint the bot a token may
 * issue a code for one instead. The raw code is in this answer only; the row keeps its hash.
 */
export async function createSetupCode(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
  botId: string,
  body: CreateSetupCodeBody,
  apiBaseUrl = '',
): Promise<BotSetupCode> {
  const scopes = expandScopes(body.scopes);
  const defaults = jsonObject(body.defaults, 'defaults', DEFAULTS_MAX_KIB);
  const code = newSetupCode();
  return deps.store.write(async (tx) => {
    const bot = await requireTokenManager(tx, actor, workspaceId, botId);
    // One clock reading, so a code lives exactly its lifetime.
    const now = new Date();
    const row: BotSetupCodeRow = {
      id: newId('botSetupCode'),
      code_hash: hashSecret(canonicalSetupCode(code)),
      bot_user_id: bot.id,
      workspace_id: workspaceId,
      name: (body.name ?? '').trim(),
      scopes_json: JSON.stringify(scopes),
      defaults_json: defaults,
      created_by: actor.user.id,
      created_at: now.toISOString(),
      expires_at: isoPlus(SETUP_CODE_TTL_MS, now),
      claimed_at: null,
      claimed_token_id: null,
    };
    await tx.bots.insertSetupCode(row);
    await tx.audit.record({
      workspaceId,
      actorUserId: actor.user.id,
      action: 'bot_setup_code.created',
      targetType: 'bot_setup_code',
      targetId: row.id,
      metadata: { bot_user_id: bot.id, scopes, expires_at: row.expires_at },
    });
    return {
      ...presentSetupCode(row, code),
      ...setupContract(apiBaseUrl),
      ...(apiBaseUrl ? { claim_url: apiBaseUrl + SETUP_CODE_CLAIM_PATH } : {}),
    };
  });
}

/**
 * `POST /api/bot-setup-codes/claim` (no caller): trades a live code for a fresh `ccb_` token
 * named and scoped as the code says. The token is minted and the code marked claimed in one
 * transaction, so a code yields at most one token. Every attempt counts against the client
 * IP, the good ones too.
 */
export async function claimSetupCode(
  deps: ServiceDeps,
  typed: string,
  clientIp: string,
  apiBaseUrl = '',
): Promise<ClaimSetupCodeResponse> {
  const wait = deps.setupCodeClaims.take(clientIp);
  if (wait > 0)
    throw new DomainError('rate_limited', 'too many setup code attempts; try again later', {
      'Retry-After': String(wait),
    });
  const canonical = canonicalSetupCode(typed);
  if (canonical === '') throw notFound(NOT_FOUND);
  // Found by the hash's unique index: no secret is compared in this process.
  const hash = hashSecret(canonical);
  return deps.store.write(async (tx) => {
    const at = nowIso();
    const code = await tx.bots.setupCodeByHash(hash);
    if (!code || code.claimed_at || at >= code.expires_at) throw notFound(NOT_FOUND);
    const bot = await tx.users.byId(code.bot_user_id);
    const workspace = await tx.workspaces.byId(code.workspace_id);
    if (
      !bot ||
      bot.kind !== 'bot' ||
      bot.deleted_at ||
      !workspace ||
      !(await tx.workspaces.role(workspace.id, bot.id))
    )
      throw notFound(NOT_FOUND);
    const { row: token, raw } = await insertBotToken(tx, bot, workspace.id, {
      name: code.name,
      scopes: JSON.parse(code.scopes_json) as string[],
      createdBy: code.created_by,
    });
    // Conditional on still unclaimed: a racing claim that lost rolls its token back with it.
    if (!(await tx.bots.claimSetupCode(code.id, at, token.id))) throw notFound(NOT_FOUND);
    await tx.audit.record({
      workspaceId: workspace.id,
      actorUserId: bot.id,
      action: 'bot_setup_code.claimed',
      targetType: 'bot_setup_code',
      targetId: code.id,
      metadata: { bot_user_id: bot.id, token_id: token.id },
    });
    return {
      token: raw,
      bot: presentUser(bot),
      workspace: presentWorkspace(workspace, 'bot'),
      defaults: JSON.parse(code.defaults_json) as Record<string, unknown>,
      ...setupContract(apiBaseUrl),
    };
  });
}
