import { Type, type Static } from 'typebox';
import { Timestamp } from '../entities/common.js';

/** Read pointers, which channels and DMs move alike. */

export const ReadBody = Type.Object({ seq: Type.Integer({ minimum: 0 }) });
export type ReadBody = Static<typeof ReadBody>;

/** Mark unread from a message: the one at `seq` and everything after it become unread. */
export const UnreadBody = Type.Object({ seq: Type.Integer({ minimum: 1 }) });
export type UnreadBody = Static<typeof UnreadBody>;

export const Receipt = Type.Object({
  scope_id: Type.String(),
  user_id: Type.String(),
  last_read_seq: Type.Integer(),
  last_read_at: Timestamp,
  mention_count: Type.Integer(),
});
export const ReceiptResponse = Type.Object({ receipt: Receipt });
export type ReceiptResponse = Static<typeof ReceiptResponse>;
