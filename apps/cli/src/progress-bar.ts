import { formatNumberFr } from '@cap-iae/shared';

/**
 * A one-line progress bar on stderr when it is a terminal; otherwise one line every 10 % (or every 100 000 rows when
 * the total is unknown), so that logs of scheduled jobs stay readable.
 */
export class ProgressBar {
  private lastStep = -1;
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(private readonly label: string) {}

  update(rowsRead: number, rowsRejected: number, done?: number, total?: number): void {
    const ratio = total && done !== undefined ? Math.min(1, done / total) : undefined;
    const text = `${this.label} : ${ratio === undefined ? '' : `${Math.round(ratio * 100)} % `}${formatNumberFr(rowsRead)} ligne(s) lue(s), ${formatNumberFr(rowsRejected)} rejetée(s)`;
    if (this.tty) {
      const width = 24;
      const bar = ratio === undefined ? '' : `[${'='.repeat(Math.round(ratio * width)).padEnd(width, ' ')}] `;
      process.stderr.write(`\r${bar}${text}\u001b[K`);
      return;
    }
    const step = ratio === undefined ? Math.floor(rowsRead / 100_000) : Math.floor(ratio * 10);
    if (step > this.lastStep) {
      this.lastStep = step;
      process.stderr.write(`${text}\n`);
    }
  }

  end(): void {
    if (this.tty) process.stderr.write('\n');
  }
}
