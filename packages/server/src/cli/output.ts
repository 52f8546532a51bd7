/** How a client command prints: JSON for programs, one bare value, or text for people. */
export type OutputMode = 'json' | 'plain' | 'human';

export function outputMode(opts: { json?: boolean; plain?: boolean }): OutputMode {
  return opts.json ? 'json' : opts.plain ? 'plain' : 'human';
}

/** Pretty JSON (2-space indent, trailing newline) on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Prints a single-result command's output in the selected mode. */
export function emit(
  mode: OutputMode,
  out: { json: unknown; plain?: string; human: string },
): void {
  if (mode === 'json') printJson(out.json);
  else if (mode === 'plain') {
    if (out.plain !== undefined) printLine(out.plain);
  } else printLine(out.human);
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
