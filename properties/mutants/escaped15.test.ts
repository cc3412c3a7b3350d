// Round fifteen's escapes and the checks added for them: each check below holds on the correct code
// and fails with its mutant on. The expectations are Kubernetes' rules, not the code's output:
// InterPodAffinity's first-pod exception needs the pod to match its own terms (filtering.go
// satisfyPodAffinity, podMatchesAllAffinityTerms); LimitRanger refuses only a ratio above
// maxLimitRequestRatio (limitRequestRatioConstraint: observedRatio > maxLimitRequestRatio); the
// garbage collector takes an owner found by name with another uid as absent (isDangling's UID mismatch);
// a CronJob's schedule is read in its spec.timeZone (docs "Time zones"; utils.go formatSchedule); a list
// at resourceVersionMatch=Exact is the data at that revision, and says so (API concepts, "Semantics for
// get and list"; the etcd3 store's GetList returns fromRV as the list's resourceVersion); the namespace
// controller's finalize removes only its own finalizer (namespaced_resources_deleter.go finalizeNamespace).
// The same expectations sit beside the behaviour: machines/scheduler/plugins/affinity-spread.test.ts,
// machines/apiserver/admission/limitranger.test.ts, machines/garbagecollector/gc.logic.test.ts,
// machines/cronjob/cronjob.logic.test.ts, machines/apiserver/exactlist.e2e.test.ts,
// machines/namespace/namespace.test.ts.
import type { Pod } from "kubernetes-types/core/v1";
import { afterEach, describe, expect, it } from "vitest";
import { setMutants } from "../../machines/common/mutation.js";
import * as CJ from "../../machines/cronjob/cronjob.logic.js";
import { attemptToDeleteItem, type KObject } from "../../machines/garbagecollector/gc.logic.js";
import { createCluster } from "../../runtime/cluster.js";
import { newNodeInfo } from "../../machines/scheduler/framework.js";
import { limitRangeRefusal } from "../../machines/apiserver/admission/limitranger.js";
import { InterPodAffinity } from "../../machines/scheduler/plugins/InterPodAffinity/index.js";
import { makeNode, makePod } from "../../machines/scheduler/plugins/testing.js";

afterEach(() => setMutants([]));

/** A pod labelled app=web requiring affinity to app=db, no pod anywhere: no node fits. */
function firstPodExceptionNeedsSelfMatch(): boolean {
  const pod: Pod = makePod("p", [], { labels: { app: "web" }, spec: { containers: [], affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: "db" } }, topologyKey: "zone" }] } } } });
  const nodes = [newNodeInfo(makeNode("a", {}, { zone: "z1" }), []), newNodeInfo(makeNode("b", {}, { zone: "z2" }), [])];
  const state = new Map();
  const pre = InterPodAffinity.preFilter?.(state, pod, nodes, {});
  if (pre === "Skip") return false;
  return nodes.every((ni) => InterPodAffinity.filter(state, pod, ni).code === "UnschedulableAndUnresolvable");
}

/** maxLimitRequestRatio cpu 1.5, a container asking 500m with a 750m limit: admitted. */
function ratioAtMaxAdmitted(): boolean {
  const lr = { metadata: { name: "lr", namespace: "default" }, spec: { limits: [{ type: "Container", maxLimitRequestRatio: { cpu: "1.5" } }] } };
  const pod = { metadata: { name: "p", namespace: "default" }, spec: { containers: [{ name: "c", image: "busybox:1.36", resources: { requests: { cpu: "500m" }, limits: { cpu: "750m" } } }] } };
  return limitRangeRefusal(pod, [lr]) === undefined;
}

/** A pod owned by ReplicaSet web (uid old-uid), beside a ReplicaSet web made again (new-uid): the pod is deleted. */
function ownerIsItsUid(): boolean {
  const namesake: KObject = { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "web", namespace: "default", uid: "new-uid" } };
  const pod: KObject = { apiVersion: "v1", kind: "Pod", metadata: { name: "x", namespace: "default", uid: "x-uid", ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: "old-uid", controller: true }] } };
  return attemptToDeleteItem(pod, [namesake, pod]).some((a) => a.type === "delete");
}

/** A CronJob "0 6 * * *" in America/New_York, created at 09:59Z on 2016-05-19 and synced at 10:01Z: one Job, for 06:00 EDT. */
function scheduleReadInTimeZone(): boolean {
  const cj = {
    metadata: { name: "tz", namespace: "default", uid: "tz-uid", creationTimestamp: "2016-05-19T09:59:00Z" },
    spec: { schedule: "0 6 * * *", timeZone: "America/New_York", concurrencyPolicy: "Allow", jobTemplate: { spec: { template: { spec: { containers: [{ name: "c", image: "busybox:1.36" }] } } } } },
    status: {},
  };
  const answers = new Map<string, CJ.Answer>();
  let created = 0;
  for (let i = 0; i < 10; i++) {
    const r = CJ.sync({ cronJob: cj, jobs: [], now: Date.parse("2016-05-19T10:01:00Z"), answers });
    if (r.kind === "done") return created === 1;
    for (const req of r.requests) {
      if (req.verb === "create") created++;
      answers.set(req.id, req.verb === "get" ? { ok: true, object: cj } : { ok: true, object: { ...req.body, metadata: { ...req.body?.metadata, uid: "j" } } });
    }
  }
  return false;
}

/** A ConfigMap listed, then changed: a list at its resourceVersion with resourceVersionMatch=Exact shows it unchanged, at that resourceVersion. */
async function exactListAtItsRevision(): Promise<boolean> {
  const c = createCluster({ nodes: 1, seed: 15, clock: "simulated" });
  try {
    const cm = (v: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm", namespace: "default", labels: { app: "exact" } }, data: { v } });
    await c.apply(cm("1"));
    await c.settle();
    const list = async (extra: Record<string, unknown> = {}) => {
      const r = await c.request({ verb: "list", group: "", resource: "configmaps", namespace: "default", labelSelector: "app=exact", ...extra });
      return r.ok ? (r.object as { metadata: { resourceVersion: string }; items: Array<{ data?: Record<string, string> }> }) : undefined;
    };
    const before = await list();
    await c.apply(cm("2"));
    await c.settle();
    const exact = await list({ resourceVersion: before?.metadata.resourceVersion, resourceVersionMatch: "Exact" });
    return exact?.metadata.resourceVersion === before?.metadata.resourceVersion && exact?.items[0]?.data?.v === "1";
  } finally {
    await c.stop();
  }
}

/** A namespace with spec.finalizers example.com/cleanup, deleted: emptied, it stays Terminating with that finalizer. */
async function otherNamespaceFinalizerKept(): Promise<boolean> {
  const c = createCluster({ nodes: 1, seed: 15, clock: "simulated" });
  try {
    await c.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "held" }, spec: { finalizers: ["example.com/cleanup"] } });
    await c.settle();
    await c.delete("Namespace", "held");
    await c.settle();
    const ns = c.get("Namespace", "held");
    return ns?.status?.phase === "Terminating" && JSON.stringify(ns?.spec?.finalizers) === '["example.com/cleanup"]';
  } finally {
    await c.stop();
  }
}

const rows: Array<[string, () => boolean | Promise<boolean>]> = [
  ["scheduler.affinity-first-pod-without-self-match", firstPodExceptionNeedsSelfMatch],
  ["limitranger.ratio-at-max-refused", ratioAtMaxAdmitted],
  ["gc.owner-matched-by-name", ownerIsItsUid],
  ["cronjob.time-zone-ignored", scheduleReadInTimeZone],
  ["apiserver.exact-list-served-at-latest", exactListAtItsRevision],
  ["namespace.finalize-drops-other-finalizers", otherNamespaceFinalizerKept],
];

describe("round 15: the checks added for the mutants that escaped", () => {
  for (const [name, holds] of rows) {
    it(`${holds.name} holds on the correct code and fails with the mutant ${name}`, async () => {
      expect(await holds()).toBe(true);
      setMutants([name]);
      expect(await holds()).toBe(false);
    });
  }
});
