// k8s.io/component-helpers' resource helpers, which kube-scheduler's plugins and the kubelet's
// admission (GeneralPredicates) share: a pod's requests (resourcehelper.PodRequests) and the host
// ports it holds (schedutil.GetHostPorts).

import type { Container, Pod } from "kubernetes-types/core/v1";
import { intValue, milliValue } from "./quantity.js";
import { mutant } from "./mutation.js";

/** A host port in use on a node. */
export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

export type ResourceList = Record<string, string | number>;

/** Converts a ResourceList into numbers: cpu as millicores, the rest rounded up to integers. */
export function toResourceMap(list: ResourceList | undefined): Map<string, number> {
  const m = new Map<string, number>();
  for (const [k, v] of Object.entries(list ?? {})) {
    const n = k === "cpu" ? milliValue(v) : intValue(v);
    if (!Number.isNaN(n)) m.set(k, n);
  }
  return m;
}

function addInto(dst: Map<string, number>, src: Map<string, number>): void {
  for (const [k, v] of src) dst.set(k, (dst.get(k) ?? 0) + v);
}

function maxInto(dst: Map<string, number>, src: Map<string, number>): void {
  for (const [k, v] of src) if (v > (dst.get(k) ?? 0)) dst.set(k, v);
}

const isSidecar = (c: Container) => c.restartPolicy === "Always";

// kubernetes-types 1.30 predates allocatedResources and resources in a container's status
type ContainerStatusResources = { name: string; allocatedResources?: ResourceList; resources?: { requests?: ResourceList } | null };

// determineContainerReqs: max(desired, actual, allocated); an Infeasible resize's desired never counts
function statusRequests(c: Container, status: ContainerStatusResources, infeasible: boolean): Map<string, number> {
  const out = infeasible ? new Map<string, number>() : toResourceMap(c.resources?.requests);
  maxInto(out, toResourceMap(status.resources?.requests));
  maxInto(out, toResourceMap(status.allocatedResources));
  return out;
}

function isResizeInfeasible(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((x) => x.type === "PodResizePending" && x.reason === "Infeasible");
}

/** Options for podRequests, as resourcehelper.PodResourcesOptions. */
export interface PodRequestOptions {
  /** Values used for a container's missing cpu/memory request (scoring's non-zero defaults). */
  nonMissingContainerRequests?: Map<string, number>;
  /**
   * UseStatusResources (NodeInfo's accounting of pods already placed): a container whose status reports
   * resources counts the most of its desired, allocated and actual requests, so a resize pending or in
   * progress is never under-counted; of an Infeasible resize only the allocated and actual count.
   */
  useStatusResources?: boolean;
}

function containerRequests(c: Container, opts: PodRequestOptions, status?: ContainerStatusResources, infeasible = false): Map<string, number> {
  const reqs = status?.resources != null ? statusRequests(c, status, infeasible) : toResourceMap(c.resources?.requests);
  for (const [k, v] of opts.nonMissingContainerRequests ?? []) if (!reqs.has(k)) reqs.set(k, v);
  return reqs;
}

/**
 * resourcehelper.PodRequests: max(sum of containers + sidecars, each init container with the sidecars
 * started before it), pod-level cpu/memory requests when set, plus overhead.
 */
export function podRequests(pod: Pod, opts: PodRequestOptions = {}): Map<string, number> {
  const reqs = new Map<string, number>();
  const statuses = new Map<string, ContainerStatusResources>();
  if (opts.useStatusResources) {
    for (const st of [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])] as ContainerStatusResources[]) statuses.set(st.name, st);
  }
  const infeasible = statuses.size > 0 && isResizeInfeasible(pod);
  for (const c of pod.spec?.containers ?? []) addInto(reqs, containerRequests(c, opts, statuses.get(c.name), infeasible));
  const sidecars = new Map<string, number>();
  const initMax = new Map<string, number>();
  for (const c of pod.spec?.initContainers ?? []) {
    const cr = containerRequests(c, opts, isSidecar(c) ? statuses.get(c.name) : undefined, infeasible);
    if (isSidecar(c)) {
      // A sidecar keeps running beside the main containers, so it adds to them.
      addInto(reqs, cr);
      addInto(sidecars, cr);
      maxInto(initMax, sidecars);
    } else {
      const tmp = new Map(cr);
      if (!mutant("scheduler.init-request-ignores-earlier-sidecars")) addInto(tmp, sidecars);
      maxInto(initMax, tmp);
    }
  }
  maxInto(reqs, initMax);
  // PodLevelResources (beta, on in v1.35): pod-level requests of the supported resources (cpu, memory
  // and hugepages-*, component-helpers' IsSupportedPodLevelResource) replace the container aggregate.
  // kubernetes-types 1.30 predates spec.resources, hence the widening.
  const spec = pod.spec as { resources?: { requests?: ResourceList } } | undefined;
  const podLevel = toResourceMap(spec?.resources?.requests);
  for (const [k, v] of podLevel) if (k === "cpu" || k === "memory" || k.startsWith("hugepages-")) reqs.set(k, v);
  if (!mutant("scheduler.requests-ignore-overhead")) addInto(reqs, toResourceMap(pod.spec?.overhead as ResourceList | undefined));
  return reqs;
}


/** Host ports of containers and sidecar init containers (schedutil.GetHostPorts). */
export function hostPorts(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  const containers = [...(pod.spec?.initContainers ?? []).filter(isSidecar), ...(pod.spec?.containers ?? [])];
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      if ((p.hostPort ?? 0) > 0) out.push({ ip: p.hostIP || "0.0.0.0", protocol: p.protocol || "TCP", port: p.hostPort! });
    }
  }
  return out;
}

/** HostPortInfo.CheckConflict: two host ports collide with the same protocol and port, and the same IP or either 0.0.0.0. */
export function portsConflict(a: HostPort, b: HostPort): boolean {
  if (a.port !== b.port || a.protocol !== b.protocol) return false;
  // the mutant forgets that 0.0.0.0 (every address) collides with any address of the same port
  if (mutant("scheduler.hostport-wildcard-ignored")) return a.ip === b.ip;
  return a.ip === b.ip || a.ip === "0.0.0.0" || b.ip === "0.0.0.0";
}
