import { Type, type Static } from 'typebox';

/** The answer of a write that has nothing else to say (sign-out, closing a DM, attaching). */
export const OkResponse = Type.Object({ ok: Type.Boolean() });
export type OkResponse = Static<typeof OkResponse>;
