import type { RouteResponse, RouteTarget } from '@clickclack/protocol';
import { type Http, op } from '../http.js';

/** Public route ids of app URLs (`/app/T…/C…`): `resolve` says what they name. */
export class RoutesResource {
  constructor(private readonly http: Http) {}

  async resolve(workspaceRouteId: string, targetRouteId: string): Promise<RouteTarget> {
    return (
      await this.http.call<RouteResponse>(
        op('resolveRoute', {
          workspace_route_id: workspaceRouteId,
          target_route_id: targetRouteId,
        }),
      )
    ).route;
  }
}
