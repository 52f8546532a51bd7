// search: full-text search over many messages seeded straight into SQLite, spread over a
// public channel, #general and a private channel the searcher is not in. p50/p99 of one-
// and two-word queries through `GET /api/search` (goal: p99 ≤ 50 ms at 1M). Every answer is
// checked: the private channel never appears for the searcher, and does for its member.
import { argValue, cli, getJson, record, signIn, startServer, summarise, table } from './lib.mjs';
import { seedMessages } from './seed.mjs';

const SIZE = Number(argValue('size', '100000'));
const QUERIES = Number(argValue('queries', '200'));

// A fixed vocabulary with a Zipf-like spread, from a seeded generator: runs are comparable.
let state = 42;
const rand = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'to', 'vi', 'ze', 'po', 'da', 'fu'];
const words = [];
for (let i = 0; words.length < 5000; i++) {
  let w = '';
  for (let n = i, k = 0; k < 3 || n > 0; k++, n = Math.floor(n / 12)) w += syllables[n % 12];
  words.push(w);
}
const zipf = () =>
  words[Math.min(words.length - 1, Math.floor(Math.exp(rand() * Math.log(words.length))) - 1)];
const body = () => Array.from({ length: 10 }, zipf).join(' ');

const srv = await startServer();
const post = (path, json, auth = srv.auth) =>
  fetch(`${srv.url}${path}`, { method: 'POST', headers: auth, body: JSON.stringify(json) }).then(
    (r) => r.json(),
  );
const eng = (await post(`/api/workspaces/${srv.workspaceId}/channels`, { name: 'eng' })).channel;
const secret = (
  await post(`/api/workspaces/${srv.workspaceId}/channels`, { name: 'secret', kind: 'private' })
).channel;
cli([
  'admin',
  'user',
  'create',
  '--name',
  'Searcher',
  '--email',
  'searcher@example.com',
  '--workspace',
  srv.workspaceId,
  '--data',
  srv.data,
]);
const searcher = await signIn(srv.url, srv.data, 'searcher@example.com');
await srv.stop();

const t0 = performance.now();
// Channels are seeded in interleaved slices, as a live workspace writes them.
const share = [
  [srv.channelId, 0.45],
  [eng.id, 0.45],
  [secret.id, 0.1],
];
const SLICE = 10_000;
for (let done = 0; done < SIZE; done += SLICE) {
  for (const [id, part] of share) {
    const from = Math.round(done * part) + 1;
    const to = Math.round(Math.min(SIZE, done + SLICE) * part);
    if (to >= from) seedMessages(srv.data, id, from, to, body);
  }
}
const seedSeconds = (performance.now() - t0) / 1000;

const live = await startServer({ dataDir: srv.data, reuse: true });
const classes = {
  'one common word': () => words[3 + Math.floor(rand() * 10)],
  'one rare word': () => words[300 + Math.floor(rand() * 1000)],
  'two words': () =>
    `${words[20 + Math.floor(rand() * 100)]} ${words[20 + Math.floor(rand() * 100)]}`,
};
const search = async (q, auth) => {
  const params = new URLSearchParams({ workspace_id: srv.workspaceId, q, limit: '20' });
  const res = await getJson(`${live.url}/api/search?${params}`, auth);
  if (res.status !== 200) throw new Error(`search ${q}: ${res.status} ${res.text}`);
  return res.body.results;
};
// Discarded first: the server's JIT warm-up is not the steady-state cost of a query.
for (let i = 0; i < 50; i++) await search(Object.values(classes)[i % 3](), searcher.auth);
const rows = [];
for (const [name, pick] of Object.entries(classes)) {
  const lat = [];
  let hits = 0;
  for (let i = 0; i < QUERIES; i++) {
    const q = pick();
    const t = performance.now();
    const results = await search(q, searcher.auth);
    lat.push(performance.now() - t);
    hits += results.length;
    if (results.some((r) => r.channel_id === secret.id)) {
      throw new Error(`the searcher saw the private channel for "${q}"`);
    }
  }
  const s = summarise(lat);
  rows.push({
    query: name,
    'p50 ms': s.p50,
    'p99 ms': s.p99,
    'max ms': s.max,
    'avg hits': hits / QUERIES,
  });
}
// The filter is doing work: the private channel's member does find its messages.
const ownerHits = await search(words[3], live.auth);
if (!ownerHits.some((r) => r.channel_id === secret.id)) {
  throw new Error('the private channel member found nothing in it: the benchmark is broken');
}
await live.stop();
table(
  `search (${SIZE} messages, seeded in ${seedSeconds.toFixed(0)} s; ${QUERIES} queries per kind; goal: p99 ≤ 50 ms at 1M)`,
  rows,
);
record('search', { messages: SIZE, rows });
