import type { Operation } from './operation.js';

/** Search and uploads. */
export const SEARCH_UPLOAD_OPERATIONS = {} satisfies Record<string, Operation>;
