/** How a client command prints: JSON for programs, one bare value, or text for people. */
export type OutputMode = 'json' | 'plain' | 'human';

/** `--json` wins over `--plain`. */
export function outputMode(opts: { json?: boolean; plain?: boolean }): OutputMode {
  return opts.json ? 'json' : opts.plain ? 'plain' : 'human';
}

const GO_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

function sortedDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedDeep);
  if (value === null || typeof value !== 'object') return value;
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(src).sort()) out[k] = sortedDeep(src[k]);
  return out;
}

/**
 * Pretty JSON (2-space indent, trailing newline) as the reference client wrote it: event
 * payloads are free-form maps and come out with sorted keys, and `<`, `>`, `&`, U+2028
 * and U+2029 are \u-escaped, so output can be pasted into HTML or JS safely. Those
 * characters only occur inside strings, so escaping the text is exact.
 */
export function formatJson(value: unknown): string {
  const text = JSON.stringify(
    value,
    (key, v: unknown) => (key === 'payload' ? sortedDeep(v) : v),
    2,
  );
  return `${text.replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c] ?? c)}\n`;
}

export function printJson(value: unknown): void {
  process.stdout.write(formatJson(value));
}

export function printLine(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Prints a single-result command's output in the selected mode (no plain value: nothing). */
export function emit(
  mode: OutputMode,
  out: { json: unknown; plain?: string; human: string | string[] },
): void {
  if (mode === 'json') printJson(out.json);
  else if (mode === 'plain') {
    if (out.plain !== undefined) printLine(out.plain);
  } else for (const line of [out.human].flat()) printLine(line);
}

/** List commands print JSON or tab-separated rows (`--plain` prints the rows too). */
export function emitRows(
  mode: OutputMode,
  json: unknown,
  rows: readonly (readonly (string | number)[])[],
): void {
  if (mode === 'json') printJson(json);
  else for (const r of rows) printLine(r.join('\t'));
}
