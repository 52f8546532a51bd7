import type { JoinDomainsBody, JoinWorkspaceResponse, Workspace } from '@clickclack/protocol';
import { nowIso } from '../../lib/clock.js';
import type { Actor } from '../actor.js';
import type { ServiceDeps } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import { admitMember } from './invites.js';
import { assertHuman, requireManager } from '../policies.js';
import { presentWorkspace } from '../present.js';

/**
 * Self-join by email domain: a workspace lists domains, and a signed-in person whose address
 * is at one of them joins without an invite. Addresses are trusted because nobody sets their
 * own: an admin gives one, a magic link proves it, or the OpenID provider verified it.
 */

const DOMAIN_RE = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/;

/** The lower-case domain of an address; '' when it has none. */
export function emailDomain(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0 ? '' : email.slice(at + 1).toLowerCase();
}

export async function getJoinDomains(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
): Promise<string[]> {
  await requireManager(deps.store.read, actor, workspaceId, 'join domains');
  return deps.store.read.auth.joinDomains(workspaceId);
}

/** Trimmed, lower-cased, a leading `@` dropped, duplicates once; a bad one is a 400. */
export async function setJoinDomains(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
  body: JoinDomainsBody,
): Promise<string[]> {
  const domains = [
    ...new Set(body.domains.map((d) => d.trim().toLowerCase().replace(/^@/, ''))),
  ].sort();
  for (const d of domains) {
    if (!DOMAIN_RE.test(d)) throw badRequest(`"${d}" is not an email domain`);
  }
  await requireManager(deps.store.read, actor, workspaceId, 'join domains');
  await deps.store.write((tx) => tx.auth.setJoinDomains(workspaceId, domains, nowIso()));
  return domains;
}

export async function listJoinableWorkspaces(
  deps: ServiceDeps,
  actor: Actor,
): Promise<Workspace[]> {
  assertHuman(actor, 'bot tokens cannot join workspaces');
  const domain = emailDomain(actor.user.email);
  if (!domain) return [];
  const rows = await deps.store.read.auth.joinableWorkspaces(domain, actor.user.id);
  return rows.map((w) => presentWorkspace(w));
}

/**
 * Joins a workspace that lets the caller's domain in. One that does not is the same 404 as
 * one that does not exist: a workspace's existence is not told to outsiders.
 */
export async function joinByDomain(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
): Promise<JoinWorkspaceResponse> {
  assertHuman(actor, 'bot tokens cannot join workspaces');
  const user = actor.user;
  return deps.store.write(async (tx) => {
    const ws = await tx.workspaces.byId(workspaceId);
    if (!ws) throw notFound('workspace not found');
    const role = await tx.workspaces.role(ws.id, user.id);
    if (role) return { workspace: presentWorkspace(ws, role) };
    const domain = emailDomain(user.email);
    if (!domain || !(await tx.auth.joinDomains(ws.id)).includes(domain)) {
      throw notFound('workspace not found');
    }
    const event = await admitMember(tx, ws.id, user.id, nowIso());
    return { workspace: presentWorkspace(ws, 'member'), event };
  });
}
