// Measurement helpers: garbage collection when node runs with --expose-gc, heap and peak RSS,
// and a single self-overwriting progress line on stderr for long runs.

import { resourceUsage } from "node:process";

/** Collects garbage when node was started with --expose-gc; otherwise does nothing. */
export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Bytes of JS heap in use now. */
export function heapUsed(): number {
  return process.memoryUsage().heapUsed;
}

/** The process's peak resident set size so far, in bytes (getrusage maxrss). */
export function peakRss(): number {
  return resourceUsage().maxRSS * 1024;
}

/** A progress line on stderr, rewritten at most a few times a second, only when stderr is a terminal or asked. */
export class Progress {
  private lastDraw = 0;
  private readonly t0 = performance.now();
  constructor(private readonly label: string, private readonly enabled = process.stderr.isTTY === true || process.env.PODFLOW_PROGRESS === "1") {}

  /** Redraws the line (throttled to 4 per second). */
  update(text: string): void {
    if (!this.enabled) return;
    const t = performance.now();
    if (t - this.lastDraw < 250) return;
    this.lastDraw = t;
    const line = `${this.label}: ${((t - this.t0) / 1000).toFixed(1)}s ${text}`;
    process.stderr.write(`\r${line.slice(0, (process.stderr.columns ?? 160) - 1)}\x1b[K`);
  }

  /** Clears the line. */
  done(): void {
    if (this.enabled) process.stderr.write("\r\x1b[K");
  }
}
