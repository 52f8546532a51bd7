import type { Operation } from './operation.js';

/** Edits, deletes, reactions, pins, mentions, read state, thread follows. */
export const MESSAGING_OPERATIONS = {} satisfies Record<string, Operation>;
