/**
 * The deepest a JSON request body may nest. Bodies are parsed without recursion, but
 * everything after (validation, JSON.stringify of a stored `config`, `defaults` or
 * ephemeral `payload`) recurses, so a body nested 100,000 deep overflowed the stack (a 500).
 * No request of the API needs more than a handful of levels.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether JSON text nests arrays/objects deeper than `max` (brackets in strings do not count). */
export function jsonTooDeep(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
