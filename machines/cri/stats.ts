// What the kubelet's stats provider reads of the runtime for its Summary API and /metrics/resource
// (the CRI's ListContainerStats with cadvisor's rates): each running container's cumulative CPU,
// the rate it runs at now, its working set and start time. Pure: reads a runtime's state at a time
// and changes nothing (the scrape path, containerStats, is the one that moves the CPU accounts).

import { cpuLimitMilli, isRunning, type CriContext } from "./cri.logic.js";
import type { ContainerSample } from "./messages.js";
import { accrue, baselineMemoryBytes, type CpuAccount } from "./usage.js";

/** The rate a CPU account runs at: its steady demand, held to its quota while it has a backlog or asks more. */
export function cpuRateNanoCores(a: CpuAccount, limitMilli: number | undefined): number {
  const milli = limitMilli !== undefined && (a.backlogNanos > 0 || a.demandMilli > limitMilli) ? limitMilli : a.demandMilli;
  return milli * 1_000_000;
}

/** Every running container of the runtime, as the kubelet's stats provider sees it at `now`. */
export function containerSamples(ctx: CriContext, now: number): ContainerSample[] {
  const out: ContainerSample[] = [];
  for (const c of ctx.containers.values()) {
    const sb = ctx.sandboxes.get(c.sandboxId);
    if (!sb || !isRunning(c)) continue;
    const limit = cpuLimitMilli(c);
    const cpu = accrue(c.cpu, Math.max(now, c.cpu.accruedAt), limit);
    out.push({
      podUid: sb.podUid, podName: sb.podName, podNamespace: sb.podNamespace, name: c.name,
      startedAt: c.lifecycle.context.startedAt ?? now, time: Math.max(now, c.cpu.accruedAt),
      usageCoreNanoSeconds: cpu.usageNanos, usageNanoCores: cpuRateNanoCores(cpu, limit),
      workingSetBytes: baselineMemoryBytes(c.image.kind) + c.memoryBytes,
      ...(c.memoryLimitBytes !== undefined ? { memoryLimitBytes: c.memoryLimitBytes } : {}),
    });
  }
  return out;
}
