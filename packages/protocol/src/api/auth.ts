import { Type, type Static } from 'typebox';
import { MagicLink, Session, SessionInfo } from '../entities/auth.js';
import { User } from '../entities/user.js';
import { OkResponse } from './ok-response.js';
import { ok, type Operation } from './operation.js';

export const MagicRequestBody = Type.Object({
  email: Type.String({ maxLength: 320 }),
  display_name: Type.Optional(Type.String({ maxLength: 200 })),
});
export type MagicRequestBody = Static<typeof MagicRequestBody>;

export const MagicRequestResponse = Type.Object({ magic_link: MagicLink, token: Type.String() });
export type MagicRequestResponse = Static<typeof MagicRequestResponse>;

/** A server with SMTP (`serve --smtp-url`) mails the link and answers only this, for any address. */
export const MagicRequestAccepted = Type.Object({ ok: Type.Boolean() });
export type MagicRequestAccepted = Static<typeof MagicRequestAccepted>;

/** The link's token, or the address with the code that was mailed to it. */
export const MagicConsumeBody = Type.Object({
  token: Type.Optional(Type.String({ maxLength: 200 })),
  email: Type.Optional(Type.String({ maxLength: 320 })),
  code: Type.Optional(Type.String({ maxLength: 40 })),
});
export type MagicConsumeBody = Static<typeof MagicConsumeBody>;

export const MagicConsumeResponse = Type.Object({
  user: User,
  session: Session,
  token: Type.String(),
});
export type MagicConsumeResponse = Static<typeof MagicConsumeResponse>;

// Passwords are capped at 256 code points by the server, with a clear message; the schema
// caps only the bytes a request may make it hash.
export const PasswordLoginBody = Type.Object({
  identifier: Type.String({ maxLength: 320 }),
  password: Type.String({ maxLength: 1024 }),
});
export type PasswordLoginBody = Static<typeof PasswordLoginBody>;

export const ChangePasswordBody = Type.Object({
  current_password: Type.String({ maxLength: 1024 }),
  new_password: Type.String({ maxLength: 1024 }),
});
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

/** Which sign-in methods this server offers, for a login page to show the right forms. */
export const AuthMethodsResponse = Type.Object({
  password: Type.Boolean(),
  /** Single sign-on (`serve --oidc-issuer`): the button's label and where it starts. */
  oidc: Type.Optional(Type.Object({ name: Type.String(), start_url: Type.String() })),
  /** Sign-in links by email (`serve --smtp-url`). */
  email: Type.Optional(Type.Boolean()),
});
export type AuthMethodsResponse = Static<typeof AuthMethodsResponse>;

export const SessionParams = Type.Object({ session_id: Type.String({ maxLength: 100 }) });
export type SessionParams = Static<typeof SessionParams>;

export const SessionListResponse = Type.Object({ sessions: Type.Array(SessionInfo) });
export type SessionListResponse = Static<typeof SessionListResponse>;

/** `invite`: the token of the invite link the sign-in came through (joins its workspace). */
export const OidcStartQuery = Type.Object({
  invite: Type.Optional(Type.String({ maxLength: 200 })),
});
export type OidcStartQuery = Static<typeof OidcStartQuery>;

const redirect = { 302: Type.Null({ description: 'a redirect (Location)' }) };

/** Signing in and out (magic link, password, single sign-on) and the caller's sessions. */
export const AUTH_OPERATIONS = {
  magicRequest: {
    method: 'POST',
    path: '/api/auth/magic/request',
    summary:
      'Email a sign-in link and code (serve --smtp-url; 202 for any address), else mint one (dev bootstrap, loopback only)',
    auth: false,
    body: MagicRequestBody,
    responses: { 201: MagicRequestResponse, 202: MagicRequestAccepted },
  },
  magicConsume: {
    method: 'POST',
    path: '/api/auth/magic/consume',
    summary: 'Exchange a magic link, or an email and its mailed code, for a session',
    auth: false,
    body: MagicConsumeBody,
    responses: ok(200, MagicConsumeResponse),
  },
  passwordLogin: {
    method: 'POST',
    path: '/api/auth/password/login',
    summary: 'Exchange an email or handle and a password for a session (serve --password-auth)',
    auth: false,
    body: PasswordLoginBody,
    responses: ok(200, MagicConsumeResponse),
  },
  changePassword: {
    method: 'POST',
    path: '/api/auth/password/change',
    summary: "Change the caller's password; signs out their other sessions",
    auth: true,
    body: ChangePasswordBody,
    responses: ok(200, OkResponse),
  },
  authMethods: {
    method: 'GET',
    path: '/api/auth/methods',
    summary: 'Sign-in methods this server offers',
    auth: false,
    responses: ok(200, AuthMethodsResponse),
  },
  logout: {
    method: 'POST',
    path: '/api/auth/logout',
    summary: 'Revoke the current session',
    auth: false,
    responses: ok(200, OkResponse),
  },
  listSessions: {
    method: 'GET',
    path: '/api/auth/sessions',
    summary: "The caller's live sessions (device, created, last seen)",
    auth: true,
    responses: ok(200, SessionListResponse),
  },
  revokeSessionById: {
    method: 'DELETE',
    path: '/api/auth/sessions/:session_id',
    summary: "Sign one of the caller's sessions out (its sockets close)",
    auth: true,
    params: SessionParams,
    responses: ok(200, OkResponse),
  },
  oidcStart: {
    method: 'GET',
    path: '/api/auth/oidc/start',
    summary: 'Sign in with the OpenID provider (serve --oidc-issuer): redirects there',
    auth: false,
    query: OidcStartQuery,
    responses: redirect,
  },
  oidcCallback: {
    method: 'GET',
    path: '/api/auth/oidc/callback',
    summary: "The OpenID provider's redirect back: opens a session, then redirects to the app",
    auth: false,
    responses: redirect,
  },
} satisfies Record<string, Operation>;
