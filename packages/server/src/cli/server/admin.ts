import type { Command } from 'commander';
import { createBot } from '../../services/bots/bots.js';
import { createMagicLink } from '../../services/auth/auth.js';
import { ensureBootstrap, insertHuman } from '../../services/account/users.js';
import { mintInvite } from '../../services/invites/invites.js';
import { durationSeconds } from '../duration.js';
import { INVITE_MAX_TTL_SECONDS } from '@clickclack/protocol';
import { nowIso } from '../../lib/clock.js';
import { canonicalPublicUrl, inviteLinkUrl, magicLinkUrl } from '../../lib/public-url.js';
import type { ServiceDeps } from '../../services/context.js';
import type { Actor } from '../../services/actor.js';
import { DomainError } from '../../services/errors.js';
import { joinGeneral } from '../../services/channels/channels.js';
import { addMember } from '../../services/members/members.js';
import { deactivateUser, reactivateUser } from '../../services/members/deactivation.js';
import { CliError } from '../log.js';
import { withDeps, type DbFlags } from './open.js';
import { registerEventsPrune } from './prune.js';
import { registerSetPassword } from './set-password.js';

const dbOptions = (cmd: Command): Command =>
  cmd
    .option('--data <dir>', 'data directory (env CLICKCLACK_DATA, default ./data)')
    .option('--db <url>', 'database URL (env CLICKCLACK_DB)');

const required = (value: string | undefined, flag: string): string => {
  const v = (value ?? '').trim();
  if (v === '') throw new CliError(`${flag} is required`);
  return v;
};

const out = (line: string) => process.stdout.write(`${line}\n`);

interface MemberAddFlags {
  workspace?: string;
  createdBy?: string;
  email?: string;
  user?: string;
  role: string;
}

/**
 * `admin member add`: the HTTP add-member rules (services/members/members.ts), acted out by
 * `--created-by`, except that a user who already belongs is reported, not refused.
 */
async function addMemberDirectly(deps: ServiceDeps, opts: MemberAddFlags) {
  const workspaceId = required(opts.workspace, '--workspace');
  const adderId = required(opts.createdBy, '--created-by');
  const role = opts.role.trim();
  if (role !== 'member' && role !== 'moderator')
    throw new CliError(`invalid --role "${opts.role}": want member or moderator`);
  const email = (opts.email ?? '').trim().toLowerCase();
  const userId = (opts.user ?? '').trim();
  if ((email === '') === (userId === ''))
    throw new CliError('give exactly one of --email or --user');
  const db = deps.store.read;
  const adder = await db.users.byId(adderId);
  if (!adder) throw new CliError(`--created-by ${adderId} not found`);
  const user = email ? await db.users.byEmail(email) : await db.users.byId(userId);
  if (!user || user.deleted_at) throw new CliError(`user ${email || userId} not found`);
  const actor: Actor = { kind: 'human', user: adder, via: 'dev' };
  try {
    await addMember(deps, actor, workspaceId, { user_id: user.id, role });
    return { workspaceId, userId: user.id, role, status: 'added' };
  } catch (err) {
    // Refused only after the adder's rights were checked, so it tells nobody else.
    const existing = await db.workspaces.role(workspaceId, user.id);
    if (!(err instanceof DomainError && err.code === 'conflict') || !existing) throw err;
    return { workspaceId, userId: user.id, role: existing, status: 'already_member' };
  }
}

/**
 * Who creates a bot when `--created-by` is not given: the seed's examples omit it. A
 * user-owned bot is created by its owner (the only one allowed to); a service bot by the
 * workspace's owner, as `invite create` acts as the first user.
 */
async function botCreator(
  deps: ServiceDeps,
  workspaceId: string,
  createdBy: string | undefined,
  owner: string | undefined,
): Promise<string> {
  const explicit = createdBy?.trim() || owner;
  if (explicit) return explicit;
  const db = deps.store.read;
  if (!(await db.workspaces.byId(workspaceId)))
    throw new CliError(`workspace "${workspaceId}" not found`);
  const first = await db.workspaces.firstOwner(workspaceId);
  if (!first) throw new CliError(`workspace "${workspaceId}" has no owner; pass --created-by`);
  return first;
}

export function registerAdmin(program: Command): void {
  const admin = program
    .command('admin')
    .description('administer users, invites, bots and events directly on the database')
    .argument('[subcommand]')
    .action((sub?: string) => {
      throw new CliError(sub ? `unknown admin subcommand "${sub}"` : 'admin requires a subcommand');
    });

  dbOptions(
    admin
      .command('bootstrap')
      .description('create the first user and the default workspace (idempotent)'),
  )
    .option('--name <name>', 'display name', 'Owner')
    .option('--email <email>', 'email', '')
    .action(async (opts: DbFlags & { name: string; email: string }) => {
      const user = await withDeps(
        opts,
        (deps) => ensureBootstrap(deps, { displayName: opts.name, email: opts.email }),
        {
          dataDirs: true,
        },
      );
      out(user.id);
    });

  const user = admin.command('user').description('manage users');
  dbOptions(user.command('create').description('create a human user'))
    .option('--name <name>', 'display name', 'Local User')
    .option('--email <email>', 'email', '')
    .option('--workspace <id>', 'also add the user to this workspace as a member')
    .action(async (opts: DbFlags & { name: string; email: string; workspace?: string }) => {
      const created = await withDeps(opts, (deps) =>
        deps.store.write(async (tx) => {
          const row = await insertHuman(tx, {
            displayName: opts.name,
            email: opts.email,
            provider: 'local',
          });
          const ws = opts.workspace?.trim();
          if (ws) {
            if (!(await tx.workspaces.byId(ws))) throw new CliError(`workspace "${ws}" not found`);
            const at = nowIso();
            await tx.workspaces.addMember({
              workspace_id: ws,
              user_id: row.id,
              role: 'member',
              created_at: at,
            });
            await joinGeneral(tx, ws, row.id, 'member', at);
            await tx.events.append({
              type: 'member.joined',
              workspace_id: ws,
              payload: { workspace_id: ws, user_id: row.id, role: 'member' },
            });
          }
          return row;
        }),
      );
      out(created.id);
    });

  registerSetPassword(user, dbOptions);

  dbOptions(
    user
      .command('deactivate')
      .description('sign a human out everywhere and refuse their sign-ins (messages are kept)')
      .argument('<user>', 'user id (usr_…) or email'),
  ).action(async (who: string, opts: DbFlags) => {
    const res = await withDeps(opts, (deps) => deactivateUser(deps, who));
    out(
      `user=${res.user.id} deactivated_at=${res.user.deactivated_at ?? ''} sessions_revoked=${res.sessionsRevoked}`,
    );
  });
  dbOptions(
    user
      .command('reactivate')
      .description('let a deactivated human sign in again')
      .argument('<user>', 'user id (usr_…) or email'),
  ).action(async (who: string, opts: DbFlags) => {
    const row = await withDeps(opts, (deps) => reactivateUser(deps, who));
    out(`user=${row.id} reactivated`);
  });

  const member = admin.command('member').description('manage workspace members');
  dbOptions(
    member
      .command('add')
      .description('add an existing user to a workspace (existing memberships stay as they are)'),
  )
    .option('--workspace <id>', 'workspace id')
    .option('--created-by <user-id>', 'the owner or moderator adding them')
    .option('--email <email>', 'the user, by email')
    .option('--user <user-id>', 'the user, by id')
    .option('--role <role>', 'member or moderator', 'member')
    .action(async (opts: DbFlags & MemberAddFlags) => {
      const res = await withDeps(opts, (deps) => addMemberDirectly(deps, opts));
      out(`workspace=${res.workspaceId} user=${res.userId} role=${res.role} status=${res.status}`);
    });

  const invite = admin.command('invite').description('manage invites');
  dbOptions(
    invite
      .command('create')
      .description('mint an invite link token (acts as the oldest user, who must be a member)'),
  )
    .option('--workspace <id>', 'workspace id')
    .option('--uses <n>', 'how many people may join through it (default 1; 0: no limit)')
    .option('--expires-in <duration>', 'e.g. 30m, 12h, 7d (default 7d, at most 90d)')
    .option('--public-url <url>', 'also print the invite link (env CLICKCLACK_PUBLIC_URL)')
    .action(
      async (
        opts: DbFlags & {
          workspace?: string;
          uses?: string;
          expiresIn?: string;
          publicUrl?: string;
        },
      ) => {
        const workspaceId = required(opts.workspace, '--workspace');
        const publicUrl = canonicalPublicUrl(
          opts.publicUrl ?? process.env.CLICKCLACK_PUBLIC_URL ?? '',
        );
        if (opts.uses !== undefined && !/^\d+$/.test(opts.uses)) {
          throw new CliError(`--uses must be a whole number, not "${opts.uses}"`);
        }
        const expires = opts.expiresIn ? durationSeconds(opts.expiresIn) : undefined;
        if (expires !== undefined && (expires < 60 || expires > INVITE_MAX_TTL_SECONDS)) {
          throw new CliError('--expires-in must be between 1m and 90d');
        }
        const res = await withDeps(opts, async (deps) => {
          const oldest = await deps.store.read.users.oldest();
          if (!oldest)
            throw new CliError('no users exist yet; run `clickclack admin bootstrap` first');
          return mintInvite(deps, {
            workspaceId,
            createdBy: oldest.id,
            ...(opts.uses !== undefined ? { max_uses: Number(opts.uses) } : {}),
            ...(expires !== undefined ? { expires_in_seconds: expires } : {}),
          });
        });
        out(res.token);
        if (publicUrl)
          process.stderr.write(`invite link: ${inviteLinkUrl(publicUrl, res.token)}\n`);
      },
    );

  const bot = admin.command('bot').description('manage bots');
  dbOptions(bot.command('create').description('create a bot user and mint its first token'))
    .option('--workspace <id>', 'workspace id')
    .option(
      '--created-by <user-id>',
      'the human creating the bot (default: --owner, else the workspace owner)',
    )
    .option('--name <name>', 'bot display name')
    .option('--owner <user-id>', 'make it a user-owned bot of this user')
    .option('--handle <handle>', 'bot handle')
    .option('--avatar-url <url>', 'avatar URL')
    .option('--token-name <name>', 'token name', 'default')
    .option('--scopes <scopes>', 'comma-separated scopes or bundles', 'bot:write')
    .option('--plain', 'print only the ccb_ token')
    .option('--json', 'print JSON (the default)')
    .action(
      async (
        opts: DbFlags & {
          workspace?: string;
          createdBy?: string;
          name?: string;
          owner?: string;
          handle?: string;
          avatarUrl?: string;
          tokenName: string;
          scopes: string;
          plain?: boolean;
          json?: boolean;
        },
      ) => {
        // Checked before the database is opened (or created).
        const workspaceId = required(opts.workspace, '--workspace');
        const name = required(opts.name, '--name');
        const owner = opts.owner?.trim() || undefined;
        const res = await withDeps(opts, async (deps) =>
          createBot(deps, {
            workspaceId,
            createdBy: await botCreator(deps, workspaceId, opts.createdBy, owner),
            displayName: name,
            ownerUserId: owner,
            handle: opts.handle,
            avatarUrl: opts.avatarUrl,
            tokenName: opts.tokenName,
            scopes: opts.scopes,
          }),
        );
        out(
          opts.plain && !opts.json
            ? res.token
            : JSON.stringify({ bot: res.bot, bot_token: res.bot_token, token: res.token }),
        );
      },
    );

  const magic = admin.command('magic-link').description('sign-in links');
  dbOptions(magic.command('create').description('mint a 15-minute, single-use magic-link token'))
    .option('--email <email>', 'email of the user to sign in (created on first use)', '')
    .option('--name <name>', 'display name for a new user', '')
    .option('--public-url <url>', 'also print the sign-in link (env CLICKCLACK_PUBLIC_URL)')
    .action(async (opts: DbFlags & { email: string; name: string; publicUrl?: string }) => {
      let publicUrl: string;
      try {
        publicUrl = canonicalPublicUrl(opts.publicUrl ?? process.env.CLICKCLACK_PUBLIC_URL ?? '');
      } catch (err) {
        throw new CliError((err as Error).message);
      }
      const res = await withDeps(opts, (deps) =>
        createMagicLink(deps, { email: opts.email, displayName: opts.name }),
      );
      out(res.token);
      // stdout stays the bare token (scripts capture it); the link is for the human.
      if (publicUrl) process.stderr.write(`sign-in link: ${magicLinkUrl(publicUrl, res.token)}\n`);
    });

  registerEventsPrune(admin, dbOptions);
}
