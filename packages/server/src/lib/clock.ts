/** Fixed-width UTC ISO-8601 (millisecond) timestamps: text order equals time order. */
export const nowIso = (): string => new Date().toISOString();
export const isoPlus = (ms: number, from: Date = new Date()): string =>
  new Date(from.getTime() + ms).toISOString();
