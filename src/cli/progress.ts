import type { WriteStream } from 'node:tty';

/** A one-line progress bar for a terminal (only used when stderr is a TTY). */
export class ProgressBar {
  private finished = false;
  private lastDraw = 0;

  constructor(
    private readonly out: WriteStream,
    private readonly label: string,
  ) {}

  update(fraction: number, detail = ''): void {
    const now = Date.now();
    if (this.finished || (now - this.lastDraw < 100 && fraction < 1)) return;
    this.lastDraw = now;
    const width = 30;
    const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
    this.out.write(`\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${detail}`);
  }

  done(): void {
    if (this.finished) return;
    this.finished = true;
    this.out.write('\n');
  }
}
