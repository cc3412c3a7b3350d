// Round twenty-one's mutants and the checks that catch them: each rule below holds on the correct
// code and fails with its mutant on. The expectations are Kubernetes' rules, not the code's output:
// nodeStartupGracePeriod 60 s for a node that never posted (node_lifecycle_controller.go
// tryUpdateNodeHealth); spec.unschedulable taints node.kubernetes.io/unschedulable NoSchedule
// (doNoScheduleTaintingPass); preemptionPolicy Never and a victim still terminating by preemption on
// the nominated node make a pod ineligible to preempt (PodEligibleToPreemptOthers); the earlier
// start wins a priority tie (util.MoreImportantPod); ttlSecondsAfterFinished 0 is a TTL (ttlafterfinished
// needsCleanup); robfig's cron takes either day field when both are restricted (dayMatches);
// Exists without a key tolerates every taint (ToleratesTaint); IsPodAvailable waits minReadySeconds;
// leader election dates a lease by its own observation (tryAcquireOrRenew's observedTime);
// flowcontrol.Backoff resets only after twice the cap (hasExpired); the HPA ignores deleted pods
// (groupPods); FindPort looks in sidecars only among init containers; an httpGet probe goes to its
// host when it names one (prober.runProbe); the garbage collector deletes a dependent with
// dependents of its own in the foreground when its owner waits for its dependents (attemptToDeleteItem);
// a Job under podReplacementPolicy Failed replaces a pod only once it is terminal (manageJob's
// terminating count).
import { afterEach, describe, expect, it } from "vitest";
import type { Job } from "kubernetes-types/batch/v1";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { setMutants } from "../../machines/common/mutation.js";
import { nodeHealth, desiredNoScheduleTaints } from "../../machines/nodelifecycle/nodelifecycle.logic.js";
import { moreImportantPod, podEligibleToPreemptOthers } from "../../machines/scheduler/preemption.js";
import { newNodeInfo } from "../../machines/scheduler/framework.js";
import { needsCleanup } from "../../machines/ttlafterfinished/ttl.logic.js";
import { parseStandard } from "../../machines/common/cron.js";
import { toleratesTaint } from "../../machines/common/taints.js";
import { isPodAvailable } from "../../machines/common/podutil.js";
import { decide } from "../../machines/leaderelection/leaseholder.logic.js";
import { nextBackoff } from "../../machines/kubelet/backoff.js";
import { groupPods } from "../../machines/podautoscaler/replica.logic.js";
import { findPort } from "../../machines/common/endpointutil.js";
import { probeAction } from "../../machines/kubelet/prober.js";
import { attemptToDeleteItem, FOREGROUND_FINALIZER } from "../../machines/garbagecollector/gc.logic.js";
import { JOB_TRACKING_FINALIZER, syncJob } from "../../machines/job/job.logic.js";
import { createCluster } from "../../runtime/cluster.js";
import { startWebhookServer } from "../../test/serve-helpers.js";
import { InvariantChecker, invariants } from "../invariants/index.js";
import type { Violation } from "../invariants/core.js";

afterEach(() => setMutants([]));

const T0 = Date.parse("2026-01-01T00:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

/** A node created at T0 that has posted no status is not stale 55 s later (startup grace 60 s). */
function neverPostedGetsStartupGrace(): boolean {
  const node: Node = { metadata: { name: "n1", creationTimestamp: iso(T0) }, status: {} };
  return nodeHealth(node, undefined, T0 + 55_000).stale === false;
}

/** A cordoned node is tainted node.kubernetes.io/unschedulable:NoSchedule. */
function cordonedTainted(): boolean {
  const node: Node = { metadata: { name: "n1" }, spec: { unschedulable: true }, status: { conditions: [{ type: "Ready", status: "True" }] } };
  return desiredNoScheduleTaints(node).some((t) => t.key === "node.kubernetes.io/unschedulable" && t.effect === "NoSchedule");
}

const node: Node = { metadata: { name: "n1", labels: { "kubernetes.io/hostname": "n1" } }, status: { allocatable: { cpu: "1", memory: "1Gi", pods: "10" } } };
const prioPod = (name: string, priority: number, extra: Partial<Pod> = {}): Pod => ({ metadata: { name, namespace: "default", uid: name }, spec: { priority, containers: [{ name: "c", image: "busybox" }] }, ...extra });

/** preemptionPolicy Never: not eligible to preempt. */
function neverPolicyIneligible(): boolean {
  const p = prioPod("p", 1000);
  p.spec!.preemptionPolicy = "Never";
  return podEligibleToPreemptOthers(p, [newNodeInfo(node, [])]).ok === false;
}

/** A lower-priority victim of preemption still terminating on the nominated node: not eligible again. */
function terminatingVictimBlocks(): boolean {
  const victim = prioPod("victim", 10, {
    status: { conditions: [{ type: "DisruptionTarget", status: "True", reason: "PreemptionByScheduler" }] },
  });
  victim.metadata!.deletionTimestamp = iso(T0);
  victim.spec!.nodeName = "n1";
  const p = prioPod("p", 1000, { status: { nominatedNodeName: "n1" } });
  return podEligibleToPreemptOthers(p, [newNodeInfo(node, [victim])]).ok === false;
}

/** Equal priority: the pod that started earlier is the more important. */
function earlierStartMoreImportant(): boolean {
  const early = prioPod("early", 5, { status: { startTime: iso(T0) } });
  const late = prioPod("late", 5, { status: { startTime: iso(T0 + 60_000) } });
  return moreImportantPod(early, late) && !moreImportantPod(late, early);
}

/** A Complete Job with ttlSecondsAfterFinished 0 needs cleaning up. */
function zeroTtlCleaned(): boolean {
  const job: Job = { metadata: { name: "j" }, spec: { ttlSecondsAfterFinished: 0, template: {} }, status: { conditions: [{ type: "Complete", status: "True", lastTransitionTime: iso(T0) }] } };
  return needsCleanup(job);
}

/** "0 0 13 * 5" from Thursday 1 January 2026 fires on Friday 2 January (either day field). */
function domOrDow(): boolean {
  const parsed = parseStandard("0 0 13 * 5");
  return "schedule" in parsed && parsed.schedule.next(T0) === Date.parse("2026-01-02T00:00:00Z");
}

/** operator Exists with no key tolerates a taint of any key. */
function existsWithoutKeyToleratesAll(): boolean {
  return toleratesTaint({ operator: "Exists" }, { key: "dedicated", value: "gpu", effect: "NoSchedule" });
}

/** Ready 5 s ago with minReadySeconds 10: not yet available; 11 s ago: available. */
function availableAfterMinReady(): boolean {
  const ready = (sinceMs: number): Pod => ({ metadata: { name: "p" }, status: { conditions: [{ type: "Ready", status: "True", lastTransitionTime: iso(T0 - sinceMs) }] } });
  return !isPodAvailable(ready(5_000), 10, T0) && isPodAvailable(ready(11_000), 10, T0);
}

/** A lease another holder renewed by its own clock 20 s ago (duration 15 s), first seen now: still held. */
function leaseDatedByObservation(): boolean {
  const read = { holderIdentity: "other", leaseDurationSeconds: 15, acquireTime: T0 - 60_000, renewTime: T0 - 20_000, leaderTransitions: 1 };
  return decide(read, { at: 0 }, { identity: "me", leaseDurationSeconds: 15 }, T0).write === undefined;
}

/** A back-off of 40 s last updated 400 s ago (under twice the 300 s cap) doubles to 80 s. */
function backoffKeptUnderTwiceCap(): boolean {
  return nextBackoff({ ms: 40_000, lastUpdate: T0 }, T0 + 400_000, 300_000).ms === 80_000;
}

/** A Running pod being deleted, with a metric, is ignored by the HPA. */
function deletedPodIgnored(): boolean {
  const pod: Pod = { metadata: { name: "gone", deletionTimestamp: iso(T0) }, status: { phase: "Running" } };
  const g = groupPods([pod], new Map([["gone", { value: 500, timestamp: T0, windowMs: 30_000 }]]), "memory", T0);
  return g.readyPodCount === 0 && g.ignored.has("gone");
}

/** A named targetPort declared only by a plain (run-to-completion) init container does not resolve. */
function namedPortOnlyInSidecars(): boolean {
  const pod: Pod = { metadata: { name: "p" }, spec: { initContainers: [{ name: "setup", image: "busybox", ports: [{ name: "http", containerPort: 8080 }] }], containers: [{ name: "c", image: "busybox" }] } };
  return findPort(pod, { port: 80, targetPort: "http" }) === undefined;
}

/** An httpGet probe naming host 10.1.2.3 probes 10.1.2.3, not the pod's IP. */
function probeGoesToHost(): boolean {
  const c = { name: "c", image: "busybox" };
  const a = probeAction({ httpGet: { host: "10.1.2.3", port: 8080, path: "/healthz" } }, c, "10.244.0.5");
  return a?.kind === "httpGet" && a.host === "10.1.2.3";
}

/** A dependent of an owner deleted in the foreground, itself owning a pod, is deleted in the foreground. */
function waitingDependentDeletedInForeground(): boolean {
  const owner = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", namespace: "default", uid: "d-uid", deletionTimestamp: iso(T0), finalizers: [FOREGROUND_FINALIZER] } };
  const rs = { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "rs", namespace: "default", uid: "rs-uid", ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "d", uid: "d-uid", controller: true, blockOwnerDeletion: true }] } };
  const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "default", uid: "p-uid", ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: "rs-uid", controller: true, blockOwnerDeletion: true }] } };
  const actions = attemptToDeleteItem(rs, [owner, rs, pod]);
  return actions.length === 1 && actions[0]!.type === "delete" && (actions[0] as { propagationPolicy?: string }).propagationPolicy === "Foreground";
}

/** podReplacementPolicy Failed: a Job of parallelism 1 whose only pod is deleted but still running creates no pod. */
function failedPolicyWaitsForTerminal(): boolean {
  const job: Job = {
    metadata: { name: "j", namespace: "default", uid: "job-uid" },
    spec: { parallelism: 1, completions: 1, backoffLimit: 6, podReplacementPolicy: "Failed", template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } } },
    status: { startTime: iso(T0) },
  };
  const pod: Pod = {
    metadata: { name: "j-1", namespace: "default", uid: "p1", creationTimestamp: iso(T0), deletionTimestamp: iso(T0 + 5_000), finalizers: [JOB_TRACKING_FINALIZER], ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: "j", uid: "job-uid", controller: true }] },
    status: { phase: "Running" },
  };
  const plan = syncJob({ job, pods: [pod], now: T0 + 10_000, expectationsSatisfied: true, removingFinalizers: new Set() });
  return (plan.create ?? []).length === 0 && plan.status?.terminating === 1;
}

describe("round twenty-one's mutants", () => {
  const rows: Array<[string, () => boolean]> = [
    ["nodelifecycle.never-posted-node-monitor-grace", neverPostedGetsStartupGrace],
    ["nodelifecycle.unschedulable-not-tainted", cordonedTainted],
    ["scheduler.preemption-policy-never-preempts", neverPolicyIneligible],
    ["scheduler.nominated-terminating-victim-ignored", terminatingVictimBlocks],
    ["scheduler.more-important-started-later", earlierStartMoreImportant],
    ["ttlafterfinished.zero-ttl-never-cleaned", zeroTtlCleaned],
    ["cron.dom-and-dow", domOrDow],
    ["scheduler.exists-empty-key-tolerates-nothing", existsWithoutKeyToleratesAll],
    ["podutil.available-ignores-min-ready-seconds", availableAfterMinReady],
    ["leaderelection.expiry-from-renew-time", leaseDatedByObservation],
    ["kubelet.backoff-resets-after-max", backoffKeptUnderTwiceCap],
    ["hpa.deleted-pods-counted", deletedPodIgnored],
    ["endpoints.named-port-in-plain-init-container", namedPortOnlyInSidecars],
    ["kubelet.probe-host-ignored", probeGoesToHost],
    ["gc.waiting-owner-dependent-deleted-background", waitingDependentDeletedInForeground],
    ["job.failed-replacement-ignores-terminating", failedPolicyWaitsForTerminal],
  ];
  for (const [name, holds] of rows) {
    it(`${name}: the rule holds, and the mutant breaks it`, () => {
      expect(holds()).toBe(true);
      setMutants([name]);
      expect(holds()).toBe(false);
    });
  }
});

describe("round twenty-one's cluster checks", () => {
  it("apiserver.etcd-down-write-keeps-allocation: a Service create that timed out with etcd gone leaves its ClusterIP free", async () => {
    // registry/core/service/storage's transaction reverts the allocation when the create fails:
    // a second create asking for the same address waits for etcd as the first did, no 422 "already allocated"
    const run = async () => {
      const c = createCluster({ nodes: 1, seed: 21, clock: "simulated" });
      try {
        await c.settle();
        c.runtime.crash("etcd");
        const svc = (name: string) => ({ apiVersion: "v1", kind: "Service", metadata: { name }, spec: { clusterIP: "10.96.100.100", ports: [{ port: 80 }] } });
        const first = c.requestSync({ verb: "create", group: "", resource: "services", namespace: "default", body: svc("first") });
        const second = c.requestSync({ verb: "create", group: "", resource: "services", namespace: "default", body: svc("second") });
        return [first.code, first.status?.reason, second.code, second.status?.reason];
      } finally {
        await c.stop();
      }
    };
    expect(await run()).toEqual([504, "Timeout", 504, "Timeout"]);
    setMutants(["apiserver.etcd-down-write-keeps-allocation"]);
    expect(await run()).toEqual([504, "Timeout", 422, "Invalid"]);
  });
});

describe("round twenty-one's webhook check", () => {
  it("apiserver.reinvoke-ignores-in-tree-change: an IfNeeded webhook is called again when the in-tree plugins change the object in the second round", async () => {
    // reinvocationcontext.go: IsOutputChangedSinceLastWebhookInvocation marks every webhook invoked
    // since the last change for reinvocation; here the ServiceAccount plugin's second run mounts the
    // token into the sidecar a Never webhook added, after the IfNeeded webhook had seen the object
    const calls: string[] = [];
    const hooks = await startWebhookServer((review, url, res) => {
      const path = url.split("?")[0]!;
      calls.push(path);
      const reply = (response: object) => {
        res.setHeader("Content-Type", "application/json");
        res.end(JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: { uid: review.request.uid, allowed: true, ...response } }));
      };
      const pod = review.request.object;
      if (path === "/sidecar" && !pod.spec.containers.some((c: { name: string }) => c.name === "sidecar")) {
        const ops = [{ op: "add", path: "/spec/containers/-", value: { name: "sidecar", image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"] } }];
        return reply({ patchType: "JSONPatch", patch: Buffer.from(JSON.stringify(ops)).toString("base64") });
      }
      reply({});
    });
    const run = async (name: string) => {
      calls.length = 0;
      const c = createCluster({ nodes: 1, seed: 21, clock: "live", speed: 10, trace: false });
      try {
        const rule = { operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"] };
        const hook = (hookName: string, path: string, reinvocationPolicy: string) => ({ name: hookName, clientConfig: { url: `https://127.0.0.1:${hooks.port}${path}`, caBundle: hooks.caBundle }, rules: [rule], sideEffects: "None", admissionReviewVersions: ["v1"], reinvocationPolicy });
        const config = (cfg: string, webhook: object) => ({ apiVersion: "admissionregistration.k8s.io/v1", kind: "MutatingWebhookConfiguration", metadata: { name: cfg }, webhooks: [webhook] });
        // configurations run in name order: the sidecar injector first, the IfNeeded one after its change
        for (const body of [config("r1", hook("sidecar.hooks.test", "/sidecar", "Never")), config("r2", hook("count.hooks.test", "/count", "IfNeeded"))]) {
          const made = await c.request({ verb: "create", group: "admissionregistration.k8s.io", resource: "mutatingwebhookconfigurations", body });
          expect(made.ok).toBe(true);
        }
        // the default ServiceAccount the ServiceAccount plugin mounts
        for (let i = 0; i < 100 && !c.get("ServiceAccount", "default", "default"); i++) await new Promise((r) => setTimeout(r, 100));
        const pod = { apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { containers: [{ name: "app", image: "nginx:1.27" }] } };
        const made = await c.request({ verb: "create", group: "", resource: "pods", namespace: "default", body: pod });
        expect(made.ok).toBe(true);
        const sidecar = made.object.spec.containers.find((x: { name: string }) => x.name === "sidecar");
        expect(sidecar.volumeMounts.map((m: { mountPath: string }) => m.mountPath)).toContain("/var/run/secrets/kubernetes.io/serviceaccount");
        return [...calls];
      } finally {
        await c.stop();
      }
    };
    try {
      expect(await run("reinvoked")).toEqual(["/sidecar", "/count", "/count"]);
      setMutants(["apiserver.reinvoke-ignores-in-tree-change"]);
      expect(await run("not-reinvoked")).toEqual(["/sidecar", "/count"]);
    } finally {
      await hooks.close();
    }
  }, 60_000);
});

/** A Deployment of 2 behind a budget of maxUnavailable 1, its rollout held mid-way (the new pods never Ready), judged by budgetExpectsItsControllersScale. */
async function midRolloutRun(): Promise<Violation[]> {
  const c = createCluster({ nodes: 2, seed: 21, clock: "simulated" });
  const checker = new InvariantChecker(c.runtime, invariants.filter((s) => s.name === "budgetExpectsItsControllersScale"));
  const seen: Violation[] = [];
  c.runtime.observers.push(() => void seen.push(...checker.step()));
  try {
    const deployment = (probe: boolean) => ({
      apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "default" },
      spec: {
        replicas: 2, selector: { matchLabels: { app: "web" } }, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "nginx", image: "nginx:1.27", ...(probe ? { readinessProbe: { httpGet: { path: "/", port: 9999 }, periodSeconds: 1 } } : {}) }] } },
      },
    });
    const budget = { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "web", namespace: "default" }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: "web" } } } };
    await c.apply([deployment(false), budget]);
    await c.settle();
    c.advance(10_000);
    await c.settle();
    await c.apply(deployment(true));
    await c.settle();
    c.advance(20_000);
    await c.settle();
    return seen;
  } finally {
    await c.stop();
  }
}

describe("round twenty-one's invariant of the random search", () => {
  it("budgetExpectsItsControllersScale holds mid-rollout and reports disruption.deployment-pod-scale-from-replicaset", async () => {
    expect(await midRolloutRun()).toEqual([]);
    setMutants(["disruption.deployment-pod-scale-from-replicaset"]);
    const seen = await midRolloutRun();
    // old ReplicaSet 2 plus new 1 (maxSurge), where the Deployment asks for 2
    expect(seen.map((v) => v.message)).toContainEqual(expect.stringContaining("expecting 3 pods; the controllers of its pods in its cache, Deployment web (2), ask for 2"));
  });
});
