import type {
  AppInstallation,
  AppInstallationListResponse,
  AppInstallationResponse,
  InstallAppBody,
  RevokeAppBody,
  RevokeAppResponse,
} from '@clickclack/protocol';
import { type Http, op } from '../http.js';

/** App installations (spec names: list, install, revoke). */
export class AppsResource {
  constructor(private readonly http: Http) {}

  async list(workspaceId: string): Promise<AppInstallation[]> {
    return (
      await this.http.call<AppInstallationListResponse>(
        op('listApps', { workspace_id: workspaceId }),
      )
    ).app_installations;
  }

  /** With `setup_nonce` a retry returns the first installation, never a second one. */
  async install(workspaceId: string, input: InstallAppBody): Promise<AppInstallation> {
    return (
      await this.http.call<AppInstallationResponse>(
        op('installApp', { workspace_id: workspaceId }),
        { body: input },
      )
    ).app_installation;
  }

  revoke(id: string, options: RevokeAppBody = {}): Promise<RevokeAppResponse> {
    return this.http.call(op('revokeApp', { installation_id: id }), { body: options });
  }
}
