import type { Operation } from './operation.js';

/** DMs, channel management and workspace member management. */
export const CONVERSATION_OPERATIONS = {} satisfies Record<string, Operation>;
