// What a simulated container uses of the node, as the CRI's ContainerStats reports it
// (runtime.v1 ContainerStats: cpu.usageCoreNanoSeconds, memory.workingSetBytes). Pure: the CRI
// keeps a CpuAccount per container and accrues it on the simulated clock whenever it is read or
// charged, so the same seed gives the same numbers.

import type { ImageKind } from "./registry.js";

/**
 * A container's CPU: a steady demand (stress --cpu N keeps N cores busy) plus work charged by
 * requests (php-apache's index.php), burnt no faster than the CPU limit lets it (CFS quota);
 * work the quota holds back waits, at most one second of quota of it.
 */
export interface CpuAccount {
  demandMilli: number;
  /** cumulative usageCoreNanoSeconds up to accruedAt */
  usageNanos: number;
  accruedAt: number;
  /** charged work not yet run, in core-nanoseconds */
  backlogNanos: number;
}

/** A container's account when it starts. */
export function newCpuAccount(now: number): CpuAccount {
  return { demandMilli: 0, usageNanos: 0, accruedAt: now, backlogNanos: 0 };
}

// one millicore for one millisecond is 1,000 core-nanoseconds
const nanosPerMilliMs = 1_000;

/** The account run forward to `now`: the steady demand and the backlog burnt, capped by the CPU limit (millicores) if any. */
export function accrue(a: CpuAccount, now: number, limitMilli: number | undefined): CpuAccount {
  const dt = Math.max(0, now - a.accruedAt);
  const want = a.demandMilli * dt * nanosPerMilliMs + a.backlogNanos;
  if (limitMilli === undefined) return { ...a, usageNanos: a.usageNanos + want, accruedAt: Math.max(now, a.accruedAt), backlogNanos: 0 };
  const quota = limitMilli * dt * nanosPerMilliMs;
  const used = Math.min(want, quota);
  const held = Math.min(want - used, limitMilli * 1000 * nanosPerMilliMs);
  return { demandMilli: a.demandMilli, usageNanos: a.usageNanos + used, accruedAt: Math.max(now, a.accruedAt), backlogNanos: held };
}

/** Work charged at `now` (a request served): it runs as the quota allows. */
export function charge(a: CpuAccount, now: number, limitMilli: number | undefined, nanos: number): CpuAccount {
  const at = accrue(a, now, limitMilli);
  return { ...at, backlogNanos: at.backlogNanos + nanos };
}

/**
 * CPU one request to registry.k8s.io/hpa-example costs: its index.php adds sqrt() a million times.
 * 6 ms of a core, so the docs' load generator (a wget every 10 ms) asks about 600m of it, as the
 * walkthrough's "305% / 50%" of a 200m request shows.
 */
export const hpaExampleRequestNanos = 6_000_000;

const Mi = 1024 * 1024;

/** The working set of an idle container of each kind of image (a shell sleeping, nginx waiting), before what its program allocates. */
export function baselineMemoryBytes(kind: ImageKind): number {
  switch (kind) {
    case "nginx": return 3 * Mi;
    case "httpd": return 6 * Mi;
    case "redis": return 3 * Mi;
    case "postgres": return 20 * Mi;
    case "mysql": return 360 * Mi;
    case "memcached": return 2 * Mi;
    case "hpa-example": return 9 * Mi;
    case "agnhost": return 8 * Mi;
    case "etcd": return 20 * Mi;
    case "python": return 10 * Mi;
    case "node": return 30 * Mi;
    case "hello-app": return 4 * Mi;
    case "pause": return Mi / 2;
    default: return Mi / 2;
  }
}
