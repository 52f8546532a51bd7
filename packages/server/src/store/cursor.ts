const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/** The smallest lower-case ULID string strictly greater than `ulid` (base-32 increment). */
export function nextUlid(ulid: string): string {
  const chars = ulid.split('');
  for (let i = chars.length - 1; i >= 0; i--) {
    const idx = CROCKFORD.indexOf(chars[i] as string);
    if (idx < 31) {
      chars[i] = CROCKFORD[idx + 1] as string;
      return chars.join('');
    }
    chars[i] = '0';
  }
  throw new Error('cursor space exhausted');
}

/** A cursor above both the fresh candidate and the persisted frontier. */
export function fenceCursor(candidateUlid: string, frontier: string | undefined): string {
  const candidate = `cur_${candidateUlid}`;
  if (!frontier || candidate > frontier) return candidate;
  return `cur_${nextUlid(frontier.slice(4))}`;
}
