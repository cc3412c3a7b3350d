// Measurement helpers: garbage collection when node runs with --expose-gc, heap and peak RSS,
// and a single self-overwriting progress line on stderr for long runs.

import { resourceUsage } from "node:process";

/** Collects garbage when node was started with --expose-gc; otherwise does nothing. */
export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * The V8 flags `npm run bench` runs with. The young generation is the knob that matters: every step
 * makes short-lived values (next contexts, messages, drafts), and V8's default 16 MiB semi-space
 * scavenges so often that GC takes a quarter of the CPU; 64 MiB takes most of that away (128 MiB measured the same CPU, with more memory).
 */
export const benchNodeFlags = ["--expose-gc", "--max-semi-space-size=64"] as const;

/** A line saying which of benchNodeFlags this process lacks (figures then differ from `npm run bench`'s), or undefined. */
export function missingBenchFlags(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ""): string | undefined {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)];
  const missing = benchNodeFlags.filter((f) => !given.some((g) => g === f || (f.includes("=") && g.startsWith(f.slice(0, f.indexOf("=") + 1)))));
  return missing.length === 0 ? undefined : `note: node runs without ${missing.join(" ")}; \`npm run bench\` sets them (the figures differ)`;
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
  constructor(private readonly label: string, readonly enabled = process.stderr.isTTY === true || process.env.PODFLOW_PROGRESS === "1") {}

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
