import { ClickClackError, isClickClackError } from '@clickclack/sdk';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import { Value } from 'typebox/value';
import { describeError } from '../cli/log.js';
import { ToolInputError, type McpContext } from './context.js';
import { listResources, readResource, RESOURCE_TEMPLATES, Subscriptions } from './resources.js';
import { buildTools } from './tools.js';

const INSTRUCTIONS = `ClickClack team chat. Find conversations with list_channels, list_dms and list_unread; read them with read_channel, read_dm and read_thread; write with post_message and reply_in_thread.
To follow a conversation without missing or repeating anything, call wait_for_events in a loop, passing each call's next_cursor as the next after_cursor.`;

/** MCP's error code for a resource that does not exist (spec: server/resources). */
const RESOURCE_NOT_FOUND = -32002;

/** The plain JSON Schema of a TypeBox schema (it already is one; this drops nothing). */
const jsonSchema = (schema: object) => JSON.parse(JSON.stringify(schema)) as Record<string, never>;

/**
 * One MCP server for one caller. Built on the SDK's low-level `Server` so the tools'
 * input and output schemas are the protocol package's JSON Schemas as they are. The
 * transport (stdio, or a Streamable HTTP session) is connected by the caller.
 */
export function createMcpServer(ctx: McpContext, version: string): Server {
  const server = new Server(
    { name: 'clickclack', title: 'ClickClack', version },
    {
      capabilities: { tools: {}, resources: { subscribe: true } },
      instructions: INSTRUCTIONS,
    },
  );
  const tools = new Map(buildTools(ctx).map((t) => [t.name, t]));
  const listed = [...tools.values()].map((t) => ({
    name: t.name,
    title: t.title,
    description: t.description,
    inputSchema: jsonSchema(t.input),
    outputSchema: jsonSchema(t.output),
    annotations: { title: t.title, ...t.annotations },
  }));

  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: listed }));
  server.setRequestHandler(CallToolRequestSchema, async (req): Promise<CallToolResult> => {
    const t = tools.get(req.params.name);
    if (!t) throw new McpError(ErrorCode.InvalidParams, `unknown tool: ${req.params.name}`);
    const args = req.params.arguments ?? {};
    // Argument mistakes and server refusals are the agent's to see and fix: tool errors.
    try {
      if (!Value.Check(t.input, args)) {
        const problems = [...Value.Errors(t.input, args)]
          .slice(0, 5)
          .map((e) => `${e.instancePath || '/'} ${e.message}`);
        throw new ToolInputError(`invalid arguments: ${problems.join('; ')}`);
      }
      const { structured, text } = await t.run(args as never);
      return {
        content: [{ type: 'text', text }],
        structuredContent: structured as Record<string, unknown>,
      };
    } catch (err) {
      // A server refusal is the agent's business; anything else is worth an operator's look.
      if (!(err instanceof ToolInputError) && !(err instanceof ClickClackError))
        ctx.log(`tool ${t.name}: ${describeError(err)}`);
      return { isError: true, content: [{ type: 'text', text: describeError(err) }] };
    }
  });

  const subscriptions = new Subscriptions(ctx, (uri) => server.sendResourceUpdated({ uri }));
  // Resource failures are JSON-RPC errors with the server's message; an unknown URI or one
  // the caller cannot see is MCP's "resource not found".
  const asMcpError = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      const missing = err instanceof ToolInputError || isClickClackError(err, 404);
      throw new McpError(
        missing ? RESOURCE_NOT_FOUND : ErrorCode.InvalidParams,
        describeError(err),
      );
    }
  };
  server.setRequestHandler(ListResourcesRequestSchema, async () =>
    asMcpError(async () => ({ resources: await listResources(ctx) })),
  );
  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
    resourceTemplates: RESOURCE_TEMPLATES,
  }));
  server.setRequestHandler(ReadResourceRequestSchema, async (req) =>
    asMcpError(async () => ({ contents: [await readResource(ctx, req.params.uri)] })),
  );
  server.setRequestHandler(SubscribeRequestSchema, async (req) =>
    asMcpError(async () => {
      await subscriptions.subscribe(req.params.uri);
      return {};
    }),
  );
  server.setRequestHandler(UnsubscribeRequestSchema, async (req) => {
    subscriptions.unsubscribe(req.params.uri);
    return {};
  });
  server.onclose = () => subscriptions.close();
  return server;
}
