/**
 * Commands that run the server or work on its data directory. Everything else is a client
 * command, which `bin/clickclack.js` runs from the single-file bundle.
 */
export const SERVER_COMMANDS: ReadonlySet<string> = new Set([
  'serve',
  'migrate',
  'admin',
  'backup',
  'export',
  'copy',
  'import',
  'version',
]);

/** No command at all means `serve`. */
export const isServerCommand = (first: string | undefined): boolean =>
  first === undefined || SERVER_COMMANDS.has(first);
