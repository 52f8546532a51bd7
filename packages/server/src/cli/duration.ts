import { CliError } from './log.js';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90m`, `12h`, `7d` (or plain seconds) → seconds. */
export function durationSeconds(raw: string): number {
  const m = /^(\d+)([smhd]?)$/.exec(raw.trim());
  if (!m) throw new CliError(`invalid duration "${raw}" (e.g. 30m, 12h, 7d)`, 2);
  return Number(m[1]) * (UNIT_SECONDS[m[2] || 's'] ?? 1);
}
