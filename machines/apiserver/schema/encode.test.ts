// What kube-apiserver stores and answers with is Go's JSON of the decoded object (k8s.io/api v0.35
// json tags): omitempty zero scalars and empty slices and maps left out, other fields written even
// when absent (nil as null, a zero metav1.Time as null), omitzero creationTimestamp left out.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { apiServerAlone } from "../../../test/support/apiserver.js";
import { Rng } from "../../common/prng.js";
import { goEncoded, goEncodedByEveryField } from "./encode.js";

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

// ---- the walk by an object's own fields against the walk by its type's ------------------------

const T0 = "2026-01-01T00:00:00Z";
const samples: readonly any[] = [
  {
    apiVersion: "v1", kind: "Pod",
    metadata: { name: "p", namespace: "default", labels: { app: "a", tier: "b" }, annotations: { z: "1", a: "2" }, ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: "u", controller: true, blockOwnerDeletion: true }], creationTimestamp: T0, resourceVersion: "7", generation: 1 },
    spec: {
      containers: [{ name: "c", image: "nginx", ports: [{ containerPort: 80, hostPort: 0, protocol: "TCP", name: "" }], env: [{ name: "A", value: "b" }, { name: "B", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } }], resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: {} }, readinessProbe: { httpGet: { path: "/", port: 80 }, periodSeconds: 10, timeoutSeconds: 1 }, volumeMounts: [{ name: "v", mountPath: "/v", readOnly: true }], imagePullPolicy: "Always", terminationMessagePath: "/dev/termination-log" }],
      volumes: [{ name: "v", projected: { sources: [{ serviceAccountToken: { path: "token", expirationSeconds: 3607 } }, { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } }], defaultMode: 420 } }],
      restartPolicy: "Always", terminationGracePeriodSeconds: 30, dnsPolicy: "ClusterFirst", nodeName: "n1", schedulerName: "default-scheduler", securityContext: {}, tolerations: [{ key: "k", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 }], enableServiceLinks: true, priority: 0,
    },
    status: {
      phase: "Running", podIP: "10.0.0.1", podIPs: [{ ip: "10.0.0.1" }], hostIP: "192.168.0.1", startTime: T0, qosClass: "Burstable",
      conditions: [{ type: "Ready", status: "True", lastProbeTime: null, lastTransitionTime: T0 }, { type: "PodScheduled", status: "True", lastTransitionTime: T0 }],
      containerStatuses: [{ name: "c", ready: true, restartCount: 0, image: "nginx", imageID: "", containerID: "containerd://x", started: true, state: { running: { startedAt: T0 } }, lastState: {} }],
    },
  },
  {
    apiVersion: "apps/v1", kind: "Deployment",
    metadata: { name: "d", namespace: "default", labels: { app: "a" } },
    spec: { replicas: 3, selector: { matchLabels: { app: "a" } }, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 1 } }, template: { metadata: { labels: { app: "a" } }, spec: { containers: [{ name: "c", image: "i" }] } }, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 },
    status: { observedGeneration: 2, replicas: 3, updatedReplicas: 3, readyReplicas: 0, conditions: [{ type: "Available", status: "False", lastUpdateTime: T0, lastTransitionTime: T0, reason: "MinimumReplicasUnavailable", message: "m" }] },
  },
  { apiVersion: "v1", kind: "Service", metadata: { name: "s", namespace: "default" }, spec: { selector: { b: "1", a: "2" }, ports: [{ name: "http", port: 80, targetPort: 8080, protocol: "TCP" }], clusterIP: "10.96.0.10", clusterIPs: ["10.96.0.10"], type: "ClusterIP", sessionAffinity: "None", ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack", internalTrafficPolicy: "Cluster" }, status: { loadBalancer: {} } },
  { apiVersion: "v1", kind: "Event", metadata: { name: "p.1", namespace: "default" }, involvedObject: { kind: "Pod", namespace: "default", name: "p", uid: "u", apiVersion: "v1", resourceVersion: "7" }, reason: "Pulled", message: "m", source: { component: "kubelet", host: "n1" }, firstTimestamp: T0, lastTimestamp: T0, count: 1, type: "Normal", eventTime: null, reportingComponent: "kubelet", reportingInstance: "n1" },
  { apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: { name: "s-x", namespace: "default", labels: { "kubernetes.io/service-name": "s" } }, addressType: "IPv4", endpoints: [{ addresses: ["10.0.0.1"], conditions: { ready: true, serving: true, terminating: false }, nodeName: "n1", targetRef: { kind: "Pod", namespace: "default", name: "p", uid: "u" } }], ports: [{ name: "", port: 80, protocol: "TCP" }] },
];

// What a value may become: each of Go's empty values and JSON's null, an unknown field's value, or itself.
const replacements: readonly unknown[] = [undefined, null, "", 0, false, [], {}, "x", 1, true, [{}], { a: "b" }];

/** A seeded variation: keys dropped, replaced by zeros and odd values, reordered, unknown ones added; parts frozen. */
function varied(v: unknown, rng: Rng, depth: number): unknown {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((x) => varied(x, rng, depth + 1));
  const keys = Object.keys(v);
  for (let i = keys.length - 1; i > 0; i--) {
    if (rng.int(3) !== 0) continue;
    const j = rng.int(i + 1);
    [keys[i], keys[j]] = [keys[j]!, keys[i]!];
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const d = rng.int(12);
    if (d === 0 && depth > 0) continue;
    out[k] = d === 1 && depth > 0 ? replacements[rng.int(replacements.length)] : varied((v as Record<string, unknown>)[k], rng, depth + 1);
  }
  if (rng.int(6) === 0) out[rng.int(2) === 0 ? "unknownField" : "aaa"] = replacements[rng.int(replacements.length)];
  // a stored part (deep-frozen) is encoded already: taken as it is by both walks
  return rng.int(10) === 0 && depth > 0 ? Object.freeze(out) : out;
}

function objectsOf(v: unknown, into = new Set<object>()): Set<object> {
  if (v !== null && typeof v === "object" && !into.has(v)) {
    into.add(v);
    for (const x of Object.values(v)) objectsOf(x, into);
  }
  return into;
}

/** The same JSON in the same key order, and the same parts of the input kept by identity. */
function expectSameEncoding(a: unknown, b: unknown, input: Set<object>): void {
  expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  const walk = (x: unknown, y: unknown): void => {
    if (x === null || typeof x !== "object") return expect(y).toBe(x);
    expect(input.has(x)).toBe(input.has(y as object));
    if (input.has(x)) return expect(y).toBe(x);
    expect(Object.keys(y as object)).toEqual(Object.keys(x));
    for (const k of Object.keys(x)) walk((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]);
  };
  walk(a, b);
}

describe("goEncoded walks a struct by the fields the object has, merged with those Go writes when absent", () => {
  it("gives what walking every field of the type gives, for seeded variations of stored kinds", () => {
    fc.assert(
      fc.property(fc.integer(), fc.nat(samples.length - 1), (seed, which) => {
        const rng = new Rng(seed);
        const input = varied(samples[which], rng, 0) as any;
        const parts = objectsOf(input);
        expectSameEncoding(goEncoded(input), goEncodedByEveryField(input), parts);
        // with parts given as this encoding's output already (what admission kept), both take them as they are
        const kept = [goEncodedByEveryField(input).spec, goEncoded(input).status].filter((x) => x !== undefined && x !== null && typeof x === "object");
        expectSameEncoding(goEncoded(input, kept), goEncodedByEveryField(input, kept), new Set([...parts, ...kept.flatMap((k) => [...objectsOf(k)])]));
      }),
      { numRuns: 400 },
    );
  });

  it("keeps an object that is its own encoding, and reorders one whose fields come out of the type's order", () => {
    const pod = goEncoded(samples[0]) as any;
    expect(goEncoded(pod)).toBe(pod);
    const { spec, metadata, ...rest } = pod;
    const shuffled = { spec, metadata, ...rest };
    const out = goEncoded(shuffled) as any;
    expect(out).not.toBe(shuffled);
    expect(Object.keys(out)).toEqual(["kind", "apiVersion", "metadata", "spec", "status"]);
    expect(out.spec).toBe(spec);
  });
});
