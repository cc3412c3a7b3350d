import { describe, it, expect } from "vitest";
import { createCluster } from "../../runtime/cluster.js";
import { rolloutState } from "./deployment.controller.js";

const deploy = (replicas: number, image = "nginx:1.27", extra: any = {}) => ({
  apiVersion: "apps/v1", kind: "Deployment",
  metadata: { name: "web", namespace: "default" },
  spec: {
    replicas,
    selector: { matchLabels: { app: "web" } },
    template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "nginx", image }] } },
    ...extra,
  },
});

const rsOf = (c: any, d: any) => c.list("ReplicaSet", { namespace: "default" }).filter((r: any) => r.metadata.ownerReferences?.some((o: any) => o.uid === d.metadata.uid));
const podsOf = (c: any, rs: any) => c.list("Pod", { namespace: "default" }).filter((p: any) => !p.metadata.deletionTimestamp && p.metadata.ownerReferences?.some((o: any) => o.uid === rs.metadata.uid));

describe("deployment controller in a cluster", () => {
  it("creates one owned ReplicaSet named by the pod-template-hash, with revision 1, and its pods", async () => {
    const c = createCluster({ nodes: 2, seed: 5 });
    await c.apply(deploy(3));
    await c.settle();
    const d = c.get("Deployment", "web", "default");
    const sets = rsOf(c, d);
    expect(sets).toHaveLength(1);
    const rs = sets[0];
    const hash = rs.metadata.labels["pod-template-hash"];
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(rs.spec.selector.matchLabels).toEqual({ app: "web", "pod-template-hash": hash });
    expect(rs.metadata.annotations["deployment.kubernetes.io/revision"]).toBe("1");
    expect(rs.metadata.annotations["deployment.kubernetes.io/desired-replicas"]).toBe("3");
    expect(rs.spec.replicas).toBe(3);
    expect(podsOf(c, rs)).toHaveLength(3);
    expect(d.metadata.annotations["deployment.kubernetes.io/revision"]).toBe("1");
    expect(d.status.replicas).toBe(3);
    expect(d.status.updatedReplicas).toBe(3);
    expect(d.status.observedGeneration).toBe(1);
    const ev = c.events().filter((e: any) => e.reason === "ScalingReplicaSet");
    expect(ev.map((e: any) => e.message)).toEqual([`Scaled up replica set ${rs.metadata.name} from 0 to 3`]);
    expect(ev[0].source).toEqual({ component: "deployment-controller" });
    await c.stop();
  });

  it("scaling through the scale subresource resizes the one ReplicaSet", async () => {
    const c = createCluster({ nodes: 2, seed: 6 });
    await c.apply(deploy(3));
    await c.settle();
    const r = c.requestSync({ verb: "patch", group: "apps", resource: "deployments", subresource: "scale", namespace: "default", name: "web", patchType: "merge", body: { spec: { replicas: 5 } } });
    expect(r.ok).toBe(true);
    await c.settle();
    const d = c.get("Deployment", "web", "default");
    const [rs] = rsOf(c, d);
    expect(rs.spec.replicas).toBe(5);
    expect(podsOf(c, rs)).toHaveLength(5);
    expect(c.events().filter((e: any) => e.reason === "ScalingReplicaSet").map((e: any) => e.message)).toContain(`Scaled up replica set ${rs.metadata.name} from 3 to 5`);
    await c.stop();
  });
});

const readyOwned = (c: any) => c.list("Pod", { namespace: "default", labelSelector: "app=web" })
  .filter((p: any) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((x: any) => x.type === "Ready" && x.status === "True"));
const activeRS = (c: any) => c.list("ReplicaSet", { namespace: "default" }).filter((r: any) => (r.spec.replicas ?? 0) > 0);

describe("deployment rollouts on running nodes", () => {
  it("a Deployment of 3 nginx replicas gets 3 Running pods; scaling to 5 gives 5", async () => {
    const c = createCluster({ nodes: 3, seed: 21 });
    await c.apply(deploy(3));
    await c.settle();
    c.advance(5_000);
    expect(c.list("Pod", { namespace: "default", labelSelector: "app=web" }).map((p: any) => p.status?.phase)).toEqual(["Running", "Running", "Running"]);
    await c.apply(deploy(5));
    await c.settle();
    c.advance(5_000);
    expect(readyOwned(c)).toHaveLength(5);
    const d = c.get("Deployment", "web", "default");
    expect(d.status.availableReplicas).toBe(5);
    expect(d.status.conditions.find((x: any) => x.type === "Available")).toMatchObject({ status: "True", reason: "MinimumReplicasAvailable", message: "Deployment has minimum availability." });
    expect(d.status.conditions.find((x: any) => x.type === "Progressing")).toMatchObject({ status: "True", reason: "NewReplicaSetAvailable" });
    await c.stop();
  });

  it("a rolling update to a new image never has fewer than replicas - maxUnavailable ready pods, and ends on one ReplicaSet", async () => {
    const c = createCluster({ nodes: 3, seed: 22 });
    await c.apply(deploy(4));
    await c.settle();
    c.advance(5_000);
    expect(readyOwned(c)).toHaveLength(4);
    let lowest = Infinity;
    c.runtime.observers.push(() => { lowest = Math.min(lowest, readyOwned(c).length); });
    await c.apply(deploy(4, "nginx:1.28"));
    c.advance(120_000);
    // 25% of 4 rounds down to 1
    expect(lowest).toBeGreaterThanOrEqual(3);
    const sets = activeRS(c);
    expect(sets).toHaveLength(1);
    expect(sets[0].spec.template.spec.containers[0].image).toBe("nginx:1.28");
    expect(sets[0].metadata.annotations["deployment.kubernetes.io/revision"]).toBe("2");
    expect(readyOwned(c).every((p: any) => p.spec.containers[0].image === "nginx:1.28")).toBe(true);
    expect(readyOwned(c)).toHaveLength(4);
    await c.stop();
  });

  it("rollout undo (kubectl's JSON patch of the old template) reuses the old ReplicaSet as revision 3 with revision-history 1", async () => {
    const c = createCluster({ nodes: 2, seed: 23 });
    await c.apply(deploy(2));
    await c.settle();
    c.advance(5_000);
    const first = c.list("ReplicaSet", { namespace: "default" })[0];
    await c.apply(deploy(2, "nginx:1.28"));
    c.advance(60_000);
    const old = c.get("ReplicaSet", first.metadata.name, "default");
    const template = structuredClone(old.spec.template);
    delete template.metadata.labels["pod-template-hash"];
    const r = c.requestSync({ verb: "patch", group: "apps", resource: "deployments", namespace: "default", name: "web", patchType: "json", body: [{ op: "replace", path: "/spec/template", value: template }] });
    expect(r.ok).toBe(true);
    c.advance(60_000);
    const back = c.get("ReplicaSet", first.metadata.name, "default");
    expect(back.metadata.uid).toBe(first.metadata.uid);
    expect(back.metadata.annotations["deployment.kubernetes.io/revision"]).toBe("3");
    expect(back.metadata.annotations["deployment.kubernetes.io/revision-history"]).toBe("1");
    expect(back.spec.replicas).toBe(2);
    expect(activeRS(c).map((x: any) => x.metadata.name)).toEqual([first.metadata.name]);
    expect(c.get("Deployment", "web", "default").metadata.annotations["deployment.kubernetes.io/revision"]).toBe("3");
    await c.stop();
  });

  it("rollout undo as kubectl sends it (template metadata with creationTimestamp: null) scales the old ReplicaSet back up as revision 3", async () => {
    const c = createCluster({ nodes: 2, seed: 26 });
    await c.apply(deploy(2));
    await c.settle();
    c.advance(5_000);
    const first = c.list("ReplicaSet", { namespace: "default" })[0];
    await c.apply(deploy(2, "nginx:1.28"));
    c.advance(60_000);
    const old = c.get("ReplicaSet", first.metadata.name, "default");
    // kubectl marshals the Go ObjectMeta, whose zero creationTimestamp prints as null.
    const template = { ...structuredClone(old.spec.template), metadata: { creationTimestamp: null, labels: { app: "web" } } };
    const r = c.requestSync({ verb: "patch", group: "apps", resource: "deployments", namespace: "default", name: "web", patchType: "json", body: [{ op: "replace", path: "/spec/template", value: template }] });
    expect(r.ok).toBe(true);
    c.advance(60_000);
    expect(c.list("ReplicaSet", { namespace: "default" })).toHaveLength(2);
    const back = c.get("ReplicaSet", first.metadata.name, "default");
    expect(back.metadata.annotations["deployment.kubernetes.io/revision"]).toBe("3");
    expect(back.spec.replicas).toBe(2);
    expect(activeRS(c).map((x: any) => x.metadata.name)).toEqual([first.metadata.name]);
    await c.stop();
  });

  it("rollout restart (a restartedAt template annotation) makes a new ReplicaSet and replaces every pod", async () => {
    const c = createCluster({ nodes: 2, seed: 24 });
    await c.apply(deploy(2));
    await c.settle();
    c.advance(5_000);
    const before = readyOwned(c).map((p: any) => p.metadata.uid);
    const r = c.requestSync({ verb: "patch", group: "apps", resource: "deployments", namespace: "default", name: "web", patchType: "strategic", body: { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "2026-01-01T00:00:10Z" } } } } } });
    expect(r.ok).toBe(true);
    c.advance(60_000);
    const after = readyOwned(c);
    expect(after).toHaveLength(2);
    expect(after.some((p: any) => before.includes(p.metadata.uid))).toBe(false);
    expect(c.list("ReplicaSet", { namespace: "default" })).toHaveLength(2);
    await c.stop();
  });

  // sync() (pkg/controller/deployment/sync.go): "Clean up the deployment when it's paused and no rollback is in flight"
  it("a paused Deployment whose revisionHistoryLimit drops to 0 deletes its scaled-down old ReplicaSets while still paused", async () => {
    const c = createCluster({ nodes: 2, seed: 27 });
    await c.apply(deploy(2, "nginx:1.27", { revisionHistoryLimit: 5 }));
    await c.settle();
    c.advance(5_000);
    await c.apply(deploy(2, "nginx:1.28", { revisionHistoryLimit: 5 }));
    c.advance(120_000);
    const d = c.get("Deployment", "web", "default");
    expect(rsOf(c, d)).toHaveLength(2);
    await c.apply(deploy(2, "nginx:1.28", { revisionHistoryLimit: 5, paused: true }));
    c.advance(5_000);
    await c.apply(deploy(2, "nginx:1.28", { revisionHistoryLimit: 0, paused: true }));
    c.advance(30_000);
    const left = rsOf(c, d);
    expect(left.map((r: any) => r.spec.template.spec.containers[0].image)).toEqual(["nginx:1.28"]);
    expect(c.get("Deployment", "web", "default").spec.paused).toBe(true);
    await c.stop();
  });

  it("deleting the Deployment removes its ReplicaSets and pods", async () => {
    const c = createCluster({ nodes: 2, seed: 25 });
    await c.apply(deploy(3));
    await c.settle();
    c.advance(5_000);
    await c.delete("Deployment", "web", "default");
    c.advance(60_000);
    expect(c.list("ReplicaSet", { namespace: "default" })).toEqual([]);
    expect(c.list("Pod", { namespace: "default", labelSelector: "app=web" })).toEqual([]);
    await c.stop();
  });

  describe("the rollout chart and the Progressing condition", () => {
    const progressing = (c: any) => c.get("Deployment", "web", "default").status?.conditions?.find((x: any) => x.type === "Progressing");
    const chart = (c: any) => rolloutState(c.runtime.snapshot("deployment-controller").context, "default/web");

    it("a Deployment whose pods all come up is Complete: NewReplicaSetAvailable, ReplicaSet \"<name>\" has successfully progressed.", async () => {
      const c = createCluster({ nodes: 2, seed: 41 });
      await c.apply(deploy(2));
      await c.settle();
      c.advance(10_000);
      const rs = c.list("ReplicaSet", { namespace: "default" })[0];
      expect(progressing(c)).toMatchObject({ status: "True", reason: "NewReplicaSetAvailable", message: `ReplicaSet "${rs.metadata.name}" has successfully progressed.` });
      expect(chart(c)).toBe("Complete");
      await c.stop();
    });

    it("a Deployment whose image cannot be pulled, with progressDeadlineSeconds 60, is ProgressDeadlineExceeded once 60 s pass without progress, and not before", async () => {
      const c = createCluster({ nodes: 2, seed: 42 });
      await c.apply(deploy(2, "ngnix", { progressDeadlineSeconds: 60 }));
      await c.settle();
      const rs = c.list("ReplicaSet", { namespace: "default" })[0];
      // Created, then scaled up at once: ReplicaSet "<name>" is progressing.
      expect(progressing(c)).toMatchObject({ status: "True", reason: "ReplicaSetUpdated", message: `ReplicaSet "${rs.metadata.name}" is progressing.` });
      expect(chart(c)).toBe("Progressing.ReplicaSetUpdated");
      const since = Date.parse(progressing(c).lastUpdateTime);
      c.advance(50_000);
      expect(progressing(c).status).toBe("True");
      c.advance(20_000);
      const cond = progressing(c);
      expect(cond).toMatchObject({ status: "False", reason: "ProgressDeadlineExceeded", message: `ReplicaSet "${rs.metadata.name}" has timed out progressing.` });
      // requeueStuckDeployment: the sync runs a second after the deadline.
      expect(Date.parse(cond.lastUpdateTime) - since).toBe(61_000);
      expect(chart(c)).toBe("ProgressDeadlineExceeded");
      await c.stop();
    });

    it("pausing writes Progressing=Unknown DeploymentPaused; a new image waits out a pause longer than the deadline; after the resume the rollout runs to Complete, never timed out", async () => {
      const c = createCluster({ nodes: 2, seed: 43 });
      await c.apply(deploy(2));
      await c.settle();
      c.advance(10_000);
      await c.apply(deploy(2, "nginx:1.27", { paused: true }));
      await c.settle();
      expect(progressing(c)).toMatchObject({ status: "Unknown", reason: "DeploymentPaused", message: "Deployment is paused" });
      expect(chart(c)).toBe("Paused");
      await c.apply(deploy(2, "nginx:1.28", { paused: true }));
      await c.settle();
      c.advance(700_000);
      expect(c.list("ReplicaSet", { namespace: "default" })).toHaveLength(1);
      expect(progressing(c).reason).toBe("DeploymentPaused");
      const reasons: string[] = [];
      c.runtime.observers.push(() => {
        const r = progressing(c)?.reason;
        if (r && reasons[reasons.length - 1] !== r) reasons.push(r);
      });
      await c.apply(deploy(2, "nginx:1.28"));
      await c.settle();
      c.advance(30_000);
      expect(reasons[0]).toBe("DeploymentPaused");
      expect(reasons).toContain("NewReplicaSetCreated");
      expect(reasons).not.toContain("ProgressDeadlineExceeded");
      expect(reasons[reasons.length - 1]).toBe("NewReplicaSetAvailable");
      expect(chart(c)).toBe("Complete");
      expect(c.list("ReplicaSet", { namespace: "default" })).toHaveLength(2);
      await c.stop();
    });

    it("a stuck rollout paused for 100 s with progressDeadlineSeconds 60 is DeploymentResumed when resumed, and times out 61 s after the resume, not at once", async () => {
      const c = createCluster({ nodes: 2, seed: 44 });
      await c.apply(deploy(2, "ngnix", { progressDeadlineSeconds: 60 }));
      await c.settle();
      c.advance(10_000);
      await c.apply(deploy(2, "ngnix", { progressDeadlineSeconds: 60, paused: true }));
      await c.settle();
      c.advance(100_000);
      expect(progressing(c)).toMatchObject({ status: "Unknown", reason: "DeploymentPaused" });
      await c.apply(deploy(2, "ngnix", { progressDeadlineSeconds: 60 }));
      await c.settle();
      const resumed = progressing(c);
      expect(resumed).toMatchObject({ status: "Unknown", reason: "DeploymentResumed", message: "Deployment is resumed" });
      expect(chart(c)).toBe("Progressing.DeploymentResumed");
      c.advance(55_000);
      expect(progressing(c).reason).toBe("DeploymentResumed");
      c.advance(10_000);
      expect(progressing(c)).toMatchObject({ status: "False", reason: "ProgressDeadlineExceeded" });
      expect(Date.parse(progressing(c).lastUpdateTime) - Date.parse(resumed.lastUpdateTime)).toBe(61_000);
      expect(chart(c)).toBe("ProgressDeadlineExceeded");
      await c.stop();
    });
  });
});

describe("a sync's writes, one after another", () => {
  // syncDeployment's scale() writes each ReplicaSet and returns on the first error: the next write
  // waits for the answer to the one before it (found by ci-fuzz seed 20261204: a dropped scale-down
  // landed after the scale-up that counted on it, 12 pods asked for a Deployment of 6 with maxSurge 0).
  it("a proportional scale-up sends its second ReplicaSet update only once the first is answered", async () => {
    const c = createCluster({ nodes: 3, seed: 77 });
    const strategy = { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: "25%" } } };
    await c.apply(deploy(4, "nginx:1.27", strategy));
    await c.settle();
    c.advance(5_000);
    // A new template whose image never pulls: the rollout stops at old 3, new 1.
    await c.apply(deploy(4, "ngnix", strategy));
    await c.settle();
    c.advance(5_000);
    expect(activeRS(c).map((r: any) => r.spec.replicas).sort()).toEqual([1, 3]);
    const rt = c.runtime;
    const writes: any[] = [];
    let held: any;
    rt.sendHook = (from, _to, msg) => {
      if (from !== "deployment-controller" || msg.type !== "ApiRequest" || msg.resource !== "replicasets" || msg.verb !== "update") return false;
      writes.push(msg);
      if (held !== undefined) return false;
      held = msg;
      return true;
    };
    const r = c.requestSync({ verb: "patch", group: "apps", resource: "deployments", subresource: "scale", namespace: "default", name: "web", patchType: "merge", body: { spec: { replicas: 8 } } });
    expect(r.ok).toBe(true);
    await c.settle();
    // GetProportion on max-replicas 4 -> 8: the larger ReplicaSet first, 3 -> 6, then 1 -> 2.
    expect(writes.map((w) => w.body.spec.replicas)).toEqual([6]);
    rt.post("deployment-controller", "apiserver", held);
    await c.settle();
    rt.sendHook = undefined;
    expect(writes.map((w) => w.body.spec.replicas)).toEqual([6, 2]);
    expect(activeRS(c).map((r: any) => r.spec.replicas).sort()).toEqual([2, 6]);
    await c.stop();
  });
});
