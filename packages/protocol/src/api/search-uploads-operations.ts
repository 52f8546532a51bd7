import { ok, type Operation } from './operation.js';
import * as S from './search.js';

/** Search and uploads. */
export const SEARCH_UPLOAD_OPERATIONS = {
  search: {
    method: 'GET',
    path: '/api/search',
    summary: 'Full-text search over messages you can read',
    auth: true,
    query: S.SearchQuery,
    responses: ok(200, S.SearchResponse),
  },
} satisfies Record<string, Operation>;
