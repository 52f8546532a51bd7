/**
 * Text PostgreSQL cannot hold (a NUL character; SQLite stores it). Such input can never
 * match a stored row or be written, so it is the caller's error (400), not the server's.
 * SQLSTATE 22021 character_not_in_repertoire, 22P05 untranslatable_character.
 */
export function isUnstorableText(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '22021' || code === '22P05';
}

/** An operator's mistake in a maintenance command (backup, export, copy): one line, exit 1. */
export class MaintenanceError extends Error {}
