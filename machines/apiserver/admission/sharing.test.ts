// Defaulting shares a write's deep-frozen parts that its defaulter leaves alone (a spec remembered
// as a fixpoint by identity): checked against the straightforward way, a plain JSON copy of the
// whole write given to the kind's defaulter, and against the same write made of unfrozen objects.

import { describe, expect, it } from "vitest";
import { deepFreeze, isDeepFrozen } from "../../common/equal.js";
import { defaulted, mutate, type MutateContext } from "./index.js";
import { defaultPod } from "./pod.js";
import { defaultDeployment, defaultEndpointSlice, defaultReplicaSet } from "./kinds.js";

const now = "2026-01-01T00:00:00Z";
const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v));

/** The straightforward defaulting: a full JSON copy, then the kind's defaulter on it. */
function copiedAndDefaulted(obj: any, defaulter: (o: any) => void): string {
  const c = plain(obj);
  c.metadata ??= {};
  defaulter(c);
  return JSON.stringify(c);
}

// Pods whose specs lack defaults in different places, and the same pods as admission stores them.
function pods(): any[] {
  const containers = [
    [{ name: "c", image: "nginx:1.27" }],
    [{ name: "c", image: "nginx", imagePullPolicy: "Always", resources: { limits: { cpu: "1", memory: "1Gi" } }, ports: [{ containerPort: 80 }] }],
    [{ name: "c", image: "app:v1", livenessProbe: { httpGet: { port: 8080 } }, env: [{ name: "N", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }] }],
  ];
  const volumes = [undefined, [{ name: "v" }], [{ name: "s", secret: { secretName: "x" } }, { name: "p", projected: { sources: [{ serviceAccountToken: { path: "t" } }] } }]];
  const out: any[] = [];
  for (const cs of containers) {
    for (const vs of volumes) {
      for (const hostNetwork of [false, true]) {
        const spec: any = { containers: cs, ...(vs ? { volumes: vs } : {}), ...(hostNetwork ? { hostNetwork } : {}) };
        const p = { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "default", labels: { app: "web" }, ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: "u" }] }, spec };
        out.push(p, mutate(plain(p), { now, operation: "CREATE" }));
      }
    }
  }
  return out;
}

describe("defaulting a write with deep-frozen parts", () => {
  it("gives a pod what copying it whole and defaulting the copy gives, sharing a spec that is already defaulted", () => {
    let shared = 0;
    for (const p of pods()) {
      const stored = deepFreeze(plain(p));
      const before = JSON.stringify(stored);
      // a status write carries the stored spec and metadata's values, with a status of its own
      const write = { ...stored, metadata: { ...stored.metadata }, status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] } };
      for (const obj of [stored, write, write]) {
        const want = copiedAndDefaulted(obj, defaultPod);
        const got = defaulted(obj);
        expect(JSON.stringify(got)).toBe(want);
        const specOnly = plain({ spec: stored.spec });
        defaultPod(specOnly);
        const fixpoint = JSON.stringify(specOnly.spec) === JSON.stringify(stored.spec);
        expect(got.spec === stored.spec).toBe(fixpoint);
        if (fixpoint) shared++;
      }
      expect(JSON.stringify(stored)).toBe(before);
      expect(isDeepFrozen(stored)).toBe(true);
    }
    expect(shared).toBeGreaterThan(0);
  });

  it("gives deployments, replica sets and endpoint slices what copying and defaulting gives", () => {
    const template = { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx" }] } };
    const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", namespace: "default" }, spec: { selector: { matchLabels: { app: "web" } }, template } };
    const replicaSet = { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "r", namespace: "default" }, spec: { replicas: 2, selector: { matchLabels: { app: "web" } }, template } };
    const slice = {
      apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: { name: "s", namespace: "default" }, addressType: "IPv4",
      endpoints: [{ addresses: ["10.0.0.1"], conditions: { ready: true } }, { addresses: ["10.0.0.2"], conditions: { ready: false } }], ports: [{ port: 80 }],
    };
    for (const [obj, defaulter] of [[deployment, defaultDeployment], [replicaSet, defaultReplicaSet], [slice, defaultEndpointSlice]] as const) {
      // as written, and as stored once defaulted (its spec a fixpoint)
      const once = plain(obj) as any;
      defaulter(once);
      for (const v of [obj, once]) {
        const stored = deepFreeze(plain(v)) as any;
        const write = { ...stored, metadata: { ...stored.metadata }, status: { observedGeneration: 1 } };
        for (const o of [stored, write, write]) expect(JSON.stringify(defaulted(o))).toBe(copiedAndDefaulted(o, defaulter as (o: any) => void));
        if (stored.endpoints) expect(defaulted(write).endpoints[0]).toBe(stored.endpoints[0]);
      }
    }
  });
});

describe("admission after defaulting with shared parts", () => {
  const stored = deepFreeze(plain(pods()[1]));
  const old = { ...stored, metadata: { ...stored.metadata, uid: "u1", creationTimestamp: now, generation: 1, resourceVersion: "5" } };
  deepFreeze(old);

  it("a status write stores the old spec itself and equals the write made of unfrozen objects", () => {
    const write = { ...old, metadata: { ...old.metadata }, spec: { ...old.spec, nodeName: "ignored" }, status: { phase: "Running" } };
    const ctx: MutateContext = { now, operation: "UPDATE", old, subresource: "status" };
    const got = mutate(write, ctx);
    expect(JSON.stringify(got)).toBe(JSON.stringify(mutate(plain(write), { ...ctx, old: plain(old) })));
    expect(got.spec).toBe(old.spec);
  });

  it("an update of the main resource gets parts it may change in place: none of them frozen", () => {
    const write = { ...old, metadata: { ...old.metadata, labels: { app: "web", extra: "1" } } };
    const ctx: MutateContext = { now, operation: "UPDATE", old };
    const got = mutate(write, ctx);
    expect(JSON.stringify(got)).toBe(JSON.stringify(mutate(plain(write), { ...ctx, old: plain(old) })));
    expect(Object.isFrozen(got.spec)).toBe(false);
    expect(Object.isFrozen(got.metadata.ownerReferences)).toBe(false);
  });

  it("an endpoint slice's update keeps its frozen endpoints shared", () => {
    const slice = deepFreeze({ apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: { name: "s", namespace: "default", uid: "u2", creationTimestamp: now }, addressType: "IPv4", endpoints: [{ addresses: ["10.0.0.1"] }], ports: [{ port: 80, name: "", protocol: "TCP" }] });
    const write = { ...slice, metadata: { ...slice.metadata }, endpoints: [...slice.endpoints, deepFreeze({ addresses: ["10.0.0.2"] })] };
    const ctx: MutateContext = { now, operation: "UPDATE", old: slice };
    const got = mutate(write, ctx);
    expect(JSON.stringify(got)).toBe(JSON.stringify(mutate(plain(write), { ...ctx, old: plain(slice) })));
    expect(got.endpoints[1]).toBe(write.endpoints[1]);
  });
});
