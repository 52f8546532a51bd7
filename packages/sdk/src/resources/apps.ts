import type {
  AppInstallation,
  AppInstallationListResponse,
  AppInstallationResponse,
  InstallAppBody,
  RevokeAppBody,
  RevokeAppResponse,
} from '@clickclack/protocol';
import { seg, type Http } from '../http.js';

/** App installations (spec names: list, install, revoke). */
export class AppsResource {
  constructor(private readonly http: Http) {}

  async list(workspaceId: string): Promise<AppInstallation[]> {
    const path = `/api/workspaces/${seg(workspaceId)}/app-installations`;
    return (await this.http.request<AppInstallationListResponse>('GET', path)).app_installations;
  }

  /** With `setup_nonce` a retry returns the first installation, never a second one. */
  async install(workspaceId: string, input: InstallAppBody): Promise<AppInstallation> {
    const path = `/api/workspaces/${seg(workspaceId)}/app-installations`;
    return (await this.http.request<AppInstallationResponse>('POST', path, { body: input }))
      .app_installation;
  }

  revoke(id: string, options: RevokeAppBody = {}): Promise<RevokeAppResponse> {
    return this.http.request('POST', `/api/app-installations/${seg(id)}/revoke`, { body: options });
  }
}
