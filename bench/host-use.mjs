// Where a run's time went, measured instead of guessed: the host's CPU busy share (all
// cores, /proc/stat), each process's CPU in cores (/proc/<pid>/stat), PostgreSQL's wait
// events sampled from pg_stat_activity, and the server's own group commits (/metrics).
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import pg from 'pg';

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux the bench runs on

/** Busy and total jiffies of all cores together. */
function hostTicks() {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1);
    const v = f.map(Number);
    const idle = v[3] + (v[4] ?? 0); // idle + iowait
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0); // guest time is inside user
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** utime + stime of a process in jiffies, undefined once it is gone. */
function procTicks(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return undefined;
  }
}

/** Every process named `postgres` (server and backends) that we may read. */
function postgresPids() {
  const pids = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'postgres') pids.push(Number(d));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/**
 * Starts measuring. `serverPids`: the nodes. `stop()` resolves to the host's busy share
 * (0–1 of all cores), CPU in cores of the nodes, PostgreSQL and this process (the load
 * generator), and the wait events of active backends of `db` (share of samples).
 */
export function startHostUse({ serverPids, db }) {
  const started = performance.now();
  const host0 = hostTicks();
  const nodes0 = serverPids.map(procTicks);
  const pg0 = new Map(postgresPids().map((p) => [p, procTicks(p) ?? 0]));
  const self0 = process.cpuUsage();
  const waits = new Map();
  let samples = 0;
  let sampling = true;
  const sampler = (async () => {
    if (!db) return;
    const name = new URL(db).pathname.slice(1);
    const client = new pg.Client({ connectionString: db });
    await client.connect();
    try {
      while (sampling) {
        const { rows } = await client.query(
          `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS w, count(*)::int AS n
             FROM pg_stat_activity
            WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid()
            GROUP BY 1`,
          [name],
        );
        samples++;
        for (const r of rows) waits.set(r.w, (waits.get(r.w) ?? 0) + r.n);
        await new Promise((r) => setTimeout(r, 25));
      }
    } finally {
      await client.end();
    }
  })();
  return {
    async stop() {
      sampling = false;
      await sampler;
      const seconds = (performance.now() - started) / 1000;
      const host1 = hostTicks();
      const cores = (ticks) => ticks / TICKS_PER_SECOND / seconds;
      const nodes = serverPids.reduce((a, pid, i) => a + ((procTicks(pid) ?? 0) - nodes0[i]), 0);
      let pgTicks = 0;
      for (const pid of postgresPids()) pgTicks += (procTicks(pid) ?? 0) - (pg0.get(pid) ?? 0);
      const self = process.cpuUsage(self0);
      return {
        hostBusy: host0 && host1 ? (host1.busy - host0.busy) / (host1.total - host0.total) : NaN,
        cores: cpus().length,
        nodeCores: cores(nodes),
        pgCores: cores(pgTicks),
        loadGenCores: (self.user + self.system) / 1e6 / seconds,
        // Average backends of the bench database in each state at a sample.
        waits: [...waits]
          .map(([w, n]) => ({ w, avg: n / Math.max(1, samples) }))
          .sort((a, b) => b.avg - a.avg),
      };
    },
  };
}

/** The nodes' group commits so far, summed from their /metrics: commits, writes, statements, seconds. */
export async function commitStats(nodes, token) {
  let commits = 0;
  let writes = 0;
  let statements = 0;
  let seconds = 0;
  for (const n of nodes) {
    const text = await (
      await fetch(`${n.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })
    ).text();
    const metric = (name) => Number(text.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1] ?? 0);
    commits += metric('clickclack_group_commit_batch_size_count');
    writes += metric('clickclack_group_commit_batch_size_sum');
    statements += metric('clickclack_group_commit_write_statements_sum');
    seconds += metric('clickclack_group_commit_duration_seconds_sum');
  }
  return { commits, writes, statements, seconds };
}
