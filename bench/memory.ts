// Where the heap goes: an estimate of the bytes each component's state retains, for
// `podflow bench --memory`. Every object is counted once, to the first component that holds it
// (stored objects are shared by etcd, the watch cache, informers and watches).

import type { Runtime } from "../runtime/runtime.js";

/** One line of the breakdown: a component (nodes folded together) and the bytes first reached from it. */
export interface MemoryShare {
  component: string;
  bytes: number;
}

/**
 * Approximate retained bytes of a value, skipping what `seen` already holds: 32 an object, 16 a
 * field or entry, 8 a number, 16 + length a string. V8's real layout differs; proportions hold.
 */
export function approxBytes(v: unknown, seen: WeakSet<object>): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === "string") return 16 + v.length;
  if (typeof v !== "object") return 8;
  if (seen.has(v)) return 0;
  seen.add(v);
  let n = 32;
  // a buffer's bytes (etcd's sealed history): its length, not a field per byte
  if (ArrayBuffer.isView(v)) return n + v.byteLength;
  if (v instanceof Map) {
    for (const [k, x] of v) n += 16 + approxBytes(k, seen) + approxBytes(x, seen);
  } else if (v instanceof Set) {
    for (const x of v) n += 16 + approxBytes(x, seen);
  } else {
    // own keys only: `for in` would count a class's enumerable prototype methods (immutable.js
    // assigns them) as fields of every instance
    for (const k of Object.keys(v)) n += 16 + approxBytes((v as Record<string, unknown>)[k], seen);
  }
  return n;
}

/**
 * The breakdown over the runtime's actors, largest first: etcd's current values and its history
 * first (what every other component shares), then each actor's context, per-node actors summed.
 */
export function memoryByComponent(rt: Runtime): MemoryShare[] {
  const seen = new WeakSet<object>();
  const out = new Map<string, number>();
  const add = (component: string, bytes: number) => out.set(component, (out.get(component) ?? 0) + bytes);
  const etcd = rt.snapshot("etcd")?.context;
  if (etcd) {
    add("etcd: current values", approxBytes(etcd.kv, seen));
    add("etcd: history", approxBytes(etcd.history, seen));
    add("etcd: sealed history", approxBytes(etcd.sealed, seen));
    add("etcd: rest", approxBytes(etcd, seen));
  }
  for (const address of [...rt.addresses()].sort()) {
    if (address === "etcd") continue;
    add(address.replace(/\/.*$/, "/*"), approxBytes(rt.snapshot(address)?.context, seen));
  }
  return [...out].map(([component, bytes]) => ({ component, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/**
 * The breakdown as lines of KiB per pod and share of the total; with the heap growth measured per
 * pod, a last line with it, since the walk sees only contexts (not closures, nor what a WeakMap
 * keeps for a context's value, such as a running process's generator).
 */
export function formatMemory(shares: readonly MemoryShare[], pods: number, measuredPerPod?: number): string {
  const total = shares.reduce((n, s) => n + s.bytes, 0);
  const lines = shares
    .filter((s) => s.bytes / total >= 0.001)
    .map((s) => `  ${s.component.padEnd(28)} ${(s.bytes / pods / 1024).toFixed(1).padStart(6)} KiB/pod  ${((100 * s.bytes) / total).toFixed(1).padStart(5)}%`);
  const measured = measuredPerPod === undefined ? [] : [`  ${"measured heap growth".padEnd(28)} ${(measuredPerPod / 1024).toFixed(1).padStart(6)} KiB/pod`];
  return [`memory by component (estimated, each object counted once, to the first holder):`, ...lines, `  ${"total".padEnd(28)} ${(total / pods / 1024).toFixed(1).padStart(6)} KiB/pod`, ...measured].join("\n");
}
