import { describe, it, expect } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import type { ReplicaSet } from "kubernetes-types/apps/v1";
import {
  ADOPTED, CLAIMED, FULLY_LABELED, OWNED, READY, RELEASED, calculateStatus, claimCount, claimPods, creationObserved, deletionObserved, expectCreations, expectDeletions, filterActivePods,
  lessForDeletion, manageReplicas, newExpectations, newPodFromTemplate, podsOwnedBy, podsToDelete,
  satisfied, slowStartBatches, sortForDeletion, successfulCreations,
} from "./replicaset.logic.js";
import { rfc3339 } from "../common/time.js";
import fc from "fast-check";

const T0 = Date.parse("2025-01-01T00:00:00Z");
const at = (s: number) => rfc3339(T0 + s * 1000);

function rs(over: Partial<ReplicaSet["spec"]> = {}, meta: Partial<NonNullable<ReplicaSet["metadata"]>> = {}): ReplicaSet {
  return {
    apiVersion: "apps/v1", kind: "ReplicaSet",
    metadata: { name: "web", namespace: "default", uid: "rs-uid", generation: 3, ...meta },
    spec: { replicas: 3, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web", tier: "fe" } }, spec: { containers: [{ name: "c", image: "nginx" }] } }, ...over },
  };
}

interface PodOpts { name?: string; node?: string; phase?: string; ready?: boolean; readyAt?: number; created?: number; restarts?: number; cost?: string; labels?: Record<string, string>; owner?: string; deleting?: boolean; uid?: string }
function pod(o: PodOpts = {}): Pod {
  const p: Pod = {
    metadata: {
      name: o.name ?? "p", namespace: "default", uid: o.uid ?? o.name ?? "p", labels: o.labels ?? { app: "web", tier: "fe" },
      ...(o.created !== undefined ? { creationTimestamp: at(o.created) } : {}),
      ...(o.deleting ? { deletionTimestamp: at(0) } : {}),
    },
    spec: { containers: [{ name: "c" }], nodeName: o.node },
    status: { phase: o.phase ?? "Running" },
  };
  if (o.cost !== undefined) p.metadata!.annotations = { "controller.kubernetes.io/pod-deletion-cost": o.cost };
  if (o.owner) p.metadata!.ownerReferences = [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "x", uid: o.owner, controller: true }];
  if (o.ready !== undefined) p.status!.conditions = [{ type: "Ready", status: o.ready ? "True" : "False", lastTransitionTime: o.readyAt === undefined ? undefined : at(o.readyAt) }];
  if (o.restarts !== undefined) p.status!.containerStatuses = [{ name: "c", image: "", imageID: "", ready: true, restartCount: o.restarts }];
  return p;
}

describe("active pods and ownership", () => {
  it.each([
    ["a Running pod is active", pod(), true],
    ["a Pending pod is active", pod({ phase: "Pending" }), true],
    ["a Succeeded pod is not active", pod({ phase: "Succeeded" }), false],
    ["a Failed pod is not active", pod({ phase: "Failed" }), false],
    ["a pod with a deletionTimestamp is not active", pod({ deleting: true }), false],
  ])("%s", (_n, p, active) => {
    expect(filterActivePods([p]).length).toBe(active ? 1 : 0);
  });

  it("podsOwnedBy keeps only pods whose controller reference has the ReplicaSet's uid", () => {
    const mine = pod({ name: "a", owner: "rs-uid" }), theirs = pod({ name: "b", owner: "other" }), orphan = pod({ name: "c" });
    expect(podsOwnedBy(rs(), [mine, theirs, orphan])).toEqual([mine]);
  });
});

describe("claimPods", () => {
  it.each([
    ["a matching orphan is adopted", rs(), pod({}), { claimed: 1, adopt: 1, release: 0 }],
    ["an orphan that does not match is ignored", rs(), pod({ labels: { app: "db" } }), { claimed: 0, adopt: 0, release: 0 }],
    ["an owned pod that still matches is kept", rs(), pod({ owner: "rs-uid" }), { claimed: 1, adopt: 0, release: 0 }],
    ["an owned pod that no longer matches is released", rs(), pod({ owner: "rs-uid", labels: { app: "db" } }), { claimed: 0, adopt: 0, release: 1 }],
    ["a pod owned by another controller is left alone", rs(), pod({ owner: "other" }), { claimed: 0, adopt: 0, release: 0 }],
    ["a ReplicaSet being deleted adopts nothing", rs({}, { deletionTimestamp: at(0) }), pod({}), { claimed: 0, adopt: 0, release: 0 }],
    ["a ReplicaSet being deleted does not release", rs({}, { deletionTimestamp: at(0) }), pod({ owner: "rs-uid", labels: { app: "db" } }), { claimed: 0, adopt: 0, release: 0 }],
    ["an orphan being deleted is not adopted", rs(), pod({ deleting: true }), { claimed: 0, adopt: 0, release: 0 }],
  ])("%s", (_n, r, p, want) => {
    const got = claimPods(r, [p]);
    expect({ claimed: got.claimed.length, adopt: got.adopt.length, release: got.release.length }).toEqual(want);
  });

  it("an adopted pod is claimed with a controller reference to the ReplicaSet", () => {
    const got = claimPods(rs(), [pod()]);
    expect(got.claimed[0]!.metadata!.ownerReferences).toEqual([{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: "rs-uid", controller: true, blockOwnerDeletion: true }]);
  });
});

describe("expectations", () => {
  it.each([
    ["a controller with no expectations is satisfied", (e: ReturnType<typeof newExpectations>) => e, 0, true],
    ["pending creations are not satisfied", (e: ReturnType<typeof newExpectations>) => expectCreations(e, "k", 2, T0), 0, false],
    ["one of two creations observed is not satisfied", (e: ReturnType<typeof newExpectations>) => creationObserved(expectCreations(e, "k", 2, T0), "k"), 0, false],
    ["all creations observed is satisfied", (e: ReturnType<typeof newExpectations>) => creationObserved(creationObserved(expectCreations(e, "k", 2, T0), "k"), "k"), 0, true],
    ["pending expectations expire after five minutes", (e: ReturnType<typeof newExpectations>) => expectCreations(e, "k", 2, T0), 5 * 60 * 1000 + 1, true],
    ["pending expectations at exactly five minutes still wait", (e: ReturnType<typeof newExpectations>) => expectCreations(e, "k", 2, T0), 5 * 60 * 1000, false],
    ["the deletion of an expected pod is counted", (e: ReturnType<typeof newExpectations>) => deletionObserved(expectDeletions(e, "k", ["default/a"], T0), "k", "default/a"), 0, true],
    ["the deletion of some other pod is not counted", (e: ReturnType<typeof newExpectations>) => deletionObserved(expectDeletions(e, "k", ["default/a"], T0), "k", "default/b"), 0, false],
  ])("%s", (_n, build, elapsed, want) => {
    expect(satisfied(build(newExpectations()), "k", T0 + elapsed)).toBe(want);
  });
});

describe("manageReplicas", () => {
  it.each([
    ["creating 10 pods goes in slow-start batches of 1, 2, 4 and 3", 10, [1, 2, 4, 3]],
    ["creating one pod is a single batch", 1, [1]],
    ["creating 7 pods is exactly 1, 2 and 4", 7, [1, 2, 4]],
    ["creating nothing has no batches", 0, []],
  ])("%s", (_n, count, batches) => {
    expect(slowStartBatches(count)).toEqual(batches);
  });

  it("a failure in the third batch of 10 means only the first two batches and its successes were created", () => {
    expect(successfulCreations([1, 2, 4, 3], 2, 1)).toBe(4);
  });

  it("a ReplicaSet with too few pods creates the difference and expects it", () => {
    const plan = manageReplicas(rs({ replicas: 3 }), [pod()], newExpectations(), T0);
    expect(plan.create).toBe(2);
    expect(plan.batches).toEqual([1, 1]);
    expect(satisfied(plan.expectations, "default/web", T0)).toBe(false);
  });

  it("creations are capped at burstReplicas 500 per sync", () => {
    expect(manageReplicas(rs({ replicas: 1200 }), [], newExpectations(), T0).create).toBe(500);
  });

  it("a ReplicaSet with too many pods deletes the surplus, preferring the unscheduled pod", () => {
    const pods = [pod({ name: "a", node: "n1", ready: true }), pod({ name: "b", phase: "Pending" }), pod({ name: "c", node: "n2", ready: true })];
    const plan = manageReplicas(rs({ replicas: 2 }), pods, newExpectations(), T0);
    expect(plan.delete.map((p) => p.metadata!.name)).toEqual(["b"]);
    expect(plan.expectations.get("default/web")?.deleteKeys).toEqual(["default/b"]);
  });

  it("nothing is done while earlier expectations are pending", () => {
    const e = expectCreations(newExpectations(), "default/web", 3, T0);
    expect(manageReplicas(rs(), [], e, T0 + 1000).create).toBe(0);
  });

  it("nothing is done for a ReplicaSet being deleted", () => {
    expect(manageReplicas(rs({}, { deletionTimestamp: at(0) }), [], newExpectations(), T0).create).toBe(0);
  });
});

describe("choosing pods to delete (TestSortingActivePodsWithRanks)", () => {
  const now = T0 + 3600_000;
  const cases: Array<[string, Pod, number, Pod, number]> = [
    ["an unscheduled pod goes before a scheduled one", pod({ phase: "Pending" }), 0, pod({ node: "n", phase: "Pending" }), 0],
    ["a Pending pod goes before an Unknown one", pod({ node: "n", phase: "Pending" }), 0, pod({ node: "n", phase: "Unknown" }), 0],
    ["an Unknown pod goes before a Running one", pod({ node: "n", phase: "Unknown" }), 0, pod({ node: "n" }), 0],
    ["a not-ready pod goes before a ready one", pod({ node: "n", ready: false }), 0, pod({ node: "n", ready: true, readyAt: 0 }), 0],
    ["a lower pod-deletion-cost goes before a higher one", pod({ node: "n", ready: true, readyAt: 0, cost: "-5" }), 0, pod({ node: "n", ready: true, readyAt: 0, cost: "10" }), 0],
    ["a pod doubled up on a node goes before a lone pod", pod({ node: "n1", ready: true, readyAt: 0 }), 2, pod({ node: "n2", ready: true, readyAt: 0 }), 1],
    ["a pod ready for a much shorter time goes first", pod({ node: "n", ready: true, readyAt: 3500 }), 1, pod({ node: "n", ready: true, readyAt: 10 }), 1],
    ["a pod with more restarts goes first", pod({ node: "n", ready: true, readyAt: 0, restarts: 5 }), 1, pod({ node: "n", ready: true, readyAt: 0, restarts: 1 }), 1],
    ["a much newer pod goes first", pod({ node: "n", created: 3500 }), 1, pod({ node: "n", created: 10 }), 1],
    ["a pod with no creation time goes before one with", pod({ node: "n" }), 1, pod({ node: "n", created: 10 }), 1],
  ];
  it.each(cases)("%s", (_n, a, ra, b, rb) => {
    expect(lessForDeletion(a, ra, b, rb, now)).toBe(true);
    expect(lessForDeletion(b, rb, a, ra, now)).toBe(false);
  });

  it("pods ready within the same power-of-two age bucket tie and are ordered by uid", () => {
    const a = pod({ uid: "a", node: "n", ready: true, readyAt: 3599 - 1000 }), b = pod({ uid: "b", node: "n", ready: true, readyAt: 3599 - 1010 });
    expect(lessForDeletion(a, 1, b, 1, now)).toBe(true);
    expect(lessForDeletion(b, 1, a, 1, now)).toBe(false);
  });

  it("the rank counts the active pods of the set on the same node", () => {
    const pods = [pod({ name: "lone", node: "n1", ready: true, readyAt: 0 }), pod({ name: "d1", node: "n2", ready: true, readyAt: 0 }), pod({ name: "d2", node: "n2", ready: true, readyAt: 0 })];
    expect(sortForDeletion(pods, pods, now).map((p) => p.metadata!.name)).toEqual(["d1", "d2", "lone"]);
  });

  it("asking to delete as many pods as there are returns them all unsorted", () => {
    const pods = [pod({ name: "x", node: "n" }), pod({ name: "y" })];
    expect(podsToDelete(pods, 2).map((p) => p.metadata!.name)).toEqual(["x", "y"]);
  });
});

describe("newPodFromTemplate", () => {
  it("builds a pod from the template with generateName, labels and a controller reference", () => {
    const r = rs({ template: { metadata: { labels: { app: "web" }, annotations: { a: "b" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } });
    const p = newPodFromTemplate(r);
    expect(p.metadata).toEqual({
      generateName: "web-", namespace: "default", labels: { app: "web" }, annotations: { a: "b" },
      ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: "rs-uid", controller: true, blockOwnerDeletion: true }],
    });
    expect(p.spec).toEqual({ containers: [{ name: "c", image: "nginx" }] });
  });

  it("a name suffix names the pod as the API server would from generateName", () => {
    expect(newPodFromTemplate(rs(), "x7k2p").metadata!.name).toBe("web-x7k2p");
  });
});

describe("calculateStatus (TestCalculateStatus, TestCalculateStatusConditions)", () => {
  // The counts as stored: ReplicaSetStatus writes replicas always and fullyLabeledReplicas,
  // readyReplicas, availableReplicas only when not zero (`json:",omitempty"`, apps/v1 types.go).
  it.each([
    ["1 fully labelled pod", rs(), [pod()], { replicas: 1, fullyLabeledReplicas: 1 }],
    ["1 not fully labelled pod", rs(), [pod({ labels: { app: "web" } })], { replicas: 1 }],
    ["2 fully labelled pods", rs(), [pod(), pod()], { replicas: 2, fullyLabeledReplicas: 2 }],
    ["1 ready pod with minReadySeconds 0 is available", rs(), [pod({ ready: true, readyAt: 0 })], { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1 }],
    ["1 pod ready for less than minReadySeconds is not available", rs({ minReadySeconds: 3600 }), [pod({ ready: true, readyAt: 0 })], { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1 }],
    ["no pod leaves replicas 0 written and no other count", rs(), [], { replicas: 0 }],
  ])("%s", (_n, r, pods, want) => {
    expect(calculateStatus(r, pods, undefined, T0 + 10_000)).toEqual({ ...want, observedGeneration: 3 });
  });

  it.each([
    ["a failing create with too few pods sets ReplicaFailure FailedCreate", rs({ replicas: 2 }), [pod()], "fake manageReplicasErr", { reason: "FailedCreate" }],
    ["a failing delete with too many pods sets ReplicaFailure FailedDelete", rs({ replicas: 0 }), [pod()], "fake manageReplicasErr", { reason: "FailedDelete" }],
  ])("%s", (_n, r, pods, err, want) => {
    const s = calculateStatus(r, pods, err, T0);
    expect(s.conditions).toEqual([{ type: "ReplicaFailure", status: "True", reason: want.reason, message: err, lastTransitionTime: "2025-01-01T00:00:00Z" }]);
  });

  it("a successful sync removes an existing ReplicaFailure condition", () => {
    const r: ReplicaSet = { ...rs(), status: { replicas: 1, conditions: [{ type: "ReplicaFailure", status: "True", reason: "FailedCreate", message: "x" }] } };
    expect(calculateStatus(r, [pod()], undefined, T0).conditions).toBeUndefined();
  });

  it("a failing sync keeps an existing ReplicaFailure condition as it is", () => {
    const c = { type: "ReplicaFailure", status: "True", reason: "FailedCreate", message: "old" };
    const r: ReplicaSet = { ...rs(), status: { replicas: 1, conditions: [c] } };
    expect(calculateStatus(r, [pod()], "new", T0).conditions).toEqual([c]);
  });
});

describe("claimCount (what one sync reads of each pod, summed)", () => {
  // Kubernetes' ClaimPods over the active pods, then calculateStatus's counts, written out per pod:
  // the count summed over any pods must give the same numbers.
  const podArb = fc.record({
    labels: fc.dictionary(fc.constantFrom("app", "tier"), fc.constantFrom("web", "fe", "db"), { maxKeys: 2 }),
    owner: fc.constantFrom(undefined, "rs-uid", "other"),
    phase: fc.constantFrom("Pending", "Running", "Succeeded", "Failed"),
    deleting: fc.boolean(),
    ready: fc.option(fc.boolean(), { nil: undefined }),
    ns: fc.constantFrom("default", "elsewhere"),
  });
  const rsArb = fc.record({
    matchLabels: fc.dictionary(fc.constantFrom("app", "tier"), fc.constantFrom("web", "fe", "db"), { maxKeys: 2 }),
    template: fc.dictionary(fc.constantFrom("app", "tier"), fc.constantFrom("web", "fe", "db"), { maxKeys: 2 }),
    deleting: fc.boolean(),
  });
  const subset = (want: Record<string, string>, have: Record<string, string> | undefined) => Object.entries(want).every(([k, v]) => have?.[k] === v);

  it("equals ClaimPods' and calculateStatus's counts, pod by pod", () => {
    fc.assert(fc.property(fc.array(podArb, { maxLength: 10 }), rsArb, (specs, r) => {
      const owner = rs({ selector: { matchLabels: r.matchLabels }, template: { metadata: { labels: r.template } } }, r.deleting ? { deletionTimestamp: at(0) } : {});
      const pods = specs.map((s, i) => {
        const p = pod({ name: `p${i}`, labels: s.labels, owner: s.owner, phase: s.phase, deleting: s.deleting, ready: s.ready });
        p.metadata!.namespace = s.ns;
        return p;
      });
      const count = claimCount(owner);
      const got = pods.map(count.of).reduce((a, b) => a.map((x, i) => x + b[i]!), [0, 0, 0, 0, 0, 0]);
      const want = [0, 0, 0, 0, 0, 0];
      specs.forEach((s) => {
        const mine = s.owner === "rs-uid";
        if (mine) want[OWNED]!++;
        const active = s.phase !== "Succeeded" && s.phase !== "Failed" && !s.deleting;
        if (!active) return;
        const match = subset(r.matchLabels, s.labels);
        const adopt = s.owner === undefined && match && !r.deleting && s.ns === "default";
        const keep = (mine && match) || adopt;
        if (mine && !match && !r.deleting) want[RELEASED]!++;
        if (adopt) want[ADOPTED]!++;
        if (!keep) return;
        want[CLAIMED]!++;
        if (subset(r.template, s.labels)) want[FULLY_LABELED]!++;
        if (s.ready === true) want[READY]!++;
      });
      expect(got).toEqual(want);
    }), { numRuns: 500 });
  });
});
