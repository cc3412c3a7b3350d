// What kube-apiserver stores and answers with is Go's JSON of the decoded object (k8s.io/api v0.35
// json tags): omitempty zero scalars and empty slices and maps left out, other fields written even
// when absent (nil as null, a zero metav1.Time as null), omitzero creationTimestamp left out.

import { describe, expect, it } from "vitest";
import { apiServerAlone } from "../../../test/support/apiserver.js";
import { goEncoded } from "./encode.js";

describe("goEncoded: an object as Go's encoding/json writes it back", () => {
  it("leaves out a Deployment's zero status counts (DeploymentStatus: every count omitempty int32)", () => {
    const d = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" }, spec: { replicas: 0, selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "i" }] } } }, status: { observedGeneration: 2, replicas: 0, updatedReplicas: 0, readyReplicas: 0, availableReplicas: 0, unavailableReplicas: 0 } };
    const out = goEncoded(d) as any;
    expect(out.status).toEqual({ observedGeneration: 2 });
    // replicas is a *int32: a pointer keeps its 0
    expect(out.spec.replicas).toBe(0);
  });

  it("keeps a ReplicaSet's replicas at 0 and writes it when absent (ReplicaSetStatus.Replicas has no omitempty)", () => {
    const rs = (status: object) => ({ apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "r" }, spec: { selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "i" }] } } }, status });
    expect((goEncoded(rs({ replicas: 0, fullyLabeledReplicas: 0, readyReplicas: 0, availableReplicas: 0, observedGeneration: 3 })) as any).status).toEqual({ replicas: 0, observedGeneration: 3 });
    expect((goEncoded(rs({})) as any).status).toEqual({ replicas: 0 });
  });

  it("writes a pod condition's missing lastProbeTime as null, drops a zero hostPort and a template's null creationTimestamp (omitzero)", () => {
    const pod = goEncoded({
      apiVersion: "v1", kind: "Pod", metadata: { name: "p" },
      spec: { containers: [{ name: "c", image: "i", ports: [{ containerPort: 80, hostPort: 0, protocol: "TCP" }] }] },
      status: { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: "2026-01-01T00:00:00Z" }] },
    }) as any;
    expect(pod.status.conditions[0]).toEqual({ type: "Ready", status: "True", lastProbeTime: null, lastTransitionTime: "2026-01-01T00:00:00Z" });
    expect(pod.spec.containers[0].ports).toEqual([{ containerPort: 80, protocol: "TCP" }]);
    const job = goEncoded({ apiVersion: "batch/v1", kind: "Job", metadata: { name: "j" }, spec: { template: { metadata: { creationTimestamp: null, labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "i" }], restartPolicy: "Never" } } } }) as any;
    expect(job.spec.template.metadata).toEqual({ labels: { a: "b" } });
  });

  it("writes an EndpointSlice's empty endpoints as null (Endpoints []Endpoint `json:\"endpoints\"`: protobuf keeps no empty slice)", () => {
    const s = goEncoded({ apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: { name: "s" }, addressType: "IPv4", endpoints: [], ports: [{ name: "", port: 80, protocol: "TCP" }] }) as any;
    expect(s.endpoints).toBeNull();
    expect(s.ports).toEqual([{ name: "", protocol: "TCP", port: 80 }]);
  });

  it("writes a map's keys sorted, as encoding/json does (labels, annotations, a ConfigMap's data, a selector)", () => {
    const out = goEncoded({
      apiVersion: "v1", kind: "ConfigMap",
      metadata: { name: "c", labels: { tier: "web", app: "x", "a.b/c": "d" }, annotations: { "z/y": "1", "b/a": "2" } },
      data: { "game.properties": "p", "UI.properties": "u", "_x": "1", "-y": "2" },
    }) as any;
    expect(Object.keys(out.metadata.labels)).toEqual(["a.b/c", "app", "tier"]);
    expect(Object.keys(out.metadata.annotations)).toEqual(["b/a", "z/y"]);
    // bytewise: '-' < 'U' < '_' < 'g'
    expect(Object.keys(out.data)).toEqual(["-y", "UI.properties", "_x", "game.properties"]);
    const svc = goEncoded({ apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { selector: { b: "1", a: "2" } } }) as any;
    expect(JSON.stringify(svc.spec.selector)).toBe('{"a":"2","b":"1"}');
    // sorted already: the same object; keys that look like array indices stay first (as JS enumerates them)
    expect(goEncoded(out)).toBe(out);
    const digits = goEncoded({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "d" }, data: { "9": "a", "10": "b", x: "c" } }) as any;
    expect(Object.keys(digits.data)).toEqual(["9", "10", "x"]);
    expect(goEncoded(digits)).toBe(digits);
  });

  it("puts fields in the struct's order and returns an object already so as it is", () => {
    const out = goEncoded({ kind: "ConfigMap", apiVersion: "v1", data: { a: "b" }, metadata: { namespace: "default", name: "c" } }) as any;
    expect(Object.keys(out)).toEqual(["kind", "apiVersion", "metadata", "data"]);
    expect(Object.keys(out.metadata)).toEqual(["name", "namespace"]);
    expect(goEncoded(out)).toBe(out);
  });
});

describe("what the API server stores is Go's encoding; an update that stores nothing new writes nothing", () => {
  it("a Deployment created with minReadySeconds: 0 and a hostPort: 0 is stored and answered without them", () => {
    const { cluster, got, send } = apiServerAlone();
    send(1, {
      verb: "create", group: "apps", resource: "deployments", namespace: "default",
      body: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "z" }, spec: { replicas: 1, minReadySeconds: 0, selector: { matchLabels: { a: "z" } }, template: { metadata: { labels: { a: "z" } }, spec: { containers: [{ name: "c", image: "nginx", ports: [{ containerPort: 80, hostPort: 0 }] }] } } } },
    });
    cluster.runtime.settle();
    expect(got[0]).toMatchObject({ ok: true, code: 201 });
    for (const d of [got[0].object, cluster.get("Deployment", "z", "default")]) {
      expect(Object.hasOwn(d.spec, "minReadySeconds")).toBe(false);
      expect(d.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 80, protocol: "TCP" }]);
    }
  });

  it("a ConfigMap created with unsorted data and labels is stored and answered with them sorted; reordering them is no change", () => {
    const { cluster, got, send } = apiServerAlone();
    send(1, { verb: "create", group: "", resource: "configmaps", namespace: "default", body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", labels: { z: "1", a: "2" } }, data: { b: "1", a: "2" } } });
    cluster.runtime.settle();
    expect(got[0]).toMatchObject({ ok: true, code: 201 });
    for (const c of [got[0].object, cluster.get("ConfigMap", "c", "default")]) {
      expect(JSON.stringify(c.data)).toBe('{"a":"2","b":"1"}');
      expect(JSON.stringify(c.metadata.labels)).toBe('{"a":"2","z":"1"}');
    }
    const rv = got[0].object.metadata.resourceVersion;
    send(2, { verb: "update", group: "", resource: "configmaps", namespace: "default", name: "c", body: { ...got[0].object, data: { b: "1", a: "2" } } });
    cluster.runtime.settle();
    expect(got.find((m) => m.id === 2).object.metadata.resourceVersion).toBe(rv);
  });

  it("an update that changes nothing keeps the resourceVersion and sends no watch event (etcd3 GuaranteedUpdate)", () => {
    const { cluster, got, send } = apiServerAlone();
    send(1, { verb: "create", group: "", resource: "configmaps", namespace: "default", body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "b" } } });
    cluster.runtime.settle();
    const created = got[0].object;
    send(2, { verb: "watch", group: "", resource: "configmaps", namespace: "default", watchId: 7, resourceVersion: created.metadata.resourceVersion });
    cluster.runtime.settle();
    const revision = cluster.runtime.snapshot("etcd").context.revision;
    // the same object again, with a field Go leaves out when empty: still the stored bytes
    send(3, { verb: "update", group: "", resource: "configmaps", namespace: "default", name: "c", body: { ...created, binaryData: {} } });
    cluster.runtime.settle();
    const answer = got.find((m) => m.id === 3);
    expect(answer).toMatchObject({ ok: true, code: 200 });
    expect(answer.object.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    expect(cluster.runtime.snapshot("etcd").context.revision).toBe(revision);
    expect(got.filter((m) => m.type === "WatchEvent" && m.eventType === "MODIFIED")).toEqual([]);
    // a real change is written
    send(4, { verb: "update", group: "", resource: "configmaps", namespace: "default", name: "c", body: { ...created, data: { a: "c" } } });
    cluster.runtime.settle();
    expect(got.find((m) => m.id === 4).object.metadata.resourceVersion).not.toBe(created.metadata.resourceVersion);
    expect(got.filter((m) => m.type === "WatchEvent" && m.eventType === "MODIFIED")).toHaveLength(1);
  });
});

describe("goEncoded given parts of the object that are its encoding already (what admission kept of the decoded body)", () => {
  it("writes them without walking them and encodes the rest: the same JSON as encoding all of it", () => {
    const T = "2026-01-01T00:00:00Z";
    const status = structuredClone((goEncoded({ apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, status: { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: T }] } }) as any).status);
    let reads = 0;
    const counted = new Proxy(status, { get: (t, k, r) => (typeof k === "string" && reads++, Reflect.get(t, k, r)), ownKeys: (t) => (reads++, Reflect.ownKeys(t)) });
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "i", ports: [{ containerPort: 80, hostPort: 0, protocol: "TCP" }] }] }, status: counted };
    const out = goEncoded(pod, [counted]) as any;
    expect(reads).toBe(0);
    expect(out.status).toBe(counted);
    // the rest is encoded as ever: a zero hostPort is left out (omitempty)
    expect(out.spec.containers[0].ports).toEqual([{ containerPort: 80, protocol: "TCP" }]);
    expect(JSON.stringify(out)).toBe(JSON.stringify(goEncoded({ ...pod, status })));
    // the condition as kube-apiserver writes it: lastProbeTime null (a zero metav1.Time)
    expect(JSON.parse(JSON.stringify(out)).status.conditions[0]).toEqual({ type: "Ready", status: "True", lastProbeTime: null, lastTransitionTime: T });
  });
});
