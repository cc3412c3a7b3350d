import { describe, it, expect } from "vitest";
import { createCluster } from "../../runtime/cluster.js";
import { readFileSync } from "node:fs";
import { replicaSetCountsOnlyReadyPods, replicaSetNeverOwnsTooManyPods, replicationControllerNeverOwnsTooManyPods } from "./replicaset.js";

const deploy = (replicas: number, image: string) => ({
  apiVersion: "apps/v1", kind: "Deployment",
  metadata: { name: "web", namespace: "default" },
  spec: { replicas, selector: { matchLabels: { app: "web" } }, strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "nginx", image }] } } },
});

describe("replicaSetNeverOwnsTooManyPods", () => {
  for (const seed of [1, 2, 3]) {
    it(`holds at every step of a create, scale, roll out and scale down run (seed ${seed})`, async () => {
      const c = createCluster({ nodes: 2, seed });
      const violations: string[] = [];
      c.runtime.observers.push(() => {
        for (const v of replicaSetNeverOwnsTooManyPods(c)) violations.push(v.message);
      });
      await c.apply(deploy(3, "nginx:1.27"));
      await c.settle();
      await c.apply(deploy(5, "nginx:1.27"));
      await c.settle();
      await c.apply(deploy(5, "nginx:1.28"));
      c.advance(60_000);
      await c.apply(deploy(2, "nginx:1.28"));
      c.advance(60_000);
      expect(violations).toEqual([]);
      await c.stop();
    });
  }

  it("reports a ReplicaSet that owns more active pods than it ever asked for", () => {
    const rs = { metadata: { name: "web", namespace: "default", uid: "u1" }, spec: { replicas: 1 } };
    const pod = (n: string) => ({ metadata: { name: n, namespace: "default", ownerReferences: [{ kind: "ReplicaSet", uid: "u1", controller: true }] }, status: { phase: "Running" } });
    const view = { list: (k: string) => (k === "ReplicaSet" ? [rs] : [pod("a"), pod("b")]) };
    expect(replicaSetNeverOwnsTooManyPods(view).map((v) => v.message)).toEqual(["ReplicaSet default/web owns 2 active pods but never asked for more than 1"]);
  });

  it("does not count adopted pods: a re-created ReplicaSet takes its orphans and may own more until it deletes the surplus", () => {
    const rs = { metadata: { name: "web", namespace: "default", uid: "new" }, spec: { replicas: 1 } };
    const pod = (n: string, owner?: string) => ({ metadata: { name: n, uid: n, namespace: "default", ...(owner ? { ownerReferences: [{ kind: "ReplicaSet", uid: owner, controller: true }] } : {}) }, status: { phase: "Running" } });
    let pods = [pod("orphan"), pod("made", "new")];
    const view = { list: (k: string) => (k === "ReplicaSet" ? [rs] : pods) };
    expect(replicaSetNeverOwnsTooManyPods(view)).toEqual([]);
    pods = [pod("orphan", "new"), pod("made", "new")];
    expect(replicaSetNeverOwnsTooManyPods(view)).toEqual([]);
    pods = [pod("orphan", "new"), pod("made", "new"), pod("made-twice", "new")];
    expect(replicaSetNeverOwnsTooManyPods(view).map((v) => v.message)).toEqual(["ReplicaSet default/web owns 2 active pods but never asked for more than 1"]);
  });

  it("does not count terminating pods against the bound", () => {
    const rs = { metadata: { name: "web", namespace: "default", uid: "u1" }, spec: { replicas: 1 } };
    const pod = (n: string, del?: string) => ({ metadata: { name: n, namespace: "default", deletionTimestamp: del, ownerReferences: [{ kind: "ReplicaSet", uid: "u1", controller: true }] }, status: { phase: "Running" } });
    const view = { list: (k: string) => (k === "ReplicaSet" ? [rs] : [pod("a"), pod("b", "2026-01-01T00:00:00Z")]) };
    expect(replicaSetNeverOwnsTooManyPods(view)).toEqual([]);
  });

  it("accepts the pods of a sync against a higher spec that finish after a scale-down, as slow-start batches do", () => {
    const rs = (replicas: number) => ({ metadata: { name: "web", namespace: "default", uid: "u1" }, spec: { replicas } });
    const pod = (n: string) => ({ metadata: { name: n, namespace: "default", ownerReferences: [{ kind: "ReplicaSet", uid: "u1", controller: true }] }, status: { phase: "Running" } });
    let now = { rs: rs(3), pods: [pod("a")] };
    const view = { list: (k: string) => (k === "ReplicaSet" ? [now.rs] : now.pods) };
    expect(replicaSetNeverOwnsTooManyPods(view)).toEqual([]);
    // scaled to 2 while the sync against 3 still creates its second batch: the next sync deletes one
    now = { rs: rs(2), pods: [pod("a")] };
    expect(replicaSetNeverOwnsTooManyPods(view)).toEqual([]);
    now = { rs: rs(2), pods: [pod("a"), pod("b"), pod("c")] };
    expect(replicaSetNeverOwnsTooManyPods(view)).toEqual([]);
    now = { rs: rs(2), pods: [pod("a"), pod("b"), pod("c"), pod("d")] };
    expect(replicaSetNeverOwnsTooManyPods(view).map((v) => v.message)).toEqual(["ReplicaSet default/web owns 4 active pods but never asked for more than 3"]);
  });
});

describe("replicationControllerNeverOwnsTooManyPods", () => {
  // kubernetes/website content/en/examples/controllers/replication.yaml (3 nginx replicas)
  const manifest = readFileSync(new URL("../../examples/replication.yaml", import.meta.url), "utf8");
  for (const seed of [1, 2]) {
    it(`holds at every step of the docs' nginx ReplicationController created, scaled up, down, and a pod deleted (seed ${seed})`, async () => {
      const c = createCluster({ nodes: 2, seed });
      const violations: string[] = [];
      let judgedRCs = 0;
      c.runtime.observers.push(() => {
        judgedRCs = Math.max(judgedRCs, c.list("ReplicationController").length);
        for (const v of replicationControllerNeverOwnsTooManyPods(c)) violations.push(v.message);
      });
      await c.apply(manifest);
      await c.settle();
      const scale = (replicas: number) => expect(c.requestSync({ verb: "patch", group: "", resource: "replicationcontrollers", namespace: "default", name: "nginx", patchType: "merge", body: { spec: { replicas } } }).ok).toBe(true);
      scale(5);
      c.advance(2_000);
      scale(1);
      await c.settle();
      const [pod] = c.list("Pod", { labelSelector: "app=nginx" });
      expect(c.requestSync({ verb: "delete", group: "", resource: "pods", namespace: "default", name: pod.metadata.name }).ok).toBe(true);
      c.advance(60_000);
      await c.settle();
      expect(c.list("Pod", { labelSelector: "app=nginx" }).filter((p: any) => !p.metadata.deletionTimestamp)).toHaveLength(1);
      expect(judgedRCs).toBe(1);
      expect(violations).toEqual([]);
      await c.stop();
    });
  }

  it("reports a ReplicationController that owns more active pods than it ever asked for, and leaves ReplicaSets to their own invariant", () => {
    const rc = { metadata: { name: "nginx", namespace: "default", uid: "u1" }, spec: { replicas: 2 } };
    const pod = (n: string, kind: string) => ({ metadata: { name: n, namespace: "default", ownerReferences: [{ kind, uid: "u1", controller: true }] }, status: { phase: "Running" } });
    const view = { list: (k: string) => (k === "ReplicationController" ? [rc] : k === "Pod" ? [pod("a", "ReplicationController"), pod("b", "ReplicationController"), pod("c", "ReplicationController"), pod("d", "ReplicaSet")] : []) };
    expect(replicationControllerNeverOwnsTooManyPods(view)).toEqual([{ invariant: "replicationControllerNeverOwnsTooManyPods", message: "ReplicationController default/nginx owns 3 active pods but never asked for more than 2" }]);
  });
});

describe("replicaSetCountsOnlyReadyPods", () => {
  const ref = [{ kind: "ReplicaSet", uid: "rs1", controller: true }];
  const pod = (n: string, ready: boolean) => ({ metadata: { name: n, uid: `uid-${n}`, namespace: "default", ownerReferences: ref }, status: { phase: "Running", conditions: [{ type: "Ready", status: ready ? "True" : "False" }] } });
  const rs = (readyReplicas: number, availableReplicas = readyReplicas) => ({ metadata: { name: "web", namespace: "default", uid: "rs1" }, spec: { selector: { matchLabels: { app: "web" } } }, status: { replicas: 2, readyReplicas, availableReplicas } });

  it("reports a ReplicaSet that counts a Running pod whose readiness probe has not passed as ready", () => {
    let now: { rs: any; pods: any[] } = { rs: rs(0), pods: [pod("a", true), pod("b", false)] };
    const view = { list: (k: string) => (k === "ReplicaSet" ? [now.rs] : now.pods) };
    expect(replicaSetCountsOnlyReadyPods(view)).toEqual([]);
    now = { ...now, rs: rs(1) };
    expect(replicaSetCountsOnlyReadyPods(view)).toEqual([]);
    now = { ...now, rs: rs(2, 1) };
    expect(replicaSetCountsOnlyReadyPods(view).map((v) => v.message)).toEqual(["ReplicaSet default/web reports readyReplicas 2, but only 1 of its pods (and orphans it could adopt) were ever Ready"]);
  });

  it("counts a Ready orphan the ReplicaSet claims before its adoption patch is stored, but not one its selector does not match", () => {
    const orphan = (n: string, app: string) => ({ metadata: { name: n, uid: `uid-${n}`, namespace: "default", labels: { app } }, status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] } });
    let now: { rs: any; pods: any[] } = { rs: rs(0), pods: [orphan("a", "web"), orphan("b", "db")] };
    const view = { list: (k: string) => (k === "ReplicaSet" ? [now.rs] : now.pods) };
    replicaSetCountsOnlyReadyPods(view);
    now = { ...now, rs: rs(1) };
    expect(replicaSetCountsOnlyReadyPods(view)).toEqual([]);
    now = { ...now, rs: rs(2) };
    expect(replicaSetCountsOnlyReadyPods(view)).toHaveLength(2);
  });

  it("accepts a count a lagging cache justified: a pod Ready once, not Ready now", () => {
    let now: { rs: any; pods: any[] } = { rs: rs(0), pods: [pod("a", true)] };
    const view = { list: (k: string) => (k === "ReplicaSet" ? [now.rs] : now.pods) };
    replicaSetCountsOnlyReadyPods(view);
    now = { rs: rs(1), pods: [pod("a", false)] };
    expect(replicaSetCountsOnlyReadyPods(view)).toEqual([]);
  });

  it("holds at every step of a Deployment whose pods pass a readiness probe after a delay, rolled out and scaled", async () => {
    const c = createCluster({ nodes: 2, seed: 6 });
    const violations: string[] = [];
    c.runtime.observers.push(() => void violations.push(...replicaSetCountsOnlyReadyPods(c).map((v) => v.message)));
    const d = deploy(3, "nginx:1.25");
    d.spec.template.spec.containers[0] = { ...d.spec.template.spec.containers[0], ports: [{ name: "http", containerPort: 80 }], readinessProbe: { httpGet: { path: "/", port: "http" }, initialDelaySeconds: 5, periodSeconds: 1 } } as any;
    await c.apply(d);
    c.advance(30_000);
    await c.settle();
    await c.apply({ ...d, spec: { ...d.spec, replicas: 2, template: { ...d.spec.template, spec: { ...d.spec.template.spec, containers: [{ ...d.spec.template.spec.containers[0], image: "nginx:1.26" }] } } } });
    c.advance(60_000);
    await c.settle();
    expect(c.list("ReplicaSet").some((r: any) => (r.status?.readyReplicas ?? 0) > 0)).toBe(true);
    expect(violations).toEqual([]);
    await c.stop();
  });
});
