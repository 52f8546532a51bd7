/**
 * Per-user write budgets (`serve --rate-limits`): fixed windows counted in the database, so
 * nodes sharing it share one budget. Generous enough that an agent posting a few messages a
 * second, or a person typing, never meets them; a script flooding a workspace does.
 */
export const WRITE_LIMIT_NAMES = [
  'messages',
  'reactions',
  'uploads',
  'ephemeral',
  'workspaces',
  'channels',
  'profile',
] as const;
export type WriteLimitName = (typeof WRITE_LIMIT_NAMES)[number];

/** What a budget counts, as a refusal says it ("too many profile changes"). */
export const WRITE_LIMIT_NOUNS: Record<WriteLimitName, string> = {
  messages: 'messages',
  reactions: 'reactions',
  uploads: 'uploads',
  ephemeral: 'ephemeral',
  workspaces: 'workspaces',
  channels: 'channels',
  profile: 'profile changes',
};

/** At most `max` writes per `windowMs`; `null` = unlimited. */
export interface WriteLimit {
  max: number;
  windowMs: number;
}
export type WriteLimits = Record<WriteLimitName, WriteLimit | null>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const DEFAULT_WRITE_LIMITS: WriteLimits = {
  messages: { max: 600, windowMs: MINUTE },
  reactions: { max: 600, windowMs: MINUTE },
  uploads: { max: 60, windowMs: MINUTE },
  ephemeral: { max: 600, windowMs: MINUTE },
  workspaces: { max: 10, windowMs: HOUR },
  channels: { max: 100, windowMs: HOUR },
  profile: { max: 60, windowMs: MINUTE },
};

/** A window as `--rate-limits` spells it: `1m`, `1h`, `30s`. */
export const windowText = (ms: number): string =>
  ms % HOUR === 0 ? `${ms / HOUR}h` : ms % MINUTE === 0 ? `${ms / MINUTE}m` : `${ms / 1000}s`;

/** Budgets as `--rate-limits` would spell them (help text, docs). */
export const formatWriteLimits = (limits: WriteLimits): string =>
  WRITE_LIMIT_NAMES.map((n) => {
    const l = limits[n];
    return `${n}=${l ? `${l.max}/${windowText(l.windowMs)}` : 'off'}`;
  }).join(',');

const UNIT_MS: Record<string, number> = { s: 1000, m: MINUTE, h: HOUR };

/**
 * `messages=600/1m,uploads=off,workspaces=10/1h`: the named budgets change, the rest keep
 * their defaults; `off` alone turns every budget off (benchmarks).
 */
export function parseWriteLimits(spec: string, base = DEFAULT_WRITE_LIMITS): WriteLimits {
  const out: WriteLimits = { ...base };
  const text = spec.trim();
  if (text === '') return out;
  if (text === 'off') {
    for (const n of WRITE_LIMIT_NAMES) out[n] = null;
    return out;
  }
  for (const item of text.split(',')) {
    const m = /^\s*([a-z]+)\s*=\s*(?:(off)|(\d+)\s*\/\s*(\d+)\s*([smh]))\s*$/.exec(item);
    const name = m?.[1] as WriteLimitName | undefined;
    if (!m || !name || !WRITE_LIMIT_NAMES.includes(name))
      throw new Error(
        `invalid rate limit "${item.trim()}": expected <${WRITE_LIMIT_NAMES.join('|')}>=<max>/<n><s|m|h> or =off`,
      );
    if (m[2]) {
      out[name] = null;
      continue;
    }
    const max = Number(m[3]);
    const windowMs = Number(m[4]) * (UNIT_MS[m[5] ?? 's'] ?? 1000);
    if (max < 1 || windowMs < 1000)
      throw new Error(`invalid rate limit "${item.trim()}": max and window must be positive`);
    out[name] = { max, windowMs };
  }
  return out;
}
