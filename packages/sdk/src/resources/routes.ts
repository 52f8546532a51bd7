import type { RouteResponse, RouteTarget } from '@clickclack/protocol';
import { seg, type Http } from '../http.js';

/** Public route ids of app URLs (`/app/T…/C…`): `resolve` says what they name. */
export class RoutesResource {
  constructor(private readonly http: Http) {}

  async resolve(workspaceRouteId: string, targetRouteId: string): Promise<RouteTarget> {
    return (
      await this.http.request<RouteResponse>(
        'GET',
        `/api/routes/${seg(workspaceRouteId)}/${seg(targetRouteId)}`,
      )
    ).route;
  }
}
