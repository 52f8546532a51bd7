import type { TableProgress } from '../store/maintenance/copy.js';

/** One `\r` bar per table on a terminal; one line per table otherwise (also for import). */
export class ProgressBar implements TableProgress {
  private readonly tty = process.stderr.isTTY === true;
  private last = 0;
  constructor(
    private readonly table: string,
    /** Settable: an import learns its total only once it has read the export's index. */
    public total: number,
  ) {}
  update(done: number, force = false): void {
    if (!this.tty) return;
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const width = 30;
    const frac = this.total === 0 ? 1 : Math.min(1, done / this.total);
    const filled = Math.round(frac * width);
    const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
    process.stderr.write(
      `\r${this.table.padEnd(28)} [${bar}] ${done}/${this.total} ${(frac * 100).toFixed(0).padStart(3)}%`,
    );
  }
  finish(done: number, note: string): void {
    if (this.tty) {
      this.update(done, true);
      process.stderr.write(` ${note}\n`);
    } else {
      process.stderr.write(`${this.table}: ${done}/${this.total} rows ${note}\n`);
    }
  }
}
