export {
  BIN,
  cleanEnv,
  cliOk,
  configHome,
  runCli,
  startServer,
  type CliResult,
  type RunningServer,
} from '../../packages/server/test/processes.js';
import type { RunningServer } from '../../packages/server/test/processes.js';
import { cliOk } from '../../packages/server/test/processes.js';

/** POST/GET JSON against a running server. */
export async function http<T = Record<string, unknown>>(
  url: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(url + path, {
    method,
    headers: {
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

/** Mints a magic-link token (`mgt_…`) with the admin CLI. */
export function magicToken(srv: RunningServer, email: string, name = ''): Promise<string> {
  return cliOk([
    'admin',
    'magic-link',
    'create',
    '--data',
    srv.dataDir,
    '--email',
    email,
    '--name',
    name,
  ]);
}

/** Mints a magic link with the admin CLI and signs in over HTTP; returns the session token. */
export async function sessionFor(srv: RunningServer, email: string, name = ''): Promise<string> {
  const magic = await magicToken(srv, email, name);
  const res = await http<{ token: string }>(srv.url, 'POST', '/api/auth/magic/consume', {
    body: { token: magic },
  });
  if (res.status !== 200) throw new Error(`consume failed: ${JSON.stringify(res.body)}`);
  return res.body.token;
}

/** Adds the user of `token` to a workspace through an invite the admin CLI mints. */
export async function joinWorkspace(
  srv: RunningServer,
  token: string,
  workspaceId: string,
): Promise<void> {
  const invite = await cliOk([
    'admin',
    'invite',
    'create',
    '--data',
    srv.dataDir,
    '--workspace',
    workspaceId,
  ]);
  const res = await http(srv.url, 'POST', `/api/invites/${invite}/accept`, { token });
  if (res.status !== 200) throw new Error(`invite accept failed: ${JSON.stringify(res.body)}`);
}
