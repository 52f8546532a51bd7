/** The time, for what expires on screen (statuses); ticks every 15 s, which is fine enough. */
export const clock = $state({ now: Date.now() });
setInterval(() => (clock.now = Date.now()), 15_000);
