import { Type } from 'typebox';
import { ErrorBody } from '../errors.js';
import { ok, type Operation } from './operation.js';
import { WorkspaceParams } from './params.js';

/** Path parameters of the upstream routes this server answers 501 (see UNSUPPORTED_OPERATIONS). */
export const ConnectedAccountParams = Type.Object({ account_id: Type.String({ maxLength: 100 }) });

/** Upstream routes outside this server's scope: kept here so they show in OpenAPI, 501. */
const unsupported = (method: Operation['method'], path: string, auth: boolean, what: string) => ({
  method,
  path,
  summary: `Not supported by this server (${what}): always 501`,
  auth,
  ...(path.includes(':workspace_id') ? { params: WorkspaceParams } : {}),
  ...(path.includes(':account_id') ? { params: ConnectedAccountParams } : {}),
  responses: ok(501, ErrorBody),
});

/** Upstream's topics, connected accounts and GitHub sign-in: no feature of this server. */
export const UNSUPPORTED_OPERATIONS = {
  listTopics: unsupported('GET', '/api/workspaces/:workspace_id/topics', true, 'topics'),
  createTopic: unsupported('POST', '/api/workspaces/:workspace_id/topics', true, 'topics'),
  listConnectedAccounts: unsupported(
    'GET',
    '/api/workspaces/:workspace_id/connected-accounts',
    true,
    'connected accounts',
  ),
  createConnectedAccount: unsupported(
    'POST',
    '/api/workspaces/:workspace_id/connected-accounts',
    true,
    'connected accounts',
  ),
  revokeConnectedAccount: unsupported(
    'POST',
    '/api/connected-accounts/:account_id/revoke',
    true,
    'connected accounts',
  ),
  startGitHubOAuth: unsupported('GET', '/api/auth/github/start', false, 'GitHub sign-in'),
  finishGitHubOAuth: unsupported('GET', '/api/auth/github/callback', false, 'GitHub sign-in'),
  startDesktopGitHubOAuth: unsupported(
    'GET',
    '/api/auth/github/desktop/start',
    false,
    'GitHub sign-in',
  ),
  consumeDesktopGitHubOAuth: unsupported(
    'POST',
    '/api/auth/github/desktop/consume',
    false,
    'GitHub sign-in',
  ),
} satisfies Record<string, Operation>;

/** The upstream feature each of `UNSUPPORTED_OPERATIONS` belongs to (the 501's message). */
export const UNSUPPORTED_FEATURES = {
  listTopics: 'topics',
  createTopic: 'topics',
  listConnectedAccounts: 'connected accounts',
  createConnectedAccount: 'connected accounts',
  revokeConnectedAccount: 'connected accounts',
  startGitHubOAuth: 'GitHub sign-in',
  finishGitHubOAuth: 'GitHub sign-in',
  startDesktopGitHubOAuth: 'GitHub sign-in',
  consumeDesktopGitHubOAuth: 'GitHub sign-in',
} as const satisfies Record<keyof typeof UNSUPPORTED_OPERATIONS, string>;
