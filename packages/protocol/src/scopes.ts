/** Bot token scopes and the bundles that expand to them (spec: model-and-auth §3.8). */
export const SCOPES = [
  'workspaces:read',
  'channels:read',
  'channels:write',
  'messages:read',
  'messages:write',
  'threads:read',
  'threads:write',
  'dms:read',
  'dms:write',
  'realtime:read',
  'uploads:write',
  'profile:read',
  'commands:write',
  'agent_activity:write',
] as const;
export type Scope = (typeof SCOPES)[number];

const READ: Scope[] = [
  'workspaces:read',
  'channels:read',
  'messages:read',
  'threads:read',
  'dms:read',
  'realtime:read',
  'profile:read',
];
const WRITE: Scope[] = [
  ...READ,
  'messages:write',
  'threads:write',
  'dms:write',
  'uploads:write',
  'commands:write',
];

export const SCOPE_BUNDLES: Record<string, readonly Scope[]> = {
  'bot:read': READ,
  'bot:write': WRITE,
  'bot:admin': [...WRITE, 'channels:write'],
};

export class UnknownScopeError extends Error {}

/** Expands bundles and comma lists into a sorted, de-duplicated scope list. */
export function expandScopes(input: readonly string[] | string | undefined): Scope[] {
  const raw = (typeof input === 'string' ? [input] : (input ?? []))
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const out = new Set<Scope>();
  for (const s of raw.length === 0 ? ['bot:write'] : raw) {
    const bundle = SCOPE_BUNDLES[s];
    if (bundle) bundle.forEach((b) => out.add(b));
    else if ((SCOPES as readonly string[]).includes(s)) out.add(s as Scope);
    else throw new UnknownScopeError(`unknown bot scope: ${s}`);
  }
  return [...out].sort();
}
