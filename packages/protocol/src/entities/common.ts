import { Type } from 'typebox';

/** RFC 3339 UTC timestamp string. */
export const Timestamp = Type.String({ format: 'date-time' });
export const Id = (prefix: string) => Type.String({ pattern: `^${prefix}_[0-9a-z]+$` });
