// Invariants about what the scheduler and the kubelet promise a pod, judged from each stored
// version of the pod (stored objects are frozen and replaced on every change, so a version is
// judged once, at the step it is first seen, which is the step it was stored):
//   - podBoundOnlyToToleratingNode: the scheduler's TaintToleration filter;
//   - podBoundOnlyToMatchingNode: the scheduler's NodeAffinity filter (nodeSelector, required affinity);
//   - podSucceededOnlyWhenContainersSucceeded: the kubelet's getPhase;
//   - restartPolicyHonoured: the kubelet's ContainerShouldRestart;
//   - readyOnlyAfterReadinessProbe: the prober's initial Failure and initialDelaySeconds;
//   - containerReadyOnlyWhenStarted: the prober manager's readiness only for a started container.

import type { Runtime } from "../../runtime/runtime.js";
import type { InvariantSpec } from "./index.js";
import type { Violation, World } from "./core.js";
import { nodeMatchesPodAffinity, tolerates } from "./k8s.js";

const podName = (p: any) => `${p.metadata?.namespace}/${p.metadata?.name}`;
const taintText = (t: any) => `${t.key}${t.value ? "=" + t.value : ""}:${t.effect}`;

/** The taints the scheduler's filter refuses (TaintToleration: doNotScheduleTaints). */
const refusesScheduling = (t: any) => t?.effect === "NoSchedule" || t?.effect === "NoExecute";

/**
 * podBoundOnlyToToleratingNode: the scheduler binds a pod only to a node whose NoSchedule and
 * NoExecute taints the pod tolerates (TaintToleration's Filter; a toleration with tolerationSeconds
 * still tolerates for scheduling). Judged only against taints the node carried in every version
 * stored since the invariant began, so no cache of the scheduler's could have shown the node
 * without them (a taint added later races the scheduling cycle, as on a real cluster); and only for
 * pods first seen unbound (a pod created with spec.nodeName bypasses the scheduler).
 */
/**
 * The bindings the scheduler made since the last step: pods seen with a node whose earlier version
 * was seen unbound (a pod created with spec.nodeName bypasses the scheduler). Each stored version
 * is read once.
 */
function schedulerBindings(): (w: World) => { p: any; node: string }[] {
  /** pod uid -> still unbound when last seen */
  const unbound = new Map<string, boolean>();
  const seenPod = new WeakSet<object>();
  return (w) => {
    const out: { p: any; node: string }[] = [];
    for (const p of w.list("Pod")) {
      if (seenPod.has(p)) continue;
      seenPod.add(p);
      const uid = p.metadata.uid;
      const node = p.spec?.nodeName;
      const was = unbound.get(uid);
      unbound.set(uid, !node);
      if (node && was === true) out.push({ p, node });
    }
    return out;
  };
}

export const podBoundOnlyToToleratingNode: InvariantSpec = {
  name: "podBoundOnlyToToleratingNode",
  description: "the scheduler binds a pod only to a node whose NoSchedule and NoExecute taints (held in every stored version of the node) the pod tolerates",
  create() {
    /** node name -> uid and the scheduling-refusing taints in every version seen so far */
    const steady = new Map<string, { uid: string; taints: any[] }>();
    const seenNode = new WeakSet<object>();
    const bindings = schedulerBindings();
    return {
      step(w: World): Violation[] {
        for (const n of w.list("Node")) {
          if (seenNode.has(n)) continue;
          seenNode.add(n);
          const now = (n.spec?.taints ?? []).filter(refusesScheduling);
          const s = steady.get(n.metadata.name);
          // A node deleted and registered again starts afresh.
          if (!s || s.uid !== n.metadata.uid) steady.set(n.metadata.name, { uid: n.metadata.uid, taints: now });
          else s.taints = s.taints.filter((t) => now.some((x: any) => x.key === t.key && (x.value ?? "") === (t.value ?? "") && x.effect === t.effect));
        }
        const out: Violation[] = [];
        for (const { p, node } of bindings(w)) {
          const taints = steady.get(node)?.taints ?? [];
          const refused = taints.find((t) => !(p.spec?.tolerations ?? []).some((tol: any) => tolerates(tol, t)));
          if (refused) out.push({ invariant: "podBoundOnlyToToleratingNode", message: `pod ${podName(p)} was bound to node ${node}, whose taint ${taintText(refused)} (on every version of the node) it does not tolerate` });
        }
        return out;
      },
    };
  },
};

/**
 * podBoundOnlyToMatchingNode: the scheduler binds a pod only to a node whose labels satisfy the
 * pod's spec.nodeSelector and its requiredDuringSchedulingIgnoredDuringExecution node affinity
 * (NodeAffinity's Filter, UnschedulableAndUnresolvable otherwise; "the node must have each of the
 * indicated key-value pairs as labels", Assign Pods to Nodes). Judged against every version of the
 * node stored since the invariant began, so a scheduler cache holding older labels is no
 * violation; and only for pods first seen unbound (a pod created with spec.nodeName bypasses the
 * scheduler).
 */
export const podBoundOnlyToMatchingNode: InvariantSpec = {
  name: "podBoundOnlyToMatchingNode",
  description: "the scheduler binds a pod only to a node some stored version of which satisfies the pod's nodeSelector and required node affinity",
  create() {
    /** node name -> every distinct version of it seen (labels are what the filter reads) */
    const versions = new Map<string, any[]>();
    const seenNode = new WeakSet<object>();
    const bindings = schedulerBindings();
    return {
      step(w: World): Violation[] {
        for (const n of w.list("Node")) {
          if (seenNode.has(n)) continue;
          seenNode.add(n);
          const vs = versions.get(n.metadata.name) ?? [];
          const key = JSON.stringify(n.metadata?.labels ?? {});
          if (!vs.some((x) => JSON.stringify(x.metadata?.labels ?? {}) === key)) vs.push(n);
          versions.set(n.metadata.name, vs);
        }
        const out: Violation[] = [];
        for (const { p, node } of bindings(w)) {
          const vs = versions.get(node) ?? [];
          if (vs.length > 0 && !vs.some((n) => nodeMatchesPodAffinity(p, n))) {
            const wanted = JSON.stringify(p.spec?.nodeSelector ?? {});
            out.push({ invariant: "podBoundOnlyToMatchingNode", message: `pod ${podName(p)} was bound to node ${node}, whose labels (in every version stored) do not satisfy its nodeSelector ${wanted}${p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution ? " and required node affinity" : ""}` });
          }
        }
        return out;
      },
    };
  },
};

/**
 * podSucceededOnlyWhenContainersSucceeded: the kubelet's getPhase makes a pod Succeeded only
 * when every container stopped and each exited 0 ("Succeeded: All containers in the Pod have
 * terminated in success"; a non-zero exit under restartPolicy Never makes it Failed). So no stored
 * version of a Succeeded pod shows a regular (or non-restartable init) container terminated with
 * a non-zero exit code.
 */
export const podSucceededOnlyWhenContainersSucceeded = perPodVersion(
  "podSucceededOnlyWhenContainersSucceeded",
  "a pod is Succeeded only when every container terminated with exit code 0",
  (p) => {
    if (p.status?.phase !== "Succeeded") return [];
    const sidecars = new Set((p.spec?.initContainers ?? []).filter((c: any) => c?.restartPolicy === "Always").map((c: any) => c.name));
    const out: string[] = [];
    for (const s of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) {
      if (sidecars.has(s?.name)) continue;
      const code = s?.state?.terminated?.exitCode;
      if (code !== undefined && code !== 0) out.push(`pod ${podName(p)} is Succeeded, but its container ${s.name} terminated with exit code ${code}`);
    }
    return out;
  },
);

/**
 * restartPolicyHonoured: the kubelet restarts a container only as the pod's restartPolicy allows
 * (ContainerShouldRestart): never under Never, and under OnFailure only after a non-zero exit. So a
 * stored status never shows restartCount > 0 for a container of a Never pod, nor a restarted
 * container of an OnFailure pod whose last termination exited 0. Containers with a restartPolicy
 * or restart rules of their own (sidecars, KEP-5307) follow those and are left out.
 */
export const restartPolicyHonoured = perPodVersion(
  "restartPolicyHonoured",
  "a container is restarted only as its pod's restartPolicy allows: never under Never, only after a non-zero exit under OnFailure",
  (p) => {
    const out: string[] = [];
    const policy = p.spec?.restartPolicy ?? "Always";
    if (policy === "Always") return out;
    const specs = [...(p.spec?.initContainers ?? []), ...(p.spec?.containers ?? [])];
    for (const s of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) {
      if (!(s?.restartCount > 0)) continue;
      const c = specs.find((x: any) => x?.name === s.name);
      if (!c || c.restartPolicy !== undefined || c.restartPolicyRules !== undefined) continue;
      const exit = s.lastState?.terminated?.exitCode;
      if (policy === "Never") out.push(`container ${s.name} of pod ${podName(p)} (restartPolicy Never) was restarted ${s.restartCount} time(s)`);
      else if (policy === "OnFailure" && exit === 0) out.push(`container ${s.name} of pod ${podName(p)} (restartPolicy OnFailure) was restarted after exiting 0`);
    }
    return out;
  },
);

/** Milliseconds since the epoch of an RFC 3339 time (metav1.Time: second precision), or NaN. */
const timeOf = (s: unknown): number => (typeof s === "string" ? Date.parse(s) : NaN);

/**
 * readyOnlyAfterReadinessProbe: a container with a readiness probe starts not Ready (the prober's
 * initial result for readiness is Failure) and turns Ready only on a successful probe, and the
 * first probe runs no sooner than initialDelaySeconds after the container started. So a stored
 * status never shows such a container Ready before startedAt + initialDelaySeconds. (startedAt is
 * written to the second, rounded down, so the bound is never tighter than the truth.)
 */
export const readyOnlyAfterReadinessProbe = perPodVersion(
  "readyOnlyAfterReadinessProbe",
  "a container with a readiness probe is Ready only after a probe succeeded: never before initialDelaySeconds have passed since it started",
  (p, now) => {
    const out: string[] = [];
    for (const s of p.status?.containerStatuses ?? []) {
      if (s?.ready !== true) continue;
      const c = (p.spec?.containers ?? []).find((x: any) => x?.name === s.name);
      const delay = c?.readinessProbe ? Number(c.readinessProbe.initialDelaySeconds ?? 0) : 0;
      const started = timeOf(s.state?.running?.startedAt);
      if (!(delay > 0) || !Number.isFinite(started)) continue;
      if (now < started + delay * 1000) out.push(`container ${s.name} of pod ${podName(p)} is Ready ${Math.max(0, Math.floor((now - started) / 1000))} s after it started, before its readiness probe's initialDelaySeconds of ${delay} s`);
    }
    return out;
  },
);

/**
 * containerReadyOnlyWhenStarted: the prober manager (UpdatePodStatus) sets a container's started
 * (running, and its startup probe, if it has one, succeeded) and computes its readiness only when
 * it has started; otherwise ready keeps its default, false. So no stored status shows a container,
 * or a sidecar (an init container with restartPolicy Always), ready but not started. A regular init
 * container is ready once it exited 0, started or not, and is not judged.
 */
export const containerReadyOnlyWhenStarted = perPodVersion(
  "containerReadyOnlyWhenStarted",
  "a container or sidecar is Ready only once it has started: running, and past its startup probe if it has one",
  (p) => {
    const out: string[] = [];
    const sidecars = new Set((p.spec?.initContainers ?? []).filter((c: any) => c?.restartPolicy === "Always").map((c: any) => c.name));
    const judged = [...(p.status?.containerStatuses ?? []), ...(p.status?.initContainerStatuses ?? []).filter((s: any) => sidecars.has(s?.name))];
    for (const s of judged) {
      if (s?.ready === true && s.started !== true) out.push(`container ${s.name} of pod ${podName(p)} is Ready but not started${s.state?.running ? " (its startup probe has not succeeded)" : ""}`);
    }
    return out;
  },
);

/** An invariant judged once on each stored version of each pod, at the step it is first seen (when it was stored). */
export function perPodVersion(name: string, description: string, judge: (pod: any, now: number, w: World) => string[]): InvariantSpec {
  return {
    name,
    description,
    create(rt: Runtime) {
      const seen = new WeakSet<object>();
      return {
        step(w: World): Violation[] {
          const out: Violation[] = [];
          for (const p of w.list("Pod")) {
            if (seen.has(p)) continue;
            seen.add(p);
            for (const message of judge(p, rt.now, w)) out.push({ invariant: name, message });
          }
          return out;
        },
      };
    },
  };
}

/** The kubelet's container restart back-off: the first wait (backOffPeriod) and how long an idle entry lasts (2 x MaxContainerBackOff). */
const restartBackOffMs = 10_000;
const backOffForgottenAfterMs = 2 * 300_000;

/**
 * containerRestartBacksOff: the kubelet restarts a container that exited at once the first time,
 * and from then on only after a back-off counted from its last exit: 10 s, doubling to 5 min
 * (kuberuntime doBackOff, IsInBackOffSince over the flowcontrol.Backoff entry each restart renews;
 * "CrashLoopBackOff": "the kubelet restarts them with an exponential back-off delay (10s, 20s,
 * 40s, ...) capped at five minutes", Pod Lifecycle). So a stored status whose container was
 * restarted at least twice never shows the current run starting sooner than 10 s after the last
 * one finished. The back-off lives in the kubelet's memory, so a kubelet or node that restarted
 * since the last run began, or an entry idle past 10 min, start afresh and are not judged; times
 * are to the second, so 1 s is given.
 */
export const containerRestartBacksOff: InvariantSpec = {
  name: "containerRestartBacksOff",
  description: "a container restarted twice or more starts again no sooner than 10 s (the kubelet's first back-off) after its last run finished",
  create(rt: Runtime) {
    const seen = new WeakSet<object>();
    /** node -> the kubelet and runtime incarnations last seen, and when either last changed */
    const starts = new Map<string, { kubelet: number; cri: number; at: number }>();
    const restartedAt = (node: string): number => {
      const kubelet = rt.incarnation(`kubelet/${node}`);
      const cri = rt.incarnation(`cri/${node}`);
      const s = starts.get(node);
      if (!s) return void starts.set(node, { kubelet, cri, at: -Infinity }), -Infinity;
      if (s.kubelet !== kubelet || s.cri !== cri) Object.assign(s, { kubelet, cri, at: rt.now });
      return s.at;
    };
    return {
      step(w: World): Violation[] {
        // every node every step, so a restart is seen at the step it happens
        for (const n of w.list("Node")) restartedAt(n.metadata.name);
        const out: Violation[] = [];
        for (const p of w.list("Pod")) {
          if (seen.has(p)) continue;
          seen.add(p);
          const node = p.spec?.nodeName;
          if (!node) continue;
          for (const s of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) {
            if (!(s?.restartCount >= 2)) continue;
            const started = timeOf((s.state?.running ?? s.state?.terminated)?.startedAt);
            const last = s.lastState?.terminated;
            const finished = timeOf(last?.finishedAt);
            const lastStarted = timeOf(last?.startedAt);
            if (!Number.isFinite(started) || !Number.isFinite(finished) || !Number.isFinite(lastStarted)) continue;
            // a back-off entry forgotten (idle too long), or lost with the kubelet's memory
            if (finished - lastStarted > backOffForgottenAfterMs - 60_000 || restartedAt(node) >= lastStarted - 1000) continue;
            if (started - finished < restartBackOffMs - 1000) out.push({ invariant: "containerRestartBacksOff", message: `container ${s.name} of pod ${podName(p)} (restart ${s.restartCount}) started ${Math.round((started - finished) / 1000)} s after its last run finished (at ${last.finishedAt}), before the kubelet's ${restartBackOffMs / 1000} s back-off` });
          }
        }
        return out;
      },
    };
  },
};

/**
 * appContainersStartOnlyAfterInitContainers: "Init containers always run to completion. Each init
 * container must complete successfully before the next one starts" and before the app containers
 * (computePodActions starts app containers only once every init container has exited 0; sidecars,
 * init containers with restartPolicy Always, keep running). So no stored status shows an app
 * container running while a non-sidecar init container has not terminated with exit code 0.
 */
export const appContainersStartOnlyAfterInitContainers = perPodVersion(
  "appContainersStartOnlyAfterInitContainers",
  "a pod's app containers run only once every (non-sidecar) init container has terminated with exit code 0",
  (p) => {
    const inits = (p.spec?.initContainers ?? []).filter((c: any) => c?.restartPolicy !== "Always").map((c: any) => c.name);
    if (inits.length === 0) return [];
    const running = (p.status?.containerStatuses ?? []).filter((s: any) => s?.state?.running);
    if (running.length === 0) return [];
    const statuses = new Map<string, any>((p.status?.initContainerStatuses ?? []).map((s: any) => [s?.name, s]));
    const unfinished = inits.filter((n: string) => statuses.get(n)?.state?.terminated?.exitCode !== 0);
    return unfinished.length === 0 ? [] : [`pod ${podName(p)} has container ${running[0].name} running while init container ${unfinished[0]} ${statuses.get(unfinished[0])?.state?.running ? "is still running" : "has not terminated with exit code 0"}`];
  },
);
