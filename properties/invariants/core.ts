// The design's invariants about pods, nodes and etcd, one named function each. Stateless ones
// read the cluster as it is; stateful ones (a Monitor) remember what they saw at earlier steps.
// Names are the same in code, docs and failure messages.

import { isPodTerminal, milli, podRequest, quantity } from "./k8s.js";

/** What the invariants read: the objects as stored, and component snapshots. */
export interface World {
  list(kind: string): any[];
  etcdRevision(): number;
  /** how many times a node's container runtime has started (a reboot starts it afresh, without containers); absent where no runtime is modelled */
  runtimeStarts?(node: string): number;
  /** the uids of the pods that have a ready (SANDBOX_READY) sandbox in a node's container runtime; absent where no runtime is modelled */
  liveSandboxPods?(node: string): ReadonlySet<string>;
}

export interface Violation {
  invariant: string;
  message: string;
}

const v = (invariant: string, message: string): Violation => ({ invariant, message });
const podName = (p: any) => `${p.metadata.namespace}/${p.metadata.name}`;
const terminal = isPodTerminal;

/** A pod is never Running, and never has a running container, without spec.nodeName. */
export function neverRunningWithoutNodeName(w: World): Violation[] {
  const out: Violation[] = [];
  for (const p of w.list("Pod")) {
    if (p.spec?.nodeName) continue;
    const running = [...(p.status?.containerStatuses ?? []), ...(p.status?.initContainerStatuses ?? [])].some((c: any) => c.state?.running);
    if (p.status?.phase === "Running" || running) out.push(v("neverRunningWithoutNodeName", `pod ${podName(p)} is ${p.status?.phase}${running ? " with a running container" : ""} but has no spec.nodeName`));
  }
  return out;
}

/**
 * The requests of the pods bound to a node never exceed its allocatable (cpu, memory, pods): a
 * node is never overcommitted. The pods counted are those the scheduler's cache holds: bound
 * (spec.nodeName) and not terminal (its informer's status.phase!=Succeeded,status.phase!=Failed),
 * terminating ones included, each at resourcehelper.PodRequests of what its kubelet admitted (a
 * container's status allocatedResources where it reports them: a pending resize asks more than it holds).
 */
export function allocatableNeverExceeded(w: World): Violation[] {
  const out: Violation[] = [];
  const byNode = new Map<string, any[]>();
  for (const p of w.list("Pod")) {
    const n = p.spec?.nodeName;
    if (!n || terminal(p)) continue;
    let a = byNode.get(n);
    if (!a) byNode.set(n, (a = []));
    a.push(p);
  }
  for (const node of w.list("Node")) {
    const pods = byNode.get(node.metadata.name) ?? [];
    const alloc = node.status?.allocatable ?? {};
    let cpu = 0;
    let mem = 0;
    for (const p of pods) {
      const r = requestsOf(p);
      cpu += r.cpu;
      mem += r.memory;
    }
    if (alloc.cpu !== undefined && cpu > milli(alloc.cpu)) out.push(v("allocatableNeverExceeded", `node ${node.metadata.name}: pods request ${cpu}m cpu, allocatable ${alloc.cpu}`));
    if (alloc.memory !== undefined && mem > quantity(alloc.memory)) out.push(v("allocatableNeverExceeded", `node ${node.metadata.name}: pods request ${mem} bytes of memory, allocatable ${alloc.memory}`));
    if (alloc.pods !== undefined && pods.length > quantity(alloc.pods)) out.push(v("allocatableNeverExceeded", `node ${node.metadata.name}: ${pods.length} pods, allocatable ${alloc.pods}`));
  }
  return out;
}

// Stored objects are frozen and replaced on every change: a pod's requests are computed once per version.
const requestMemo = new WeakMap<object, { cpu: number; memory: number }>();

function requestsOf(p: any): { cpu: number; memory: number } {
  let r = requestMemo.get(p);
  if (!r) {
    const admitted = asAllocated(p);
    requestMemo.set(p, (r = { cpu: podRequest(admitted, "cpu"), memory: podRequest(admitted, "memory") }));
  }
  return r;
}

/**
 * The pod as its node admitted it: a container whose status reports allocatedResources requests
 * those (an in-place resize the kubelet deferred or found infeasible leaves the spec asking more
 * than the node gave; one it took is allocated before it is applied).
 */
function asAllocated(p: any): any {
  const statuses = [...(p.status?.containerStatuses ?? []), ...(p.status?.initContainerStatuses ?? [])];
  const allocated = new Map<string, any>();
  for (const s of statuses) if (s?.allocatedResources) allocated.set(s.name, s.allocatedResources);
  if (allocated.size === 0) return p;
  const put = (c: any) => (allocated.has(c?.name) ? { ...c, resources: { ...c.resources, requests: allocated.get(c.name) } } : c);
  return { ...p, spec: { ...p.spec, containers: (p.spec?.containers ?? []).map(put), initContainers: (p.spec?.initContainers ?? []).map(put) } };
}

/**
 * Pod IPs are unique among live pods (host-network pods share their node's IP and are left out). A
 * pod whose status is `stale` (it trails what its node did) is left out too; it is asked only of
 * pods that share an IP, so the common step costs one pass.
 */
export function uniquePodIPs(w: World, stale: (p: any) => boolean = () => false): Violation[] {
  const out: Violation[] = [];
  const seen = new Map<string, any>();
  let shared: any[] | undefined;
  for (const p of w.list("Pod")) {
    const ip = p.status?.podIP;
    if (!ip || p.spec?.hostNetwork || terminal(p)) continue;
    if (seen.has(ip)) (shared ??= []).push(p);
    else seen.set(ip, p);
  }
  if (!shared) return out;
  const holder = new Map<string, any>();
  for (const p of w.list("Pod")) {
    const ip = p.status?.podIP;
    if (!ip || p.spec?.hostNetwork || terminal(p) || !(seen.get(ip) === p || shared.includes(p)) || stale(p)) continue;
    const other = holder.get(ip);
    if (other) out.push(v("uniquePodIPs", `pods ${podName(other)} and ${podName(p)} both have IP ${ip}`));
    else holder.set(ip, p);
  }
  return out;
}

const phaseRank: Record<string, number> = { Pending: 0, Running: 1, Succeeded: 2, Failed: 2 };

/** Remembers what earlier steps saw, for the invariants about change. */
export class Monitor {
  private readonly nodeNames = new Map<string, string>();
  private readonly phases = new Map<string, string>();
  private revision = 0;
  /** pod uid -> the starts of its node's runtime when the pod was first seen Running */
  private readonly runningOn = new Map<string, number>();

  /** spec.nodeName is set at most once and never changes: a pod is bound to one node only. */
  nodeNameSetOnce(w: World): Violation[] {
    const out: Violation[] = [];
    for (const p of w.list("Pod")) {
      const uid = p.metadata.uid;
      const n = p.spec?.nodeName;
      const before = this.nodeNames.get(uid);
      if (before !== undefined && before !== n) out.push(v("nodeNameSetOnce", `pod ${podName(p)} moved from node ${before} to ${n ?? "(none)"}`));
      if (n) this.nodeNames.set(uid, n);
    }
    return out;
  }

  /**
   * Phases only move forward (Pending, Running, then Succeeded or Failed); Succeeded and Failed are
   * terminal: a pod in either never changes phase (the kubelet's generateAPIPodStatus forces the
   * API's terminal phase back). One way back is Kubernetes' own: after a node reboot that wiped the
   * runtime, a Running pod's containers are gone and getPhase says Pending until they run again
   * (kubernetes#126650 expects it), so Running -> Pending is allowed once the pod's node's runtime
   * has started afresh since the pod was first seen Running.
   */
  phasesOnlyMoveForward(w: World): Violation[] {
    const out: Violation[] = [];
    for (const p of w.list("Pod")) {
      const uid = p.metadata.uid;
      const now = p.status?.phase ?? "Pending";
      const before = this.phases.get(uid);
      const node = p.spec?.nodeName;
      const starts = node && w.runtimeStarts ? w.runtimeStarts(node) : 0;
      if (before !== undefined && before !== now) {
        const rebooted = before === "Running" && now === "Pending" && starts > (this.runningOn.get(uid) ?? Infinity);
        if ((phaseRank[now]! < phaseRank[before]! && !rebooted) || phaseRank[before] === 2) out.push(v("phasesOnlyMoveForward", `pod ${podName(p)} went from ${before} to ${now}`));
      }
      this.phases.set(uid, now);
      // Taken when the pod is first seen Running: a reboot of its node since then is what allows Pending
      // (a held status write of the pod may land after the reboot and show Running once more).
      if (now === "Running" && !this.runningOn.has(uid)) this.runningOn.set(uid, starts);
    }
    return out;
  }

  /** pod uid -> its podIP and the starts of its node's runtime when that IP was first seen */
  private readonly ipSeen = new Map<string, { ip: string; starts: number }>();

  /**
   * uniquePodIPs, except for a pod whose status trails its node (PodStatus "may trail the actual
   * state of a system"), so that host-local may already have handed its address to another pod:
   * its IP was reported before its node's runtime last started (after a reboot its sandbox and
   * address are gone, and the status trails until the kubelet writes the new sandbox's IP), or it
   * has no ready sandbox on its node any more (its containers ended and the kubelet stopped the
   * sandbox and released the address with CNI DEL, while the status write saying so is still on its
   * way). An IP held by two live sandboxes is podIPNotSharedByLiveSandboxes' to judge.
   */
  uniquePodIPs(w: World): Violation[] {
    const startsOf = (p: any) => (p.spec?.nodeName && w.runtimeStarts ? w.runtimeStarts(p.spec.nodeName) : 0);
    for (const p of w.list("Pod")) {
      const ip = p.status?.podIP;
      if (!ip) continue;
      const was = this.ipSeen.get(p.metadata.uid);
      if (was?.ip !== ip) this.ipSeen.set(p.metadata.uid, { ip, starts: startsOf(p) });
    }
    const sandboxGone = (p: any) => !!w.liveSandboxPods && !!p.spec?.nodeName && !w.liveSandboxPods(p.spec.nodeName).has(p.metadata.uid);
    return uniquePodIPs(w, (p) => startsOf(p) > (this.ipSeen.get(p.metadata.uid)?.starts ?? Infinity) || sandboxGone(p));
  }

  /** etcd's revision only grows. */
  etcdRevisionOnlyGrows(w: World): Violation[] {
    const r = w.etcdRevision();
    const out = r < this.revision ? [v("etcdRevisionOnlyGrows", `etcd revision went from ${this.revision} to ${r}`)] : [];
    this.revision = Math.max(this.revision, r);
    return out;
  }

  /** Every stateless and stateful core invariant. */
  check(w: World): Violation[] {
    return [
      ...neverRunningWithoutNodeName(w),
      ...allocatableNeverExceeded(w),
      ...this.uniquePodIPs(w),
      ...this.nodeNameSetOnce(w),
      ...this.phasesOnlyMoveForward(w),
      ...this.etcdRevisionOnlyGrows(w),
    ];
  }
}
