// Test helpers: drive a process generator on a simulated clock, the way the CRI will.
import type { Effect, EffectResult, Process, ProcessIO } from "./types.js";
import { MemFS } from "./memfs.js";

/** A recording ProcessIO over a simulated clock. */
export function recordingIO(env: Record<string, string> = {}, fs: MemFS = MemFS.rootfs(), start = 1_735_689_600_000 /* 2025-01-01T00:00:00Z */): ProcessIO & { clock: { now: number }; out: string[]; err: string[] } {
  const clock = { now: start };
  const out: string[] = [];
  const err: string[] = [];
  return { clock, out, err, now: () => clock.now, stdout: (l) => out.push(l), stderr: (l) => err.push(l), fs, env };
}

export type Answer = (e: Effect) => EffectResult;

/** Runs a generator until it exits, blocks on wait, or the clock passes untilMs; sleeps advance the clock. */
export function drive(gen: Generator<Effect, number, EffectResult>, io: { clock: { now: number } }, opts: { untilMs?: number; answer?: Answer; effects?: Effect[] } = {}):
  { state: "exited"; code: number } | { state: "blocked" } | { state: "sleeping"; wakeAt: number } {
  let input: EffectResult;
  for (let steps = 0; steps < 100_000; steps++) {
    const r = gen.next(input);
    if (r.done) return { state: "exited", code: r.value };
    opts.effects?.push(r.value);
    input = undefined;
    if (r.value.type === "wait" || r.value.type === "input") return { state: "blocked" };
    if (r.value.type === "sleep") {
      const wakeAt = io.clock.now + r.value.ms;
      if (opts.untilMs !== undefined && wakeAt > opts.untilMs) {
        pending.set(gen, wakeAt);
        io.clock.now = opts.untilMs;
        return { state: "sleeping", wakeAt };
      }
      io.clock.now = wakeAt;
      continue;
    }
    input = opts.answer?.(r.value);
  }
  throw new Error("drive: too many steps");
}

const pending = new WeakMap<object, number>();

/** Resumes a generator left sleeping by drive(untilMs): moves the clock to its wake time first. */
export function resume(gen: Generator<Effect, number, EffectResult>, io: { clock: { now: number } }, opts: { untilMs?: number; answer?: Answer } = {}): ReturnType<typeof drive> {
  const wakeAt = pending.get(gen);
  if (wakeAt !== undefined && (opts.untilMs === undefined || wakeAt <= opts.untilMs)) { io.clock.now = wakeAt; pending.delete(gen); }
  else if (wakeAt !== undefined) { io.clock.now = opts.untilMs!; return { state: "sleeping", wakeAt }; }
  return drive(gen, io, opts);
}

/** Runs a process to its end (or first block) and returns the outcome. */
export function runToEnd(p: Process, io: { clock: { now: number } }, answer?: Answer): ReturnType<typeof drive> {
  return drive(p.run, io, answer ? { answer } : {});
}
