// A container's log, packed: its lines in chunks of up to 32, each chunk one array of the line
// strings (interned, shared across containers), one array of their times (unboxed doubles) and
// one bit mask of which went to stderr, instead of an object (and a boxed time) per line in a
// persistent list. A value: appending makes a new log that shares every full chunk and copies only
// the last, partial one (at most 31 lines), as a persistent vector copies its tail, so a fork and
// its parent never see each other's lines and a frozen log stays valid.

import type { LogLine } from "./messages.js";

const chunkLines = 32;

interface Chunk {
  readonly lines: readonly string[];
  readonly times: readonly number[];
  /** bit i set: line i went to stderr */
  readonly stderr: number;
}

const noChunks: readonly Chunk[] = Object.freeze([]);
const emptyChunk: Chunk = Object.freeze({ lines: Object.freeze([]), times: Object.freeze([]), stderr: 0 });

export class ContainerLog implements Iterable<LogLine> {
  /** The log with no lines. */
  static readonly empty = new ContainerLog(noChunks, emptyChunk, 0, 0);

  private constructor(
    /** full chunks, oldest first */
    private readonly full: readonly Chunk[],
    /** the partial last chunk (fewer than `chunkLines` lines) */
    private readonly tail: Chunk,
    /** lines dropped from the front of the first chunk (the log's bound) */
    private readonly skip: number,
    /** the number of lines */
    readonly size: number,
  ) {}

  /** The log with `line` appended, and its oldest lines dropped past `max` lines. */
  push(time: number, stream: "stdout" | "stderr", line: string, max = Number.POSITIVE_INFINITY): ContainerLog {
    const t = this.tail;
    const n = t.lines.length;
    const lines = t.lines.slice();
    lines.push(line);
    const times = t.times.slice();
    times.push(time);
    const chunk: Chunk = { lines, times, stderr: stream === "stderr" ? t.stderr | (1 << n) : t.stderr };
    let out = n + 1 === chunkLines
      ? new ContainerLog([...this.full, chunk], emptyChunk, this.skip, this.size + 1)
      : new ContainerLog(this.full, chunk, this.skip, this.size + 1);
    while (out.size > max) out = out.dropFirst();
    return out;
  }

  /** The log without its oldest line. */
  private dropFirst(): ContainerLog {
    if (this.size === 0) return this;
    if (this.full.length === 0) {
      // the oldest line is in the tail: the tail's lines after it, as a new chunk
      const t = this.tail, from = this.skip + 1;
      const rest: Chunk = { lines: t.lines.slice(from), times: t.times.slice(from), stderr: t.stderr >>> from };
      return new ContainerLog(noChunks, rest.lines.length === 0 ? emptyChunk : rest, 0, this.size - 1);
    }
    if (this.skip + 1 === chunkLines) return new ContainerLog(this.full.slice(1), this.tail, 0, this.size - 1);
    return new ContainerLog(this.full, this.tail, this.skip + 1, this.size - 1);
  }

  /** The line at `i` (0 the oldest). */
  private at(i: number): LogLine {
    const [c, j] = this.locate(i);
    return { time: c.times[j]!, stream: (c.stderr >>> j) & 1 ? "stderr" : "stdout", line: c.lines[j]! };
  }

  private locate(i: number): [Chunk, number] {
    const k = i + this.skip;
    const ci = Math.floor(k / chunkLines);
    return ci < this.full.length ? [this.full[ci]!, k % chunkLines] : [this.tail, k - this.full.length * chunkLines];
  }

  /** The lines from `from` (0 the oldest; negative counts from the newest) to the end, as LogLine values. */
  slice(from = 0): LogLine[] {
    const start = from < 0 ? Math.max(0, this.size + from) : Math.min(from, this.size);
    const out: LogLine[] = new Array(this.size - start);
    for (let i = start; i < this.size; i++) out[i - start] = this.at(i);
    return out;
  }

  /** The text of the last `n` lines, oldest first. */
  lastLines(n: number): string[] {
    const start = Math.max(0, this.size - n);
    const out: string[] = new Array(this.size - start);
    for (let i = start; i < this.size; i++) {
      const [c, j] = this.locate(i);
      out[i - start] = c.lines[j]!;
    }
    return out;
  }

  /** Every line, oldest first. */
  toArray(): LogLine[] {
    return this.slice(0);
  }

  *[Symbol.iterator](): Iterator<LogLine> {
    for (let i = 0; i < this.size; i++) yield this.at(i);
  }

  /** What JSON (and a state's hash) sees: the lines as a list of {time, stream, line}. */
  toJSON(): LogLine[] {
    return this.toArray();
  }
}
