import type {
  AuthMethodsResponse,
  ChangePasswordBody,
  MagicConsumeResponse,
  MagicRequestBody,
  MagicRequestResponse,
  Me,
  MeResponse,
  OkResponse,
  PasswordLoginBody,
  UpdateMeBody,
} from '@clickclack/protocol';
import type { Http } from '../http.js';

/** A new session: the server always includes its token in `session` (the original's type). */
export type SignInResponse = MagicConsumeResponse & { session: { token: string } };

export class AuthResource {
  constructor(private readonly http: Http) {}

  /** Dev bootstrap on a loopback client only: mints a magic-link token. */
  requestMagicLink(input: MagicRequestBody): Promise<MagicRequestResponse> {
    return this.http.request('POST', '/api/auth/magic/request', { body: input });
  }

  /** Exchanges a magic-link token for a session; the client then uses that session. */
  async consumeMagicLink(token: string): Promise<SignInResponse> {
    const res = await this.http.request<SignInResponse>('POST', '/api/auth/magic/consume', {
      body: { token },
    });
    this.http.token = res.token;
    return res;
  }

  /**
   * Signs in with an email or handle and a password (servers run with `--password-auth`);
   * the client then uses that session. Same response as `consumeMagicLink`.
   */
  async passwordLogin(body: PasswordLoginBody): Promise<SignInResponse> {
    const res = await this.http.request<SignInResponse>('POST', '/api/auth/password/login', {
      body,
    });
    this.http.token = res.token;
    return res;
  }

  /** Changes the caller's password; the server signs out their other sessions. */
  changePassword(body: ChangePasswordBody): Promise<OkResponse> {
    return this.http.request('POST', '/api/auth/password/change', { body });
  }

  /** Which sign-in methods the server offers (`password`: `serve --password-auth`). */
  methods(): Promise<AuthMethodsResponse> {
    return this.http.request('GET', '/api/auth/methods');
  }

  async logout(): Promise<OkResponse> {
    return this.http.request('POST', '/api/auth/logout', { body: {} });
  }

  setToken(token: string | undefined): void {
    this.http.token = token;
  }

  async me(): Promise<Me> {
    return (await this.http.request<MeResponse>('GET', '/api/me')).user;
  }

  async updateMe(patch: UpdateMeBody): Promise<Me> {
    return (await this.http.request<MeResponse>('PATCH', '/api/me', { body: patch })).user;
  }
}
