import type { CreateWorkspaceBody, CreateWorkspaceResponse, Workspace } from '@clickclack/protocol';
import { nowIso } from '../../lib/clock.js';
import { newId, newRouteId } from '../../lib/ids.js';
import type { Actor } from '../actor.js';
import type { ServiceDeps } from '../context.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { assertHuman, assertScope, requireMember } from '../policies.js';
import { presentWorkspace } from '../present.js';
import { slugify } from '../validate.js';

export const RESERVED_SLUGS = new Set(['clickclack', 'guests']);

export async function listWorkspaces(deps: ServiceDeps, actor: Actor): Promise<Workspace[]> {
  assertScope(actor, 'workspaces:read');
  const rows = await deps.store.read.workspaces.listForUser(actor.user.id);
  return rows
    .filter((w) => actor.kind === 'human' || w.id === actor.workspaceId)
    .map((w) => presentWorkspace(w, w.role));
}

export async function getWorkspace(
  deps: ServiceDeps,
  actor: Actor,
  id: string,
): Promise<Workspace> {
  assertScope(actor, 'workspaces:read');
  const role = await requireMember(deps.store.read, actor, id);
  const ws = await deps.store.read.workspaces.byId(id);
  if (!ws) throw notFound('workspace not found');
  return presentWorkspace(ws, role);
}

export async function createWorkspace(
  deps: ServiceDeps,
  actor: Actor,
  body: CreateWorkspaceBody,
): Promise<CreateWorkspaceResponse> {
  assertHuman(actor, 'bot tokens cannot create workspaces');
  const name = body.name.trim() || 'Untitled';
  if (Buffer.byteLength(name) > 80) throw badRequest('workspace name is too long');
  const slug = slugify(body.slug?.trim() ? body.slug : name);
  if (slug === '') throw badRequest('workspace slug is required (use letters or digits)');
  if (RESERVED_SLUGS.has(slug)) throw badRequest('workspace slug is reserved');
  return deps.store.write(async (tx) => {
    if (await tx.workspaces.bySlug(slug)) throw conflict('workspace slug is already taken');
    const at = nowIso();
    const ws = {
      id: newId('workspace'),
      route_id: newRouteId('T'),
      name,
      slug,
      icon_url: '',
      created_at: at,
    };
    await tx.workspaces.insert(ws);
    await tx.workspaces.addMember({
      workspace_id: ws.id,
      user_id: actor.user.id,
      role: 'owner',
      created_at: at,
    });
    const event = await tx.events.append({
      type: 'workspace.created',
      workspace_id: ws.id,
      payload: { workspace_id: ws.id, created_by: actor.user.id },
    });
    return { workspace: presentWorkspace(ws, 'owner'), event };
  });
}
