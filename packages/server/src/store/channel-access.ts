import type { ExpressionBuilder } from 'kysely';
import type { ChannelsTable, DB } from './schema.js';

/**
 * The SQL form of a channel being open to `userId` by its kind (services/policies.ts states
 * the rule): public, or private with them in it. The query must name the channel `c`.
 */
export function channelOpenTo(
  eb: ExpressionBuilder<DB & { c: ChannelsTable }, 'c'>,
  userId: string,
) {
  return eb.or([
    eb('c.kind', '=', 'public'),
    eb.exists(
      eb
        .selectFrom('channel_members as cm')
        .select('cm.user_id')
        .whereRef('cm.channel_id', '=', 'c.id')
        .where('cm.user_id', '=', userId),
    ),
  ]);
}
