import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import type { Executor } from '../executor.js';
import type { UsersTable } from '../schema.js';
import { inList, prepared } from '../prepared.js';
import { patchById } from '../patch.js';

export type UserRow = Selectable<UsersTable>;

/** What every new user starts with, whoever creates it: not deleted or deactivated, no status. */
const NEW_USER_DEFAULTS = {
  deleted_at: null,
  former_handle: null,
  deleted_by: null,
  deactivated_at: null,
  status_emoji: '',
  status_text: '',
  status_expires_at: null,
} as const;

/** A new user row from what its creator decides (sign-up, bots, webhooks, imports). */
export const newUserRow = (u: Omit<UserRow, keyof typeof NEW_USER_DEFAULTS>): UserRow => ({
  ...u,
  ...NEW_USER_DEFAULTS,
});

const userById = prepared<{ id: string }, UserRow>((db, p) =>
  db.selectFrom('users').selectAll().where('id', '=', p.id),
);
const usersByIds = prepared<{ ids: readonly string[] }, UserRow>((db, p) =>
  db
    .selectFrom('users')
    .selectAll()
    .where(inList(db, 'id', p.ids)),
);

export class UsersRepo {
  constructor(private readonly db: Executor) {}

  async byId(id: string): Promise<UserRow | undefined> {
    return (await userById(this.db, { id })).rows[0];
  }

  async byIds(ids: readonly string[]): Promise<UserRow[]> {
    if (ids.length === 0) return [];
    return (await usersByIds(this.db, { ids: [...new Set(ids)] })).rows;
  }

  byEmail(email: string): Promise<UserRow | undefined> {
    return this.byUniqueText('email', email);
  }

  byHandle(handle: string): Promise<UserRow | undefined> {
    return this.byUniqueText('handle', handle);
  }

  /**
   * `<> ''` as in the partial unique indexes on these columns: without it the lookup cannot
   * use its index (the planner cannot tell a bound value is not '') and scanned every user.
   */
  private byUniqueText(column: 'email' | 'handle', value: string): Promise<UserRow | undefined> {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where(column, '=', value)
      .where(column, '<>', sql.lit(''))
      .executeTakeFirst();
  }

  oldest(): Promise<UserRow | undefined> {
    return this.db
      .selectFrom('users')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
  }

  async insert(row: Insertable<UsersTable>): Promise<void> {
    await this.db.insertInto('users').values(row).execute();
  }

  async update(id: string, patch: Updateable<UsersTable>): Promise<void> {
    await patchById(this.db, 'users', id, patch);
  }

  async insertIdentity(row: {
    id: string;
    user_id: string;
    provider: string;
    provider_subject: string;
    email: string;
    created_at: string;
  }): Promise<void> {
    await this.db
      .insertInto('identities')
      .values(row)
      .onConflict((oc) => oc.columns(['provider', 'provider_subject']).doNothing())
      .execute();
  }
}
