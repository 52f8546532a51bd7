import type {
  AuthMethodsResponse,
  ChangePasswordBody,
  EmailNotificationSettings,
  EmailNotificationSettingsResponse,
  MagicRequestAccepted,
  SessionInfo,
  SessionListResponse,
  UpdateEmailNotificationSettingsBody,
  MagicConsumeResponse,
  MagicRequestBody,
  MagicRequestResponse,
  Me,
  MeResponse,
  OkResponse,
  PasswordLoginBody,
  SetStatusBody,
  UpdateMeBody,
} from '@clickclack/protocol';
import { op, type Http } from '../http.js';

/** A new session: the server always includes its token in `session` (the original's type). */
export type SignInResponse = MagicConsumeResponse & { session: { token: string } };

export class AuthResource {
  constructor(private readonly http: Http) {}

  /** Dev bootstrap on a loopback client only: mints a magic-link token. */
  requestMagicLink(input: MagicRequestBody): Promise<MagicRequestResponse> {
    return this.http.call(op('magicRequest'), { body: input });
  }

  /**
   * On a server with SMTP (`serve --smtp-url`): emails a sign-in link and code to `email`.
   * The answer is `{ok: true}` whether or not the address has an account.
   */
  requestSignInEmail(email: string, displayName?: string): Promise<MagicRequestAccepted> {
    const body: MagicRequestBody = { email };
    if (displayName !== undefined) body.display_name = displayName;
    return this.http.call(op('magicRequest'), { body });
  }

  /** Exchanges the code of a sign-in email, with its address, for a session it then uses. */
  async consumeSignInCode(email: string, code: string): Promise<SignInResponse> {
    const res = await this.http.call<SignInResponse>(op('magicConsume'), {
      body: { email, code },
    });
    this.http.token = res.token;
    return res;
  }

  /** The caller's live sessions; `current` marks the one this client uses. */
  async sessions(): Promise<SessionInfo[]> {
    return (await this.http.call<SessionListResponse>(op('listSessions'))).sessions;
  }

  /** Signs one of the caller's sessions out (its sockets close). */
  revokeSession(sessionId: string): Promise<OkResponse> {
    return this.http.call(op('revokeSessionById', { session_id: sessionId }));
  }

  /** Email when away: on or off, and how long a message waits unread first. */
  async emailNotifications(): Promise<EmailNotificationSettings> {
    const res = await this.http.call<EmailNotificationSettingsResponse>(
      op('getEmailNotifications'),
    );
    return res.email_notifications;
  }

  async updateEmailNotifications(
    patch: UpdateEmailNotificationSettingsBody,
  ): Promise<EmailNotificationSettings> {
    const res = await this.http.call<EmailNotificationSettingsResponse>(
      op('updateEmailNotifications'),
      { body: patch },
    );
    return res.email_notifications;
  }

  /** Exchanges a magic-link token for a session; the client then uses that session. */
  async consumeMagicLink(token: string): Promise<SignInResponse> {
    const res = await this.http.call<SignInResponse>(op('magicConsume'), {
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
    const res = await this.http.call<SignInResponse>(op('passwordLogin'), {
      body,
    });
    this.http.token = res.token;
    return res;
  }

  /** Changes the caller's password; the server signs out their other sessions. */
  changePassword(body: ChangePasswordBody): Promise<OkResponse> {
    return this.http.call(op('changePassword'), { body });
  }

  /** Which sign-in methods the server offers (`password`: `serve --password-auth`). */
  methods(): Promise<AuthMethodsResponse> {
    return this.http.call(op('authMethods'));
  }

  async logout(): Promise<OkResponse> {
    return this.http.call(op('logout'), { body: {} });
  }

  setToken(token: string | undefined): void {
    this.http.token = token;
  }

  async me(): Promise<Me> {
    return (await this.http.call<MeResponse>(op('getMe'))).user;
  }

  async updateMe(patch: UpdateMeBody): Promise<Me> {
    return (await this.http.call<MeResponse>(op('updateMe'), { body: patch })).user;
  }

  /** Sets the caller's status; `expires_at` (ISO time) makes it clear itself. */
  async setStatus(status: SetStatusBody): Promise<Me> {
    return (await this.http.request<MeResponse>('PUT', '/api/me/status', { body: status })).user;
  }

  clearStatus(): Promise<Me> {
    return this.setStatus({ emoji: '', text: '' });
  }
}
