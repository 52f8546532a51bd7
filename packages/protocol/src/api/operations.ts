import { ACCOUNT_OPERATIONS } from './account-operations.js';
import { COMPAT_OPERATIONS } from './compat-operations.js';
import { CONVERSATION_OPERATIONS } from './conversations-operations.js';
import { CORE_OPERATIONS } from './core-operations.js';
import { INTEGRATION_OPERATIONS } from './integrations-operations.js';
import { JOIN_OPERATIONS } from './join-operations.js';
import { MESSAGING_OPERATIONS } from './messaging-operations.js';
import { SEARCH_UPLOAD_OPERATIONS } from './search-uploads-operations.js';

export type { HttpMethod, Operation } from './operation.js';

/**
 * THE route table of the HTTP API: the server registers these and OpenAPI is built from
 * them. Each area keeps its operations in its own file.
 */
export const OPERATIONS = {
  ...CORE_OPERATIONS,
  ...MESSAGING_OPERATIONS,
  ...CONVERSATION_OPERATIONS,
  ...SEARCH_UPLOAD_OPERATIONS,
  ...INTEGRATION_OPERATIONS,
  ...COMPAT_OPERATIONS,
  ...JOIN_OPERATIONS,
  ...ACCOUNT_OPERATIONS,
};

export type OperationId = keyof typeof OPERATIONS;
