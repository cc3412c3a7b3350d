// A pod's QoS class, as pkg/apis/core/helper/qos ComputePodQOS decides it (v1.35, pod-level resources included).

import { milliValue } from "./quantity.js";
import { mutant } from "./mutation.js";

export type QOSClass = "Guaranteed" | "Burstable" | "BestEffort";

type ResourceList = Record<string, string | number> | undefined;
interface Resources { requests?: ResourceList; limits?: ResourceList }

// Only cpu and memory take part in QoS; other resources (ephemeral-storage, extended) are ignored.
const qosResources = new Set(["cpu", "memory"]);

// Positive amounts of the QoS resources in a list, in milli-units so sums stay exact.
function positive(list: ResourceList): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, q] of Object.entries(list ?? {})) {
    if (!qosResources.has(name)) continue;
    const m = milliValue(q);
    if (m > 0) out.set(name, m);
  }
  return out;
}

function addInto(sum: Map<string, number>, more: Map<string, number>): void {
  for (const [k, v] of more) sum.set(k, (sum.get(k) ?? 0) + v);
}

// Guaranteed needs both cpu and memory limits set on every container (or at pod level).
function hasCpuAndMemory(limits: Map<string, number>): boolean {
  return limits.has("cpu") && limits.has("memory");
}

/** The QoS class Kubernetes assigns to a pod: Guaranteed, Burstable or BestEffort. */
export function podQOSClass(pod: { spec?: { containers?: { resources?: Resources }[]; initContainers?: { resources?: Resources }[]; resources?: Resources } }): QOSClass {
  const spec = pod.spec ?? {};
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let guaranteed = true;
  if (spec.resources) {
    // Pod-level resources, when present, decide alone.
    addInto(requests, positive(spec.resources.requests));
    const l = positive(spec.resources.limits);
    addInto(limits, l);
    if (!hasCpuAndMemory(l)) guaranteed = false;
  } else {
    for (const c of [...(spec.containers ?? []), ...(mutant("qos.guaranteed-ignores-init-containers") ? [] : spec.initContainers ?? [])]) {
      addInto(requests, positive(c.resources?.requests));
      const l = positive(c.resources?.limits);
      addInto(limits, l);
      if (!hasCpuAndMemory(l)) guaranteed = false;
    }
  }
  if (requests.size === 0 && limits.size === 0) return "BestEffort";
  if (guaranteed) {
    for (const [name, req] of requests) {
      if (limits.get(name) !== req) { guaranteed = false; break; }
    }
  }
  return guaranteed && requests.size === limits.size ? "Guaranteed" : "Burstable";
}
