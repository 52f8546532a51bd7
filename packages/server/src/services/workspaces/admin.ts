import type {
  Event,
  TransferOwnershipBody,
  UpdateWorkspaceBody,
  WorkspaceDeletionCounts,
  WorkspaceDeletionPreview,
  WorkspaceEventResponse,
} from '@clickclack/protocol';
import { nowIso } from '../../lib/clock.js';
import type { WorkspaceRow } from '../../store/repos/workspaces.js';
import type { Repos } from '../../store/store.js';
import type { Actor } from '../actor.js';
import type { ServiceDeps } from '../context.js';
import { badRequest, conflict, forbidden } from '../errors.js';
import {
  assertHuman,
  assertScope,
  requireManager,
  requireMember,
  restrictionOf,
} from '../policies.js';
import { presentWorkspace } from '../present.js';
import { RESERVED_SLUGS } from './workspaces.js';
import { requireVisibleUpload } from '../uploads/uploads.js';
import { slugify } from '../validate.js';

const OWNER_REQUIRED = 'workspace owner permission required';

/** A workspace icon is an image uploaded to that workspace, named by its download path. */
async function iconUrl(tx: Repos, actor: Actor, ws: WorkspaceRow, raw: string): Promise<string> {
  const url = raw.trim();
  if (url === '') return '';
  const id = /^\/api\/uploads\/([A-Za-z0-9_]+)$/.exec(url)?.[1];
  if (!id) throw badRequest('icon_url must be empty or /api/uploads/<upload_id>');
  const upload = await requireVisibleUpload(tx, actor, id).catch(() => undefined);
  if (!upload || upload.workspace_id !== ws.id)
    throw badRequest('icon_url must name an upload of this workspace you can see');
  if (!upload.content_type.toLowerCase().startsWith('image/'))
    throw badRequest('icon_url must name an image');
  return url;
}

/**
 * Renames a workspace, changes its slug or icon (owners and moderators). Only the fields
 * that change are written; a request that changes nothing writes nothing and has no event.
 */
export async function updateWorkspace(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
  body: UpdateWorkspaceBody,
): Promise<WorkspaceEventResponse> {
  assertHuman(actor, 'bot tokens cannot update workspaces');
  const { name: rawName, slug: rawSlug, icon_url: rawIcon } = body;
  if (rawName == null && rawSlug == null && rawIcon == null)
    throw badRequest('workspace update requires at least one field');
  const name = rawName == null ? undefined : rawName.trim();
  if (name === '') throw badRequest('workspace name is required');
  if (name !== undefined && Buffer.byteLength(name) > 80)
    throw badRequest('workspace name is too long');
  const slug = rawSlug == null ? undefined : slugify(rawSlug);
  if (slug === '') throw badRequest('workspace slug is required');
  return deps.store.write(async (tx) => {
    const role = await requireManager(tx, actor, workspaceId, 'workspaces');
    const ws = (await tx.workspaces.byId(workspaceId)) as WorkspaceRow;
    const patch: Partial<Pick<WorkspaceRow, 'name' | 'slug' | 'icon_url'>> = {};
    if (name !== undefined && name !== ws.name) patch.name = name;
    // Only a change is checked: a provisioned workspace may resubmit its reserved slug.
    if (slug !== undefined && slug !== ws.slug) {
      if (RESERVED_SLUGS.has(slug)) throw badRequest('workspace slug is reserved');
      if (await tx.workspaces.bySlug(slug)) throw conflict('workspace slug is already taken');
      patch.slug = slug;
    }
    if (rawIcon != null) {
      const icon = await iconUrl(tx, actor, ws, rawIcon);
      if (icon !== ws.icon_url) patch.icon_url = icon;
    }
    const updated = { ...ws, ...patch };
    if (Object.keys(patch).length === 0) return { workspace: presentWorkspace(updated, role) };
    await tx.workspaces.update(workspaceId, patch);
    await tx.audit.record({
      workspaceId,
      actorUserId: actor.user.id,
      action: 'workspace.updated',
      targetType: 'workspace',
      targetId: workspaceId,
      metadata: patch,
    });
    const event = await tx.events.append({
      type: 'workspace.updated',
      workspace_id: workspaceId,
      payload: { workspace_id: workspaceId, ...patch, by: actor.user.id },
    });
    return { workspace: presentWorkspace(updated, role), event };
  });
}

/** Hands the workspace to another human member; the owner stays on as a moderator. */
export async function transferOwnership(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
  body: TransferOwnershipBody,
): Promise<WorkspaceEventResponse> {
  assertHuman(actor, 'bot tokens cannot transfer workspace ownership');
  const target = body.user_id.trim();
  if (target === '' || target === actor.user.id)
    throw badRequest('new owner must be another workspace member');
  return deps.store.write(async (tx) => {
    if ((await requireMember(tx, actor, workspaceId)) !== 'owner') throw forbidden(OWNER_REQUIRED);
    const targetRole = await tx.workspaces.role(workspaceId, target);
    if (!targetRole) throw badRequest('new owner must be a workspace member');
    if (targetRole === 'bot' || targetRole === 'guest')
      throw badRequest('new owner must be a human member or moderator');
    // Owners cannot be moderated, so a restriction carried into ownership could never be lifted.
    const why = restrictionOf(await tx.moderation.restriction(workspaceId, target));
    if (why) throw badRequest(`new owner is under a moderation restriction: ${why}`);
    await tx.workspaces.setRole(workspaceId, actor.user.id, 'moderator', 'owner');
    await tx.workspaces.setRole(workspaceId, target, 'owner');
    await tx.audit.record({
      workspaceId,
      actorUserId: actor.user.id,
      action: 'workspace.ownership_transferred',
      targetType: 'workspace',
      targetId: workspaceId,
      metadata: { new_owner_user_id: target },
    });
    const event = await tx.events.append({
      type: 'workspace.ownership_transferred',
      workspace_id: workspaceId,
      payload: {
        workspace_id: workspaceId,
        new_owner_user_id: target,
        previous_owner_user_id: actor.user.id,
      },
    });
    const ws = (await tx.workspaces.byId(workspaceId)) as WorkspaceRow;
    return { workspace: presentWorkspace(ws, 'moderator'), event };
  });
}

async function inspect(tx: Repos, actor: Actor, workspaceId: string) {
  const role = await requireMember(tx, actor, workspaceId);
  const ws = (await tx.workspaces.byId(workspaceId)) as WorkspaceRow;
  const content = await tx.workspaces.content(workspaceId);
  const counts: WorkspaceDeletionCounts = {
    members: content.members,
    channels: content.channels,
    messages: content.messages,
    files: content.uploads.length,
  };
  const blocker =
    actor.kind === 'bot'
      ? 'bots cannot delete workspaces'
      : role !== 'owner'
        ? OWNER_REQUIRED
        : undefined;
  return { ws, role, counts, uploads: content.uploads, blocker };
}

/** What deleting a workspace would remove, and why the caller could not, for a confirmation. */
export async function previewWorkspaceDeletion(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
): Promise<WorkspaceDeletionPreview> {
  assertScope(actor, 'workspaces:read');
  const { ws, role, counts, blocker } = await inspect(deps.store.read, actor, workspaceId);
  return { workspace: presentWorkspace(ws, role), counts, blocker: blocker ?? null };
}

/**
 * Permanently deletes a workspace: its channels, DMs, messages, events, bots' tokens,
 * integrations and files. Service bots that belonged to it alone are retired (their handle
 * is freed). Its event log goes with it, so `workspace.deleted` is never stored: it is
 * sent to the sockets of everyone who was a member, which then close.
 */
export async function deleteWorkspace(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
): Promise<void> {
  const res = await deps.store.write(async (tx) => {
    const found = await inspect(tx, actor, workspaceId);
    if (found.blocker) throw forbidden(found.blocker);
    const members = await tx.workspaces.memberIds(workspaceId);
    const at = nowIso();
    const retired: string[] = [];
    for (const bot of await tx.bots.botsIn(workspaceId)) {
      if (bot.owner_user_id !== null || bot.deleted_at) continue;
      if ((await tx.bots.workspacesOf(bot.id)).length > 1) continue;
      retired.push(...(await tx.bots.retire(bot, actor.user.id, at)));
    }
    // Its events go too, perhaps the newest: new cursors must still land above them.
    await tx.events.keepFrontier();
    await tx.workspaces.delete(workspaceId);
    return { ...found, members, retired };
  });
  const event: Event = {
    id: '',
    cursor: '',
    type: 'workspace.deleted',
    workspace_id: workspaceId,
    created_at: new Date().toISOString(),
    payload: {
      workspace_id: workspaceId,
      name: res.ws.name,
      slug: res.ws.slug,
      by: actor.user.id,
      ...res.counts,
    },
  };
  deps.realtime.publishEphemeral(workspaceId, JSON.stringify(event), new Set(res.members));
  for (const userId of res.members) deps.realtime.dropUser(workspaceId, userId);
  for (const token of res.retired) deps.realtime.revokeCredential(token);
  // After the commit: a blob store is no part of the transaction.
  const blobs = deps.uploads?.blobs;
  if (blobs) for (const u of res.uploads) await blobs.delete(u.storage_path);
}
