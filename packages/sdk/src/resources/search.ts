import type { SearchQuery, SearchResponse } from '@clickclack/protocol';
import type { Http } from '../http.js';

export class SearchResource {
  constructor(private readonly http: Http) {}

  /** Full-text search; pass `next_cursor` back as `cursor` for the next page. */
  messages(query: SearchQuery): Promise<SearchResponse> {
    return this.http.request('GET', '/api/search', { query: { ...query } });
  }
}
