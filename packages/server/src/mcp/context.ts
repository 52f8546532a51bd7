import type { ClickClackClient } from '@clickclack/sdk';
import { resolveWorkspace } from '../cli/client/context.js';

/** What every tool and resource works with: one ClickClack API client, one caller. */
export interface McpContext {
  client: ClickClackClient;
  /** The workspace (id, slug or name) tools use when none is given; else the first visible. */
  workspace?: string;
  /**
   * Whether `upload_file` may read a local path. Only the stdio server, which runs as the
   * agent's own user, may: over HTTP it would read the server's disk.
   */
  allowFilePaths: boolean;
  /** Diagnostics; stdio servers must never write them to stdout. */
  log: (line: string) => void;
}

/** A mistake in a tool's arguments: reported to the agent as a tool error. */
export class ToolInputError extends Error {}

/** The workspace a tool acts in: the one given, else the default, else the first visible. */
export async function workspaceId(ctx: McpContext, given: string | undefined): Promise<string> {
  return given || (await resolveWorkspace(ctx)).id;
}
