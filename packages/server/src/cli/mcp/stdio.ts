import { ClickClackClient } from '@clickclack/sdk';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { who } from '../../mcp/render.js';
import { createMcpServer } from '../../mcp/server.js';
import type { ClientContext } from '../client/context.js';
import { nodeFetch } from '../client/node-fetch.js';
import { describeError } from '../log.js';

/** Longer than the longest long-poll `wait_for_events` asks the server for (30 s). */
const MCP_REQUEST_TIMEOUT_MS = 45_000;

const log = (line: string) => process.stderr.write(`clickclack mcp: ${line}\n`);

/**
 * `clickclack mcp`: the MCP server on stdin/stdout for the caller the client flags, env and
 * stored config name. stdout carries only the protocol; every diagnostic goes to stderr.
 * Runs until the host closes stdin (or signals it).
 */
export async function runStdioMcp(ctx: ClientContext, version: string): Promise<void> {
  const client = new ClickClackClient({
    baseUrl: ctx.server,
    token: ctx.token,
    userId: ctx.userId,
    timeoutMs: MCP_REQUEST_TIMEOUT_MS,
    fetch: nodeFetch,
  });
  const server = createMcpServer(
    { client, workspace: ctx.workspace, allowFilePaths: true, log },
    version,
  );
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
  });
  await server.connect(transport);
  const stop = () => void server.close();
  process.stdin.once('end', stop);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Said once, on stderr, so a misconfigured host shows why every tool fails.
  client.me().then(
    (me) => log(`serving ${ctx.server} as ${who(me)}`),
    (err: unknown) => log(`cannot reach ${ctx.server} yet: ${describeError(err)}`),
  );
  await closed;
  // Long polls still in flight must not keep a closed server's process alive.
  process.exit(process.exitCode ?? 0);
}
