import { Type, type Static } from 'typebox';
import { MagicLink, Session } from '../entities/auth.js';
import { Me, User } from '../entities/user.js';

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

export const OkResponse = Type.Object({ ok: Type.Boolean() });
export type OkResponse = Static<typeof OkResponse>;

export const MeResponse = Type.Object({ user: Me });
export type MeResponse = Static<typeof MeResponse>;

export const UpdateMeBody = Type.Object({
  display_name: Type.Optional(Type.String({ maxLength: 1000 })),
  handle: Type.Optional(Type.String({ maxLength: 100 })),
  avatar_url: Type.Optional(Type.String({ maxLength: 2000 })),
});
export type UpdateMeBody = Static<typeof UpdateMeBody>;

/** `PUT /api/me/status`: an empty emoji and text clear the status. */
export const SetStatusBody = Type.Object({
  emoji: Type.Optional(Type.String({ maxLength: 64 })),
  text: Type.Optional(Type.String({ maxLength: 1000 })),
  /** When it clears itself (in the future, within a year); absent or null: never. */
  expires_at: Type.Optional(Type.String({ maxLength: 40 })),
});
export type SetStatusBody = Static<typeof SetStatusBody>;
