// Invariants of a node, judged from the kubelet's CRI and CNI messages and the runtime's state:
// what a real kubelet guarantees because RunPodSandbox returns only once the network is set up
// (kuberuntime SyncPod: sandbox, then its IP, then containers), because an IP is one sandbox's
// until CNI DEL (host-local IPAM), and because killContainer gives SIGTERM the pod's grace period
// before SIGKILL.

import type { Runtime } from "../../runtime/runtime.js";
import { containerStateOf, sandboxReady } from "./k8s.js";
import { etcdChanges, nodeOf, objName, requestKey, runtimeContainer, storedObject, watching } from "./observe.js";

/** The sandboxes whose CNI ADD returned an IP (per node), until their CNI DEL: the network a kubelet may start containers on. */
class SandboxIPs {
  /** `${node}|${sandboxId}` -> ip */
  readonly ipOf = new Map<string, string>();
  /** `${node}|${ip}` -> sandboxes holding it */
  readonly holders = new Map<string, Set<string>>();
  /** node -> the start of its runtime the entries belong to */
  private readonly runtimeStart = new Map<string, number>();

  constructor(private readonly rt: Runtime) {}

  /** A runtime started afresh (a node reboot) holds none of the sandboxes before it, and may name new ones as it named those. */
  private forgetIfRestarted(node: string): void {
    const start = this.rt.incarnation(`cri/${node}`);
    if (this.runtimeStart.get(node) === start) return;
    this.runtimeStart.set(node, start);
    const prefix = `${node}|`;
    for (const m of [this.ipOf, this.holders]) for (const k of [...m.keys()]) if (k.startsWith(prefix)) m.delete(k);
  }

  /** Follows one delivered message; returns the (node, sandbox, ip) an ADD result just assigned. */
  see(from: string, to: string, msg: any): { node: string; sandboxId: string; ip: string } | undefined {
    const agent = [from, to].find((a) => a.startsWith("cri/") || a.startsWith("cni/"));
    if (agent !== undefined) this.forgetIfRestarted(nodeOf(agent));
    if (msg.type === "CniAddResult" && msg.ok && from.startsWith("cni/")) {
      const node = nodeOf(from);
      this.ipOf.set(`${node}|${msg.sandboxId}`, msg.ip);
      const k = `${node}|${msg.ip}`;
      let s = this.holders.get(k);
      if (!s) this.holders.set(k, (s = new Set()));
      s.add(msg.sandboxId);
      return { node, sandboxId: msg.sandboxId, ip: msg.ip };
    }
    if (msg.type === "CniDel" && to.startsWith("cni/")) {
      const node = nodeOf(to);
      const ip = this.ipOf.get(`${node}|${msg.sandboxId}`);
      this.ipOf.delete(`${node}|${msg.sandboxId}`);
      if (ip !== undefined) this.holders.get(`${node}|${ip}`)?.delete(msg.sandboxId);
    }
    return undefined;
  }
}

const podOfSandbox = (sb: any) => (sb ? `${sb.podNamespace}/${sb.podName}` : "(unknown pod)");

/** containersStartOnlyWithPodIP: StartContainer reaches a runtime only for a container whose sandbox got its IP from CNI ADD. */
export const containersStartOnlyWithPodIP = watching(
  "containersStartOnlyWithPodIP",
  "no container is started (CRI StartContainer) in a sandbox whose CNI ADD has not returned an IP (host-network pods aside)",
  ({ rt, report }) => {
    const ips = new SandboxIPs(rt);
    rt.deliveryHooks.push((from, to, msg) => {
      ips.see(from, to, msg);
      if (msg.type !== "StartContainer" || !to.startsWith("cri/")) return;
      const node = nodeOf(to);
      const found = runtimeContainer(rt, node, msg.containerId);
      // Only a created container starts: a repeated StartContainer for a running or exited one is refused.
      if (!found || containerStateOf(found.c) !== "CONTAINER_CREATED") return;
      if (ips.ipOf.has(`${node}|${found.c.sandboxId}`)) return;
      const pod = found.sb ? storedObject(rt, "Pod", found.sb.podNamespace, found.sb.podName) : undefined;
      if (pod?.spec?.hostNetwork === true) return;
      report(`${from} started container ${found.c.name} of pod ${podOfSandbox(found.sb)} on ${node} before sandbox ${found.c.sandboxId} had an IP (no CNI ADD result for it)`);
    });
  },
);

/** podIPNotSharedByLiveSandboxes: an IP CNI handed out is held by at most one SANDBOX_READY sandbox of a node. */
export const podIPNotSharedByLiveSandboxes = watching(
  "podIPNotSharedByLiveSandboxes",
  "no IP is held by two live (SANDBOX_READY) sandboxes of a node: CNI hands an address out again only after its CNI DEL",
  ({ rt, report }) => {
    const ips = new SandboxIPs(rt);
    rt.deliveryHooks.push((from, to, msg) => {
      const added = ips.see(from, to, msg);
      if (!added) return;
      const sandboxes: Map<string, any> | undefined = rt.snapshot(`cri/${added.node}`)?.context?.sandboxes;
      const live = [...(ips.holders.get(`${added.node}|${added.ip}`) ?? [])].filter((id) => sandboxReady(sandboxes?.get(id)));
      if (live.length > 1) report(`${added.ip} on ${added.node} is held by ${live.length} live sandboxes: ${live.map((id) => `${id} (pod ${podOfSandbox(sandboxes?.get(id))})`).join(", ")}`);
    });
  },
);

/**
 * The shortest grace period a kubelet may give this container (killContainer's
 * setTerminationGracePeriod, then the pod worker's floor of 1 s): the pod's deletionGracePeriodSeconds
 * as stored (it only ever shortens), else spec.terminationGracePeriodSeconds (30 by default), or
 * a liveness or startup probe's own terminationGracePeriodSeconds. A pod already gone from the API
 * server is killed with the floor.
 */
export function gracePeriodFloor(pod: any, containerName: string): number {
  if (!pod) return 1;
  const candidates: number[] = [pod.spec?.terminationGracePeriodSeconds ?? 30];
  const c = (pod.spec?.containers ?? []).find((x: any) => x?.name === containerName) ?? (pod.spec?.initContainers ?? []).find((x: any) => x?.name === containerName);
  for (const probe of [c?.livenessProbe, c?.startupProbe]) if (typeof probe?.terminationGracePeriodSeconds === "number") candidates.push(probe.terminationGracePeriodSeconds);
  if (typeof pod.metadata?.deletionGracePeriodSeconds === "number") candidates.push(pod.metadata.deletionGracePeriodSeconds);
  return Math.max(1, Math.min(...candidates));
}

/** The stored pod a sandbox belongs to (same uid), or undefined when it is gone. */
function podOf(rt: Runtime, sb: any): any {
  const p = sb ? storedObject(rt, "Pod", sb.podNamespace, sb.podName) : undefined;
  return p && p.metadata?.uid === sb.podUid ? p : undefined;
}

/**
 * gracePeriodHonoured: every StopContainer carries at least the pod's grace period as its timeout,
 * and a container the runtime SIGKILLs (exit 137) was sent StopContainer at least that long before.
 */
export const gracePeriodHonoured = watching(
  "gracePeriodHonoured",
  "the kubelet gives a container the pod's grace period: StopContainer's timeout is at least it, and SIGKILL (exit 137) comes no sooner after the first StopContainer",
  ({ rt, report }) => {
    /** `${node}|${containerId}` -> when the first StopContainer reached the runtime, and for which pod */
    const stops = new Map<string, { at: number; sb: any; name: string }>();
    rt.deliveryHooks.push((from, to, msg) => {
      if (msg.type === "StopContainer" && to.startsWith("cri/")) {
        const node = nodeOf(to);
        const found = runtimeContainer(rt, node, msg.containerId);
        if (!found || containerStateOf(found.c) !== "CONTAINER_RUNNING") return;
        const key = `${node}|${msg.containerId}`;
        if (!stops.has(key)) stops.set(key, { at: rt.now, sb: found.sb, name: found.c.name });
        const floor = gracePeriodFloor(podOf(rt, found.sb), found.c.name);
        if (msg.timeoutSeconds < floor) report(`${from} stopped container ${found.c.name} of pod ${podOfSandbox(found.sb)} with timeoutSeconds ${msg.timeoutSeconds}, less than the pod's grace period of ${floor} s`);
        return;
      }
      if (msg.type === "ContainerExited" && from.startsWith("cri/") && msg.exitCode === 137 && msg.reason === "Error") {
        const node = nodeOf(from);
        const key = `${node}|${msg.containerId}`;
        const stop = stops.get(key);
        stops.delete(key);
        if (!stop) {
          const found = runtimeContainer(rt, node, msg.containerId);
          report(`cri/${node} SIGKILLed container ${found?.c.name ?? msg.containerId} of pod ${podOfSandbox(found?.sb)} without a StopContainer (no grace period at all)`);
          return;
        }
        const floor = gracePeriodFloor(podOf(rt, stop.sb), stop.name);
        const waited = msg.finishedAt - stop.at;
        if (waited < floor * 1000) report(`cri/${node} SIGKILLed container ${stop.name} of pod ${podOfSandbox(stop.sb)} ${waited} ms after StopContainer, before the pod's grace period of ${floor} s`);
      } else if (msg.type === "ContainerExited" && from.startsWith("cri/")) stops.delete(`${nodeOf(from)}|${msg.containerId}`);
    });
  },
);

/** The kubelet's floor on any grace period (kuberuntime_container.go minimumGracePeriodInSeconds). */
const kubeletMinimumGracePeriodSeconds = 2;

/**
 * deletionGracePeriodNotExceeded: a pod deleted with a grace period is killed within it. The DELETE's
 * gracePeriodSeconds becomes metadata.deletionGracePeriodSeconds, and the kubelet's killContainer
 * takes that over spec.terminationGracePeriodSeconds ("the kubelet ... waits for the grace period
 * the DELETE gave", kubectl delete --grace-period), raised to its 2 s minimum. So a StopContainer the
 * kubelet sends for a pod it has been delivered with deletionGracePeriodSeconds g carries a timeout of
 * at most max(g, 2): judged on the kubelet's own view, as a stop decided before it saw the DELETE may
 * still carry the longer grace.
 */
export const deletionGracePeriodNotExceeded = watching(
  "deletionGracePeriodNotExceeded",
  "a StopContainer for a pod the kubelet has been delivered deleted with deletionGracePeriodSeconds g carries a timeout of at most max(g, 2 s)",
  ({ rt, report }) => {
    /** `${kubelet}#${incarnation}|${pod uid}` -> the deletionGracePeriodSeconds of the last version delivered to it */
    const seen = new Map<string, number | undefined>();
    const keyOf = (kubelet: string, uid: string) => `${kubelet}#${rt.incarnation(kubelet)}|${uid}`;
    const learn = (kubelet: string, pod: any) => {
      const uid = pod?.metadata?.uid;
      if (typeof uid !== "string") return;
      const g = pod.metadata?.deletionGracePeriodSeconds;
      // a grace period only shrinks once set (the API server refuses to lengthen it)
      const prev = seen.get(keyOf(kubelet, uid));
      if (typeof g === "number") seen.set(keyOf(kubelet, uid), prev === undefined ? g : Math.min(prev, g));
      else if (!seen.has(keyOf(kubelet, uid))) seen.set(keyOf(kubelet, uid), undefined);
    };
    rt.deliveryHooks.push((from, to, msg) => {
      if (from === "apiserver" && to.startsWith("kubelet/")) {
        if (msg.type === "WatchEvent" && msg.object?.kind !== undefined && msg.object.kind !== "Pod") return;
        if (msg.type === "WatchEvent") learn(to, msg.object);
        else if (msg.type === "ApiResponse" && msg.ok) {
          if (Array.isArray(msg.object?.items) && (msg.object.kind ?? "PodList") === "PodList") for (const p of msg.object.items) learn(to, p);
          else if (msg.object?.kind === "Pod") learn(to, msg.object);
        }
        return;
      }
      if (msg.type !== "StopContainer" || !from.startsWith("kubelet/") || !to.startsWith("cri/")) return;
      const found = runtimeContainer(rt, nodeOf(to), msg.containerId);
      const uid = found?.sb?.podUid;
      if (typeof uid !== "string") return;
      const g = seen.get(keyOf(from, uid));
      if (g === undefined) return;
      const most = Math.max(g, kubeletMinimumGracePeriodSeconds);
      if (typeof msg.timeoutSeconds === "number" && msg.timeoutSeconds > most) report(`${from} stopped container ${found!.c.name} of pod ${podOfSandbox(found!.sb)} with timeoutSeconds ${msg.timeoutSeconds}, though it had been delivered the pod deleted with deletionGracePeriodSeconds ${g} (at most ${most} s)`);
    });
    return undefined;
  },
);

/**
 * finishedPodNeverRunsAgain: Succeeded and Failed are final. "All containers in the Pod have
 * terminated ... and will not be restarted" (pod lifecycle docs): a kubelet that has received a pod
 * in a terminal phase (a watch event or a list, this process; a restarted one must learn it again)
 * never creates a sandbox for it again (CRI RunPodSandbox), as its pod workers send such a pod
 * straight to SyncTerminatedPod (pod_workers.go, kubernetes#105523).
 */
export const finishedPodNeverRunsAgain = watching(
  "finishedPodNeverRunsAgain",
  "a kubelet never creates a sandbox (CRI RunPodSandbox) for a pod it has received Succeeded or Failed",
  ({ rt, report }) => {
    /** per kubelet: its incarnation and the uids of the pods it received terminal */
    const known = new Map<string, { incarnation: number; finished: Map<string, string> }>();
    const stateOf = (a: string) => {
      let s = known.get(a);
      const inc = rt.incarnation(a);
      if (!s || s.incarnation !== inc) known.set(a, (s = { incarnation: inc, finished: new Map() }));
      return s;
    };
    const learn = (kubelet: string, pod: any) => {
      const phase = pod?.status?.phase;
      if ((phase === "Succeeded" || phase === "Failed") && pod.metadata?.uid) stateOf(kubelet).finished.set(pod.metadata.uid, phase);
    };
    rt.deliveryHooks.push((from, to, msg) => {
      if (from === "apiserver" && to.startsWith("kubelet/")) {
        if (msg.type === "WatchEvent" && msg.object?.kind === "Pod") learn(to, msg.object);
        else if (msg.type === "ApiResponse" && msg.ok && msg.object?.kind === "PodList") for (const p of msg.object.items ?? []) learn(to, p);
        return;
      }
      if (msg.type !== "RunPodSandbox" || !from.startsWith("kubelet/") || !to.startsWith("cri/")) return;
      const phase = stateOf(from).finished.get(msg.podUid);
      if (phase) report(`${from} created a sandbox for pod ${msg.podNamespace}/${msg.podName} (uid ${msg.podUid}) after it had received the pod ${phase}`);
    });
  },
);

/**
 * containerRunsWithItsSeccompProfile: the kubelet creates a container with the seccomp profile of
 * its own securityContext when that sets one, else the pod's; with neither it runs Unconfined (the
 * kubelet's seccompDefault is off by default; kuberuntime/helpers.go getSeccompProfile, and the
 * pod security docs: "the container's setting overrides the pod's"). Judged on each CRI
 * CreateContainer against the pod the kubelet was sent (the sandbox it made for the pod's uid):
 * a Localhost profile is compared by its type and its file's name.
 */
export const containerRunsWithItsSeccompProfile = watching(
  "containerRunsWithItsSeccompProfile",
  "a container is created with its own securityContext's seccomp profile, else its pod's, else Unconfined",
  ({ rt, report }) => {
    /** per kubelet process: pods by uid, sandbox requests by id, sandboxes by id */
    const known = new Map<string, { incarnation: number; pods: Map<string, any>; asked: Map<number, string>; sandboxes: Map<string, string> }>();
    const stateOf = (a: string) => {
      let s = known.get(a);
      const inc = rt.incarnation(a);
      if (!s || s.incarnation !== inc) known.set(a, (s = { incarnation: inc, pods: new Map(), asked: new Map(), sandboxes: new Map() }));
      return s;
    };
    const learn = (kubelet: string, pod: any) => {
      if (pod?.metadata?.uid) stateOf(kubelet).pods.set(pod.metadata.uid, pod);
    };
    const typeOf = (p: any): string | undefined => (p && typeof p.type === "string" ? p.type : undefined);
    rt.deliveryHooks.push((from, to, msg) => {
      if (from === "apiserver" && to.startsWith("kubelet/")) {
        if (msg.type === "WatchEvent" && msg.object?.kind === "Pod") learn(to, msg.object);
        else if (msg.type === "ApiResponse" && msg.ok && msg.object?.kind === "PodList") for (const p of msg.object.items ?? []) learn(to, p);
        return;
      }
      if (from.startsWith("cri/") && to.startsWith("kubelet/") && msg.type === "RunPodSandboxResult") {
        const s = stateOf(to);
        const uid = s.asked.get(msg.id);
        if (uid !== undefined && msg.sandboxId) s.sandboxes.set(msg.sandboxId, uid);
        return;
      }
      if (!from.startsWith("kubelet/") || !to.startsWith("cri/")) return;
      if (msg.type === "RunPodSandbox") return void stateOf(from).asked.set(msg.id, msg.podUid);
      if (msg.type !== "CreateContainer") return;
      const s = stateOf(from);
      const uid = s.sandboxes.get(msg.sandboxId);
      const pod = uid !== undefined ? s.pods.get(uid) : undefined;
      if (!pod) return;
      const name = msg.container?.name;
      const spec = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((c: any) => c?.name === name);
      if (!spec) return;
      const own = spec.securityContext?.seccompProfile;
      const podLevel = pod.spec?.securityContext?.seccompProfile;
      const want = own ?? podLevel;
      const wantType = typeOf(want) ?? "Unconfined";
      const gotType = typeOf(msg.seccomp) ?? "Unconfined";
      const file = (p: any) => String(p ?? "").split("/").pop();
      const sameFile = wantType !== "Localhost" || file(want?.localhostProfile) === file(msg.seccomp?.localhostRef);
      if (gotType !== wantType || !sameFile) {
        report(`${from} created container ${name} of pod ${pod.metadata?.namespace ?? ""}/${pod.metadata?.name} with seccomp ${gotType}${msg.seccomp?.localhostRef ? ` (${msg.seccomp.localhostRef})` : ""}, but its spec asks for ${wantType}${want?.localhostProfile ? ` (${want.localhostProfile})` : ""} (${own ? "the container's own profile" : podLevel ? "the pod's profile" : "no profile: Unconfined"})`);
      }
    });
    return undefined;
  },
);

/**
 * nodeLeaseRenewedWhileAnswered: a kubelet renews its node's Lease every renewInterval (a quarter
 * of leaseDurationSeconds, 10 s of the default 40 s), and when a renewal is refused with 409 Conflict
 * (someone else wrote the Lease, or a lost answer made its copy stale) it reads the latest Lease and
 * renews from that (component-helpers lease controller: retryUpdateLease, on IsConflict,
 * backoffEnsureLease). So while the API server keeps answering its Lease writes, they are not
 * refused for longer than leaseDurationSeconds: past that the node lifecycle controller takes the
 * node for dead (Ready Unknown, tainted unreachable, its pods evicted) though the kubelet is alive.
 * Judged on the kubelet's own Lease writes and their answers, per kubelet process (a restarted one
 * starts afresh): more refusals than fit in leaseDurationSeconds of renewals, over more than
 * leaseDurationSeconds, with none succeeding.
 */
export const nodeLeaseRenewedWhileAnswered = watching(
  "nodeLeaseRenewedWhileAnswered",
  "a kubelet whose Lease writes the API server answers is not refused (409 Conflict) for longer than the Lease's leaseDurationSeconds: on a conflict it renews from the latest Lease",
  ({ rt, report }) => {
    /** request key -> the kubelet that wrote its Lease */
    const writes = new Map<string, string>();
    /** kubelet address -> its incarnation, when its Lease writes began to be refused, how many were */
    const refused = new Map<string, { incarnation: number; since: number; count: number; reported: boolean }>();
    rt.deliveryHooks.push((from, to, msg) => {
      if (msg.type === "ApiRequest" && to === "apiserver" && from.startsWith("kubelet/")) {
        if (msg.resource === "leases" && (msg.verb === "update" || msg.verb === "create")) writes.set(requestKey(rt, from, msg.id), from);
        return;
      }
      if (msg.type !== "ApiResponse" || from !== "apiserver" || !to.startsWith("kubelet/")) return;
      const k = requestKey(rt, to, msg.id);
      if (!writes.has(k)) return;
      writes.delete(k);
      const incarnation = rt.incarnation(to);
      let r = refused.get(to);
      if (r && r.incarnation !== incarnation) refused.delete(to), (r = undefined);
      if (msg.ok) return void refused.delete(to);
      if (msg.code !== 409) return;
      if (!r) refused.set(to, (r = { incarnation, since: rt.now, count: 0, reported: false }));
      r.count++;
      const node = nodeOf(to);
      const lease = storedObject(rt, "Lease", "kube-node-lease", node);
      const durationMs = (lease?.spec?.leaseDurationSeconds ?? 40) * 1000;
      // renewals every quarter of the duration: more refusals than that many, for longer than it
      if (!r.reported && r.count > 4 && rt.now - r.since > durationMs) {
        r.reported = true;
        report(`${to}: its Lease writes were refused with 409 Conflict ${r.count} times over ${Math.round((rt.now - r.since) / 1000)} s with none succeeding (the Lease, renewed at ${lease?.spec?.renewTime ?? "never"}, lasts ${durationMs / 1000} s): it never renewed from the latest Lease`);
      }
    });
    return undefined;
  },
);

/**
 * podRemovedOnlyAfterContainersStopped: deleting a pod bound to a node is graceful. The API server
 * sets deletionTimestamp and deletionGracePeriodSeconds (the request's gracePeriodSeconds, else
 * spec.terminationGracePeriodSeconds, 30 by default: the pod strategy's CheckGracefulDelete) and
 * keeps the pod; the kubelet stops its containers within that period and only then removes the pod
 * with a delete of grace 0 ("Termination of Pods": the API server deletes the Pod object once the
 * kubelet has finished). So a bound pod that has not finished leaves the API only once no container
 * of it runs on its node, unless its grace period is 0 (spec.terminationGracePeriodSeconds 0) or
 * someone other than its kubelet force-deleted it (a delete asking gracePeriodSeconds 0: kubectl
 * --force, the pod GC).
 */
export const podRemovedOnlyAfterContainersStopped = watching(
  "podRemovedOnlyAfterContainersStopped",
  "a bound pod that has not finished is removed from the API only when none of its containers runs on its node, unless its grace period is 0 or it was force-deleted",
  ({ rt, report }) => {
    const changes = etcdChanges(rt);
    /** `${namespace}/${name}` of the pods a client other than a kubelet deleted with gracePeriodSeconds 0 */
    const forced = new Set<string>();
    rt.deliveryHooks.push((from, to, msg) => {
      if (msg.type !== "ApiRequest" || to !== "apiserver" || msg.resource !== "pods" || from.startsWith("kubelet/")) return;
      const grace = msg.gracePeriodSeconds ?? msg.body?.gracePeriodSeconds;
      if ((msg.verb === "delete" || msg.verb === "deletecollection") && grace === 0) forced.add(msg.verb === "delete" ? `${msg.namespace}/${msg.name}` : `${msg.namespace}/*`);
    });
    return () => {
      for (const { obj, prev } of changes()) {
        if (obj || prev?.kind !== "Pod") continue;
        const node = prev.spec?.nodeName;
        const phase = prev.status?.phase;
        if (!node || phase === "Succeeded" || phase === "Failed" || prev.spec?.terminationGracePeriodSeconds === 0) continue;
        if (forced.has(`${prev.metadata.namespace}/${prev.metadata.name}`) || forced.has(`${prev.metadata.namespace}/*`)) continue;
        const ctx = rt.snapshot(`cri/${node}`)?.context;
        const running: string[] = [];
        for (const c of ctx?.containers?.values() ?? []) {
          if (containerStateOf(c) === "CONTAINER_RUNNING" && ctx.sandboxes?.get(c.sandboxId)?.podUid === prev.metadata.uid) running.push(c.name);
        }
        if (running.length > 0) report(`pod ${objName(prev)} was removed from the API while container${running.length > 1 ? "s" : ""} ${running.join(", ")} still ran on ${node} (deletionGracePeriodSeconds ${prev.metadata.deletionGracePeriodSeconds ?? "unset"}, terminationGracePeriodSeconds ${prev.spec?.terminationGracePeriodSeconds ?? 30})`);
      }
    };
  },
);

/**
 * kubeletEventNamesItsContainer: an event the kubelet records about one of a pod's containers names
 * it by where the pod's spec lists it: spec.containers{name}, spec.initContainers{name} or
 * spec.ephemeralContainers{name} (pkg/kubelet/container/ref.go fieldPath, which kubectl describe
 * and every event consumer read to tell an init container's Pulled, Created and Started from the
 * app container's). Judged on each Event the kubelet creates against the pod it was sent (by the
 * involved object's uid); a container's name is unique across the three lists (validation).
 */
export const kubeletEventNamesItsContainer = watching(
  "kubeletEventNamesItsContainer",
  "an event the kubelet records about a container names it by its pod spec's list: spec.containers{name}, spec.initContainers{name} or spec.ephemeralContainers{name}",
  ({ rt, report }) => {
    /** per kubelet process: the pods it was sent, by uid */
    const known = new Map<string, { incarnation: number; pods: Map<string, any> }>();
    const podsOf = (a: string) => {
      let s = known.get(a);
      const inc = rt.incarnation(a);
      if (!s || s.incarnation !== inc) known.set(a, (s = { incarnation: inc, pods: new Map() }));
      return s.pods;
    };
    const learn = (kubelet: string, pod: any) => {
      if (pod?.metadata?.uid) podsOf(kubelet).set(pod.metadata.uid, pod);
    };
    const lists: Array<[string, string]> = [["containers", "spec.containers"], ["initContainers", "spec.initContainers"], ["ephemeralContainers", "spec.ephemeralContainers"]];
    rt.deliveryHooks.push((from, to, msg) => {
      if (from === "apiserver" && to.startsWith("kubelet/")) {
        if (msg.type === "WatchEvent" && msg.object?.kind === "Pod") learn(to, msg.object);
        else if (msg.type === "ApiResponse" && msg.ok && msg.object?.kind === "PodList") for (const p of msg.object.items ?? []) learn(to, p);
        return;
      }
      if (!from.startsWith("kubelet/") || to !== "apiserver" || msg.type !== "ApiRequest" || msg.verb !== "create" || msg.resource !== "events") return;
      const inv = msg.body?.involvedObject;
      const path = inv?.fieldPath;
      if (inv?.kind !== "Pod" || typeof path !== "string" || path === "") return;
      const pod = podsOf(from).get(inv.uid);
      if (!pod) return;
      const m = /^(spec\.[A-Za-z]+)\{(.*)\}$/.exec(path);
      const name = m?.[2];
      const where = lists.find(([key]) => (pod.spec?.[key] ?? []).some((c: any) => c?.name === name));
      if (m && where && m[1] === where[1]) return;
      const want = where ? `${where[1]}{${name}}` : "a container of the pod";
      report(`${from} recorded ${msg.body?.reason ?? "an"} event on pod ${inv.namespace ?? ""}/${inv.name} with fieldPath ${path}, but the pod's spec lists that container as ${want}`);
    });
    return undefined;
  },
);

/** The pods each kubelet process was sent, by uid (what a kubelet-side invariant judges against). */
function podsSentToKubelets(rt: Runtime): (kubelet: string) => Map<string, any> {
  const known = new Map<string, { incarnation: number; pods: Map<string, any> }>();
  const podsOf = (a: string) => {
    let s = known.get(a);
    const inc = rt.incarnation(a);
    if (!s || s.incarnation !== inc) known.set(a, (s = { incarnation: inc, pods: new Map() }));
    return s.pods;
  };
  rt.deliveryHooks.push((from, to, msg) => {
    if (from !== "apiserver" || !to.startsWith("kubelet/")) return;
    const learn = (pod: any) => void (pod?.metadata?.uid && podsOf(to).set(pod.metadata.uid, pod));
    if (msg.type === "WatchEvent" && msg.object?.kind === "Pod") learn(msg.object);
    else if (msg.type === "ApiResponse" && msg.ok && msg.object?.kind === "PodList") for (const p of msg.object.items ?? []) learn(p);
  });
  return podsOf;
}

/**
 * claimMountedReadOnlyWhenAsked: a persistentVolumeClaim volume with readOnly: true is mounted
 * read-only ("Will force the ReadOnly setting in VolumeMounts", core/v1
 * PersistentVolumeClaimVolumeSource; the volume spec's ReadOnly becomes the mounter's, and
 * makeMounts mounts read-only whatever the volumeMount says). Judged on each sandbox the kubelet
 * asks its runtime for, against the pod it was sent: the claim's node directory is read-only.
 */
export const claimMountedReadOnlyWhenAsked = watching(
  "claimMountedReadOnlyWhenAsked",
  "a persistentVolumeClaim volume with readOnly: true is mounted read-only",
  ({ rt, report }) => {
    const podsOf = podsSentToKubelets(rt);
    rt.deliveryHooks.push((from, to, msg) => {
      if (!from.startsWith("kubelet/") || !to.startsWith("cri/") || msg.type !== "RunPodSandbox" || !msg.hostPaths) return;
      const pod = podsOf(from).get(msg.podUid);
      for (const v of pod?.spec?.volumes ?? []) {
        if (v?.persistentVolumeClaim?.readOnly !== true || !Object.hasOwn(msg.hostPaths, v.name)) continue;
        if (msg.hostPaths[v.name]?.readOnly !== true) report(`${from} mounted claim ${v.persistentVolumeClaim.claimName} (volume ${v.name}) of pod ${msg.podNamespace}/${msg.podName} writable, but the volume says readOnly: true`);
      }
    });
    return undefined;
  },
);

/**
 * kubeletRequestsTokenForItsAudience: the kubelet asks for a projected serviceAccountToken with the
 * source's audience, and with none only for a source that names none (the API server then issues
 * its own audiences): token manager requests `Audiences: []string{source.Audience}` when the
 * source sets one (volume/projected getServiceAccountToken). Judged on each TokenRequest the
 * kubelet creates, against the projected sources of the pod it was sent (by boundObjectRef's uid).
 */
export const kubeletRequestsTokenForItsAudience = watching(
  "kubeletRequestsTokenForItsAudience",
  "the kubelet requests a projected service account token with its source's audience, and without one only for a source that names none",
  ({ rt, report }) => {
    const podsOf = podsSentToKubelets(rt);
    rt.deliveryHooks.push((from, to, msg) => {
      if (!from.startsWith("kubelet/") || to !== "apiserver" || msg.type !== "ApiRequest" || msg.verb !== "create" || msg.resource !== "serviceaccounts" || msg.subresource !== "token") return;
      const ref = msg.body?.spec?.boundObjectRef;
      const pod = ref?.kind === "Pod" ? podsOf(from).get(ref.uid) : undefined;
      if (!pod) return;
      const audiences = new Set<string>();
      for (const v of pod.spec?.volumes ?? []) for (const s of v?.projected?.sources ?? []) if (s?.serviceAccountToken) audiences.add(s.serviceAccountToken.audience ?? "");
      const asked: unknown = msg.body?.spec?.audiences;
      const got = Array.isArray(asked) && asked.length > 0 ? asked.map(String) : [""];
      const stray = got.find((a) => !audiences.has(a));
      if (stray !== undefined) report(`${from} requested a token for pod ${objName(pod)} ${stray === "" ? "without an audience" : `for audience ${stray}`}, but its projected serviceAccountToken sources ask for ${[...audiences].map((a) => (a === "" ? "the API server's audiences" : a)).join(", ") || "none"}`);
    });
    return undefined;
  },
);
