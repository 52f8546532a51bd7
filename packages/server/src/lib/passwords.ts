import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id (the library's default algorithm: its const enum cannot be imported under
 * verbatimModuleSyntax, and tests check the `$argon2id$` prefix) at the OWASP-recommended
 * cost (19 MiB, 2 passes, 1 lane): ~20 ms a hash here, which keeps a login cheap for us and
 * a guess expensive for an attacker holding the table.
 */
const OPTIONS = {
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** The PHC string stored in user_passwords.password_hash (`$argon2id$v=19$…`). */
export function hashPassword(plain: string): Promise<string> {
  return hash(plain, OPTIONS);
}

let dummy: Promise<string> | undefined;

/**
 * Checks a password against a stored PHC string in constant time (the library compares the
 * derived keys so). With no stored hash it still derives one against a throwaway hash of
 * the same cost, so "no such user" takes as long as "wrong password", then answers false.
 */
export async function verifyPassword(stored: string | undefined, plain: string): Promise<boolean> {
  dummy ??= hashPassword('not a password of anyone');
  const target = stored ?? (await dummy);
  try {
    const ok = await verify(target, plain);
    return ok && stored !== undefined;
  } catch {
    // A malformed stored hash is a failed login, not a 500.
    return false;
  }
}
