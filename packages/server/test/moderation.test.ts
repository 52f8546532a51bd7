import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event, MemberModeration } from '@clickclack/protocol';
import {
  PNG,
  api,
  signIn,
  startTestServer,
  team,
  uploadFile,
  type TestServer,
  type SignedIn,
} from './helpers.js';
import { createBot } from '../src/services/bots/bots.js';

let srv: TestServer;
let owner: SignedIn, mod: SignedIn, alice: SignedIn, bob: SignedIn;
let wid: string;
let general: string;

before(async () => {
  srv = await startTestServer();
  const t = await team(srv, [
    ['mod@x.io', 'Mona Mod'],
    ['alice@x.io', 'alice'],
    ['bob@x.io', 'Bob'],
  ]);
  [owner, wid, general] = [t.owner, t.workspaceId, t.generalId];
  [mod, alice, bob] = t.members as [SignedIn, SignedIn, SignedIn];
  const made = await api(srv, 'PATCH', `/api/workspaces/${wid}/members/${mod.userId}`, {
    token: owner.token,
    body: { role: 'moderator' },
  });
  assert.equal(made.status, 200);
});
after(() => srv.close());

const moderate = (by: SignedIn, target: SignedIn, body: Record<string, unknown>) =>
  api<{ member: MemberModeration; event: Event & { cursor: string }; error?: string }>(
    srv,
    'PATCH',
    `/api/workspaces/${wid}/moderation/members/${target.userId}`,
    { token: by.token, body },
  );
const roster = (by: SignedIn) =>
  api<{ members: MemberModeration[]; error?: string }>(
    srv,
    'GET',
    `/api/workspaces/${wid}/moderation/members`,
    { token: by.token },
  );
const post = (by: SignedIn, body: string) =>
  api<{ message: { id: string }; error?: string }>(
    srv,
    'POST',
    `/api/channels/${general}/messages`,
    { token: by.token, body: { body } },
  );

/** Every write the spec names for a restricted member, each answering with its status. */
async function writes(by: SignedIn, messageId: string): Promise<Record<string, number>> {
  const req = async (method: string, path: string, body: unknown = {}) =>
    (await api(srv, method, path, { token: by.token, body })).status;
  return {
    send: (await post(by, 'still here')).status,
    reply: await req('POST', `/api/messages/${messageId}/thread/replies`, { body: 'me too' }),
    edit: await req('PATCH', `/api/messages/${messageId}`, { body: 'edited' }),
    react: await req('POST', `/api/messages/${messageId}/reactions`, { emoji: '👍' }),
    pin: await req('POST', `/api/channels/${general}/pins`, { message_id: messageId }),
    upload: (await uploadFile(srv, by.token, PNG, 'a.png', 'image/png', `?workspace_id=${wid}`))
      .status,
    channel: await req('POST', `/api/workspaces/${wid}/channels`, { name: `c-${Date.now()}` }),
    dm: await req('POST', '/api/dms', { workspace_id: wid, member_ids: [owner.userId] }),
    delete: await req('DELETE', `/api/messages/${messageId}`),
  };
}

test('the roster lists every member with their moderation state, for owners and moderators only', async () => {
  const seen = await roster(mod);
  assert.equal(seen.status, 200);
  assert.deepEqual(
    seen.body.members.map((m) => [m.role, m.user.id]),
    [
      ['owner', owner.userId],
      ['moderator', mod.userId],
      // Members by display name, whatever its case.
      ['member', alice.userId],
      ['member', bob.userId],
    ],
  );
  const first = seen.body.members[2]!;
  assert.deepEqual(Object.keys(first).sort(), [
    'post_limit',
    'posts_remaining',
    'role',
    'user',
    'workspace_id',
  ]);
  for (const who of [alice, bob]) {
    const refused = await roster(who);
    assert.equal(refused.status, 403);
    assert.match(refused.body.error ?? '', /^moderation restriction/);
  }
});

test('a blocked member reads but writes nothing; unblocked, they write again', async () => {
  const own = await post(alice, 'before the block');
  assert.equal(own.status, 201);
  const blocked = await moderate(mod, alice, { blocked: true, moderation_note: '  spam  ' });
  assert.equal(blocked.status, 200, JSON.stringify(blocked.body));
  assert.equal(blocked.body.member.role, 'member');
  assert.ok(blocked.body.member.blocked_at);
  assert.equal(blocked.body.member.moderation_note, 'spam');
  assert.equal(blocked.body.member.moderation_by, mod.userId);
  assert.equal(blocked.body.event.type, 'member.moderation_updated');
  assert.deepEqual(blocked.body.event.payload, { user_id: alice.userId, role: 'member' });

  const refused = await writes(alice, own.body.message.id);
  for (const [what, status] of Object.entries(refused)) assert.equal(status, 403, what);
  const why = await post(alice, 'let me in');
  assert.equal(why.body.error, 'moderation restriction: member is blocked');
  const read = await api(srv, 'GET', `/api/channels/${general}/messages`, { token: alice.token });
  assert.equal(read.status, 200, 'reads keep working');
  const still = await api<{ message: { body: string; deleted_at?: string } }>(
    srv,
    'GET',
    `/api/messages/${own.body.message.id}`,
    { token: alice.token },
  );
  assert.equal(still.body.message.body, 'before the block', 'nothing was changed');
  assert.equal(still.body.message.deleted_at, undefined);

  const listed = (await roster(owner)).body.members.find((m) => m.user.id === alice.userId)!;
  assert.equal(listed.blocked_at, blocked.body.member.blocked_at);
  assert.equal(listed.moderation_note, 'spam');

  const unblocked = await moderate(mod, alice, { blocked: false });
  assert.equal(unblocked.status, 200);
  assert.equal(unblocked.body.member.blocked_at, undefined);
  assert.equal(unblocked.body.member.moderation_note, 'spam', 'an absent note stays');
  const again = await post(alice, 'back again');
  assert.equal(again.status, 201);
  const allowed = await writes(alice, again.body.message.id);
  for (const [what, status] of Object.entries(allowed))
    assert.ok(status < 300, `${what}: ${status}`);
});

test('a timeout ends on its own, names its end, and can be cleared early', async () => {
  const timed = await moderate(owner, bob, { timeout_minutes: 10 });
  assert.equal(timed.status, 200);
  const until = timed.body.member.timeout_until!;
  const minutes = (Date.parse(until) - Date.now()) / 60_000;
  assert.ok(minutes > 9 && minutes <= 10, until);
  const refused = await post(bob, 'hello?');
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error, `moderation restriction: member is timed out until ${until}`);

  const cleared = await moderate(owner, bob, { clear_timeout: true });
  assert.equal(cleared.body.member.timeout_until, undefined);
  assert.equal((await post(bob, 'free')).status, 201);

  const past = new Date(Date.now() - 60_000).toISOString().replace('Z', '+00:00');
  const over = await moderate(owner, bob, { timeout_until: past });
  assert.equal(over.status, 200);
  assert.equal(over.body.member.timeout_until, new Date(Date.parse(past)).toISOString());
  assert.equal((await post(bob, 'a timeout in the past restricts nothing')).status, 201);
  const bad = await moderate(owner, bob, { timeout_until: 'tomorrow' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error, 'timeout_until must be an RFC 3339 timestamp');
});

test('rank rules: nobody moderates themselves, the owner, or anyone not below them', async () => {
  const cases: [SignedIn, SignedIn, Record<string, unknown>, number, string][] = [
    [mod, mod, { blocked: true }, 400, 'moderators cannot moderate themselves'],
    [mod, owner, { blocked: true }, 400, 'owners cannot be moderated'],
    [mod, alice, { role: 'moderator' }, 400, 'role is too high for this moderator'],
    [mod, alice, { role: 'owner' }, 400, 'owner role cannot be assigned here'],
    [mod, alice, { role: 'admin' }, 400, 'invalid workspace role "admin"'],
    [alice, bob, { blocked: true }, 403, 'moderation restriction: not a moderator'],
  ];
  const outsider = await signIn(srv, 'outsider@x.io', 'Outsider');
  cases.push([owner, outsider, { blocked: true }, 400, 'target is not a member of this workspace']);
  for (const [by, target, body, status, error] of cases) {
    const res = await moderate(by, target, body);
    assert.deepEqual([res.status, res.body.error], [status, error], JSON.stringify(body));
  }
  const promoted = await moderate(owner, bob, { role: 'moderator' });
  assert.equal(promoted.body.member.role, 'moderator');
  const peer = await moderate(mod, bob, { blocked: true });
  assert.deepEqual(
    [peer.status, peer.body.error],
    [400, 'target role is too high for this moderator'],
  );
  const demoted = await moderate(owner, bob, { role: 'member' });
  assert.equal(demoted.body.member.role, 'member');
  const directory = await api<{ members: { user: { id: string }; role: string }[] }>(
    srv,
    'GET',
    `/api/workspaces/${wid}/members`,
    { token: alice.token },
  );
  assert.equal(directory.body.members.find((m) => m.user.id === bob.userId)?.role, 'member');
});

test('a blocked moderator moderates nobody; the event reaches the target and active managers only', async () => {
  const blockedMod = await moderate(owner, mod, { blocked: true });
  assert.equal(blockedMod.status, 200);
  const refused = await moderate(mod, alice, { blocked: true });
  assert.deepEqual(
    [refused.status, refused.body.error],
    [403, 'moderation restriction: member is blocked'],
  );
  assert.equal((await roster(mod)).status, 403);
  const bot = await createBot(srv.deps, {
    workspaceId: wid,
    createdBy: owner.userId,
    displayName: 'Kept',
  });
  const retire = await api(srv, 'DELETE', `/api/bots/${bot.bot.id}`, { token: mod.token });
  assert.deepEqual(
    [retire.status, retire.body.error],
    [403, 'moderation restriction: member is blocked'],
  );
  assert.equal((await api(srv, 'GET', '/api/me', { token: bot.token })).status, 200);

  const noted = await moderate(owner, alice, { moderation_note: 'watch' });
  const cursor = blockedMod.body.event.cursor;
  const seen = async (who: SignedIn) =>
    (
      await api<{ events: (Event & { id: string })[] }>(
        srv,
        'GET',
        `/api/realtime/events?workspace_id=${wid}&after_cursor=${cursor}`,
        { token: who.token },
      )
    ).body.events
      .filter((e) => e.type === 'member.moderation_updated')
      .map((e) => e.payload.user_id);
  assert.deepEqual(await seen(alice), [alice.userId]);
  assert.deepEqual(await seen(owner), [alice.userId]);
  assert.deepEqual(await seen(bob), [], 'another member sees nothing of it');
  assert.deepEqual(await seen(mod), [], 'a blocked moderator is not told');
  assert.equal(noted.body.member.moderation_note, 'watch');
  await moderate(owner, mod, { blocked: false });
});
