// End to end through createCluster, one refused write per kind whose table was ported this round:
// the 422 Invalid Status carries the cause the kind's v1.35 Validate* function reports (read from
// validation.go, commit 000f2605), and etcd is not written.

import { describe, expect, it } from "vitest";
import { createCluster } from "../../../runtime/cluster.js";

/* eslint-disable @typescript-eslint/no-explicit-any */

type Cause = { reason: string; message: string | RegExp; field: string };

function setUp() {
  const cluster = createCluster({ seed: 1, clock: "simulated", only: ["etcd", "apiserver"] });
  cluster.runtime.settle();
  const got: any[] = [];
  cluster.runtime.external("client", (msg) => got.push(msg));
  let id = 0;
  const send = (req: object) => {
    cluster.runtime.send("client", "apiserver", { type: "ApiRequest", id: ++id, token: cluster.adminToken, ...req } as any);
    cluster.runtime.settle();
    return got[got.length - 1];
  };
  const revision = () => cluster.runtime.snapshot("etcd").context.revision;
  return { cluster, send, revision };
}

const b64 = (s: string) => Buffer.from(s).toString("base64");
const matches = (causes: any[], want: Cause[]) => {
  expect(causes).toHaveLength(want.length);
  want.forEach((w, i) => {
    expect(causes[i].reason).toBe(w.reason);
    expect(causes[i].field).toBe(w.field);
    if (typeof w.message === "string") expect(causes[i].message).toBe(w.message);
    else expect(causes[i].message).toMatch(w.message);
  });
};

describe("a refused create of each newly ported core kind", () => {
  const samples: [string, string, boolean, any, Cause][] = [
    ["nodes", "Node", false, { apiVersion: "v1", kind: "Node", metadata: { name: "n1" }, spec: { taints: [{ key: "dedicated", value: "a", effect: "NoSchedule" }, { key: "dedicated", value: "b", effect: "NoSchedule" }] } },
      { reason: "FieldValueDuplicate", message: 'Duplicate value: {"key":"dedicated","value":"b","effect":"NoSchedule"}: taints must be unique by key and effect pair', field: "metadata.taints[1]" }],
    ["namespaces", "Namespace", false, { apiVersion: "v1", kind: "Namespace", metadata: { name: "team" }, spec: { finalizers: ["Foo"] } },
      { reason: "FieldValueInvalid", message: 'Invalid value: "Foo": name is neither a standard finalizer name nor is it fully qualified', field: "spec.finalizers" }],
    ["configmaps", "ConfigMap", true, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { key: "v" }, binaryData: { key: b64("w") } },
      { reason: "FieldValueInvalid", message: 'Invalid value: "key": duplicate of key present in binaryData', field: "data[key]" }],
    ["secrets", "Secret", true, { apiVersion: "v1", kind: "Secret", metadata: { name: "regcred" }, type: "kubernetes.io/dockerconfigjson", data: { ".dockerconfigjson": b64("bad") } },
      { reason: "FieldValueInvalid", message: "Invalid value: \"<secret contents redacted>\": invalid character 'b' looking for beginning of value", field: "data[.dockerconfigjson]" }],
    ["serviceaccounts", "ServiceAccount", true, { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "Bad_SA" } },
      { reason: "FieldValueInvalid", message: /^Invalid value: "Bad_SA": a lowercase RFC 1123 subdomain must consist of/, field: "metadata.name" }],
    ["endpoints", "Endpoints", true, { apiVersion: "v1", kind: "Endpoints", metadata: { name: "web" }, subsets: [{ addresses: [{ ip: "127.0.0.1" }], ports: [{ port: 80, protocol: "TCP" }] }] },
      { reason: "FieldValueInvalid", message: 'Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)', field: "subsets[0].addresses[0].ip" }],
    ["limitranges", "LimitRange", true, { apiVersion: "v1", kind: "LimitRange", metadata: { name: "lr" }, spec: { limits: [{ type: "Pod", min: { cpu: "2" }, max: { cpu: "1" } }] } },
      { reason: "FieldValueInvalid", message: 'Invalid value: "2": min value 2 is greater than max value 1', field: "spec.limits[0].min[cpu]" }],
    ["resourcequotas", "ResourceQuota", true, { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "q" }, spec: { hard: { pods: "10" }, scopes: ["Terminating", "NotTerminating"] } },
      { reason: "FieldValueInvalid", message: 'Invalid value: ["Terminating","NotTerminating"]: conflicting scopes', field: "spec.scopes" }],
    ["replicationcontrollers", "ReplicationController", true, { apiVersion: "v1", kind: "ReplicationController", metadata: { name: "rc" }, spec: { replicas: 1, selector: { app: "web" }, template: { metadata: { labels: { app: "other" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } } },
      { reason: "FieldValueInvalid", message: 'Invalid value: {"app":"other"}: `selector` does not match template `labels`', field: "spec.template.metadata.labels" }],
    ["events", "Event", true, { apiVersion: "v1", kind: "Event", metadata: { name: "web.1" }, involvedObject: { kind: "Pod", name: "web", namespace: "other" }, reason: "Started" },
      { reason: "FieldValueInvalid", message: 'Invalid value: "other": does not match event.namespace', field: "involvedObject.namespace" }],
  ];
  for (const [resource, kind, namespaced, body, cause] of samples) {
    it(`${kind}: 422 with Kubernetes' cause, nothing stored`, () => {
      const { cluster, send, revision } = setUp();
      const before = revision();
      const r = send({ verb: "create", group: "", resource, ...(namespaced ? { namespace: "default" } : {}), body });
      expect(r).toMatchObject({ ok: false, code: 422, status: { reason: "Invalid", details: { name: body.metadata.name, kind } } });
      expect(r.status.message.startsWith(`${kind} "${body.metadata.name}" is invalid: ${cause.field}: `)).toBe(true);
      matches(r.status.details.causes, [cause]);
      expect(revision()).toBe(before);
      expect(cluster.get(kind, body.metadata.name)).toBeUndefined();
    });
  }
});

describe("a refused create of a pod by the rules ported in stop 31", () => {
  it("Pod: a Windows user name with two backslashes (validateWindowsSecurityContextOptions), nothing stored", () => {
    const { cluster, send, revision } = setUp();
    const before = revision();
    const body = { apiVersion: "v1", kind: "Pod", metadata: { name: "win" }, spec: { securityContext: { windowsOptions: { runAsUserName: "Container\\Foo\\Lish" } }, containers: [{ name: "c", image: "nginx" }] } };
    const r = send({ verb: "create", group: "", resource: "pods", namespace: "default", body });
    expect(r).toMatchObject({ ok: false, code: 422, status: { reason: "Invalid", details: { name: "win", kind: "Pod" } } });
    matches(r.status.details.causes, [{ reason: "FieldValueInvalid", message: 'Invalid value: "Container\\\\Foo\\\\Lish": runAsUserName cannot contain more than one backslash', field: "spec.securityContext.windowsOptions.runAsUserName" }]);
    expect(revision()).toBe(before);
    expect(cluster.get("Pod", "win")).toBeUndefined();
  });
  it("Pod: pod-level requests below the containers' aggregate (validatePodResourceConsistency), nothing stored", () => {
    const { cluster, send, revision } = setUp();
    const before = revision();
    const body = { apiVersion: "v1", kind: "Pod", metadata: { name: "plr" }, spec: { resources: { requests: { cpu: "500m" } }, containers: [{ name: "c", image: "nginx", resources: { requests: { cpu: "1" } } }] } };
    const r = send({ verb: "create", group: "", resource: "pods", namespace: "default", body });
    expect(r).toMatchObject({ ok: false, code: 422 });
    matches(r.status.details.causes, [{ reason: "FieldValueInvalid", message: 'Invalid value: "500m": must be greater than or equal to aggregate container requests of 1', field: "spec.resources.requests[cpu]" }]);
    expect(revision()).toBe(before);
    expect(cluster.get("Pod", "plr")).toBeUndefined();
  });
  it("Pod: a HostProcess pod without the host's network (validateWindowsHostProcessPod)", () => {
    const { send } = setUp();
    const body = { apiVersion: "v1", kind: "Pod", metadata: { name: "hp" }, spec: { securityContext: { windowsOptions: { hostProcess: true } }, containers: [{ name: "c", image: "nginx" }] } };
    const r = send({ verb: "create", group: "", resource: "pods", namespace: "default", body });
    matches(r.status.details.causes, [{ reason: "FieldValueInvalid", message: "Invalid value: false: hostNetwork must be true if pod contains any hostProcess containers", field: "spec.hostNetwork" }]);
  });
  it("Pod: seLinuxChangePolicy MountOption on create, with SELinuxMount off as in v1.35 (validateSELinuxChangePolicy)", () => {
    const { send } = setUp();
    const body = { apiVersion: "v1", kind: "Pod", metadata: { name: "sel" }, spec: { securityContext: { seLinuxChangePolicy: "MountOption" }, containers: [{ name: "c", image: "nginx" }] } };
    const r = send({ verb: "create", group: "", resource: "pods", namespace: "default", body });
    matches(r.status.details.causes, [{ reason: "FieldValueNotSupported", message: 'Unsupported value: "MountOption": supported values: "Recursive"', field: "spec.securityContext.seLinuxChangePolicy" }]);
  });
  it("Pod: a container's windowsOptions with an empty GMSA credential spec", () => {
    const { send } = setUp();
    const body = { apiVersion: "v1", kind: "Pod", metadata: { name: "gmsa" }, spec: { containers: [{ name: "c", image: "nginx", securityContext: { windowsOptions: { gmsaCredentialSpec: "" } } }] } };
    const r = send({ verb: "create", group: "", resource: "pods", namespace: "default", body });
    matches(r.status.details.causes, [{ reason: "FieldValueInvalid", message: 'Invalid value: "": gmsaCredentialSpec cannot be an empty string', field: "spec.containers[0].securityContext.windowsOptions.gmsaCredentialSpec" }]);
  });
});

describe("a refused create of each newly ported apps kind", () => {
  const template = { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx" }] } };
  const samples: [string, string, any, Cause][] = [
    ["statefulsets", "StatefulSet", { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "web" }, spec: { serviceName: "web", podManagementPolicy: "Sometimes", selector: { matchLabels: { app: "web" } }, template } },
      { reason: "FieldValueInvalid", message: "Invalid value: \"Sometimes\": must be 'OrderedReady' or 'Parallel'", field: "spec.podManagementPolicy" }],
    ["controllerrevisions", "ControllerRevision", { apiVersion: "apps/v1", kind: "ControllerRevision", metadata: { name: "web-1" }, data: {}, revision: -1 },
      { reason: "FieldValueInvalid", message: "Invalid value: -1: must be greater than or equal to 0", field: "revision" }],
  ];
  for (const [resource, kind, body, cause] of samples) {
    it(`${kind}: 422 with Kubernetes' cause, nothing stored`, () => {
      const { cluster, send, revision } = setUp();
      const before = revision();
      const r = send({ verb: "create", group: "apps", resource, namespace: "default", body });
      expect(r).toMatchObject({ ok: false, code: 422, status: { reason: "Invalid" } });
      matches(r.status.details.causes, [cause]);
      expect(revision()).toBe(before);
      expect(cluster.get(kind, body.metadata.name)).toBeUndefined();
    });
  }
});

describe("a refused update of each newly ported core kind", () => {
  it("Node: a set providerID may not change (ValidateNodeUpdate), and the node keeps it", () => {
    const { cluster, send } = setUp();
    const created = send({ verb: "create", group: "", resource: "nodes", body: { apiVersion: "v1", kind: "Node", metadata: { name: "n1" }, spec: { providerID: "kind://docker/kind/n1" } } });
    expect(created).toMatchObject({ ok: true, code: 201 });
    const r = send({ verb: "update", group: "", resource: "nodes", name: "n1", body: { ...created.object, spec: { providerID: "kind://docker/kind/other" } } });
    expect(r).toMatchObject({ ok: false, code: 422 });
    matches(r.status.details.causes, [{ reason: "FieldValueForbidden", message: 'Forbidden: node updates may not change providerID except from "" to valid', field: "spec.providerID" }]);
    expect((cluster.get("Node", "n1") as any).spec.providerID).toBe("kind://docker/kind/n1");
  });

  it("Namespace: namespaces/finalize is judged by ValidateNamespaceFinalizeUpdate, each finalizer at its index", () => {
    const { cluster, send } = setUp();
    const created = send({ verb: "create", group: "", resource: "namespaces", body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "team" } } });
    const r = send({ verb: "update", group: "", resource: "namespaces", name: "team", subresource: "finalize", body: { ...created.object, spec: { finalizers: ["kubernetes", "Foo"] } } });
    expect(r).toMatchObject({ ok: false, code: 422 });
    matches(r.status.details.causes, [{ reason: "FieldValueInvalid", message: 'Invalid value: "Foo": name is neither a standard finalizer name nor is it fully qualified', field: "spec.finalizers[1]" }]);
    expect((cluster.get("Namespace", "team") as any).spec.finalizers).toEqual(["kubernetes"]);
  });

  it("ConfigMap: an immutable ConfigMap keeps its data", () => {
    const { cluster, send } = setUp();
    const created = send({ verb: "create", group: "", resource: "configmaps", namespace: "default", body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, immutable: true, data: { a: "1" } } });
    const r = send({ verb: "update", group: "", resource: "configmaps", namespace: "default", name: "c", body: { ...created.object, data: { a: "2" } } });
    matches(r.status.details.causes, [{ reason: "FieldValueForbidden", message: "Forbidden: field is immutable when `immutable` is set", field: "data" }]);
    expect((cluster.get("ConfigMap", "c") as any).data).toEqual({ a: "1" });
  });

  it("Pod: pods/status with a reported Linux uid out of range (validateContainerStatusUsers), the stored status unchanged", () => {
    const { cluster, send } = setUp();
    const created = send({ verb: "create", group: "", resource: "pods", namespace: "default", body: { apiVersion: "v1", kind: "Pod", metadata: { name: "web" }, spec: { containers: [{ name: "c", image: "nginx" }] } } });
    expect(created).toMatchObject({ ok: true, code: 201 });
    const status = { ...created.object.status, containerStatuses: [{ name: "c", image: "nginx", imageID: "", ready: false, restartCount: 0, state: { waiting: { reason: "ContainerCreating" } }, user: { linux: { uid: -1, gid: 0 } } }] };
    const r = send({ verb: "update", group: "", resource: "pods", namespace: "default", name: "web", subresource: "status", body: { ...created.object, status } });
    expect(r).toMatchObject({ ok: false, code: 422 });
    matches(r.status.details.causes, [{ reason: "FieldValueInvalid", message: "Invalid value: -1: must be between 0 and 2147483647, inclusive", field: "status.containerStatuses[0].linux.uid" }]);
    expect((cluster.get("Pod", "web") as any).status.containerStatuses).toBeUndefined();
  });

  it("PersistentVolumeClaim: persistentvolumeclaims/status is judged by ValidatePersistentVolumeClaimStatusUpdate", () => {
    const { cluster, send } = setUp();
    const created = send({ verb: "create", group: "", resource: "persistentvolumeclaims", namespace: "default", body: { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } } });
    expect(created).toMatchObject({ ok: true, code: 201 });
    const r = send({ verb: "update", group: "", resource: "persistentvolumeclaims", namespace: "default", name: "data", subresource: "status", body: { ...created.object, status: { ...created.object.status, allocatedResourceStatuses: { storage: "Shrinking" } } } });
    expect(r).toMatchObject({ ok: false, code: 422 });
    matches(r.status.details.causes, [{ reason: "FieldValueNotSupported", message: 'Unsupported value: "storage": supported values: "ControllerResizeInProgress", "ControllerResizeInfeasible", "NodeResizeInProgress", "NodeResizeInfeasible", "NodeResizePending"', field: "status.allocatedResourceStatus" }]);
    expect((cluster.get("PersistentVolumeClaim", "data") as any).status?.allocatedResourceStatuses).toBeUndefined();
  });

  it("ResourceQuota: resourcequotas/status is judged by ValidateResourceQuotaStatusUpdate", () => {
    const { cluster, send } = setUp();
    const created = send({ verb: "create", group: "", resource: "resourcequotas", namespace: "default", body: { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "q" }, spec: { hard: { pods: "10" } } } });
    expect(created).toMatchObject({ ok: true, code: 201 });
    const r = send({ verb: "update", group: "", resource: "resourcequotas", namespace: "default", name: "q", subresource: "status", body: { ...created.object, status: { hard: { pods: "10" }, used: { pods: "1.5" } } } });
    expect(r).toMatchObject({ ok: false, code: 422 });
    matches(r.status.details.causes, [{ reason: "FieldValueInvalid", message: 'Invalid value: "1500m": must be an integer', field: "status.used[pods]" }]);
    expect((cluster.get("ResourceQuota", "q") as any).status?.used?.pods).not.toBe("1500m");
  });
});

describe("a refused write of each kind whose tables were ported this stop (PersistentVolume, PersistentVolumeClaim, Deployment, DaemonSet)", () => {
  const affinity = (host: string) => ({ required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: [host] }] }] } });
  const pv = (spec: object) => ({ apiVersion: "v1", kind: "PersistentVolume", metadata: { name: "pv1" }, spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], ...spec } });

  it("PersistentVolume: a volumeAttributesClassName needs a CSI source (ValidatePersistentVolumeSpec), nothing stored", () => {
    const { cluster, send, revision } = setUp();
    const before = revision();
    const r = send({ verb: "create", group: "", resource: "persistentvolumes", body: pv({ hostPath: { path: "/data" }, volumeAttributesClassName: "gold" }) });
    expect(r).toMatchObject({ ok: false, code: 422, status: { reason: "Invalid", details: { name: "pv1", kind: "PersistentVolume" } } });
    matches(r.status.details.causes, [{ reason: "FieldValueRequired", message: "Required value: has to be specified when using volumeAttributesClassName", field: "spec.csi" }]);
    expect(revision()).toBe(before);
    expect(cluster.get("PersistentVolume", "pv1")).toBeUndefined();
  });

  it("PersistentVolume: nodeAffinity may change only from beta labels to GA (validatePvNodeAffinity), and the volume keeps its own", () => {
    const { cluster, send } = setUp();
    const created = send({ verb: "create", group: "", resource: "persistentvolumes", body: pv({ local: { path: "/mnt/disk" }, nodeAffinity: affinity("node-a") }) });
    expect(created).toMatchObject({ ok: true, code: 201 });
    const r = send({ verb: "update", group: "", resource: "persistentvolumes", name: "pv1", body: { ...created.object, spec: { ...created.object.spec, nodeAffinity: affinity("node-b") } } });
    expect(r).toMatchObject({ ok: false, code: 422 });
    matches(r.status.details.causes, [{
      reason: "FieldValueInvalid", field: "nodeAffinity",
      message: 'Invalid value: {"Required":{"NodeSelectorTerms":[{"MatchExpressions":[{"Key":"kubernetes.io/hostname","Operator":"In","Values":["node-b"]}],"MatchFields":null}]}}: field is immutable, except for updating from beta label to GA',
    }]);
    expect((cluster.get("PersistentVolume", "pv1") as any).spec.nodeAffinity).toEqual(affinity("node-a"));
  });

  it("PersistentVolumeClaim: the beta storage-class annotation is immutable, reported at metadata.annotations.<key>", () => {
    const { cluster, send } = setUp();
    const beta = "volume.beta.kubernetes.io/storage-class";
    const body = { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "data", annotations: { [beta]: "fast" } }, spec: { accessModes: ["ReadWriteOnce"], storageClassName: "", resources: { requests: { storage: "1Gi" } } } };
    const created = send({ verb: "create", group: "", resource: "persistentvolumeclaims", namespace: "default", body });
    expect(created).toMatchObject({ ok: true, code: 201 });
    const r = send({ verb: "update", group: "", resource: "persistentvolumeclaims", namespace: "default", name: "data", body: { ...created.object, metadata: { ...created.object.metadata, annotations: { [beta]: "fast2" } } } });
    expect(r).toMatchObject({ ok: false, code: 422 });
    matches(r.status.details.causes, [{ reason: "FieldValueInvalid", message: 'Invalid value: "fast2": field is immutable', field: `metadata.annotations.${beta}` }]);
    expect((cluster.get("PersistentVolumeClaim", "data") as any).metadata.annotations[beta]).toBe("fast");
  });

  it("Deployment: an unconvertible selector is 'invalid label selector' (ValidateDeploymentSpec), then immutable (apps/v1 strategy)", () => {
    const { cluster, send } = setUp();
    const template = { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx" }] } };
    const created = send({ verb: "create", group: "apps", resource: "deployments", namespace: "default", body: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { selector: { matchLabels: { app: "web" } }, template } } });
    expect(created).toMatchObject({ ok: true, code: 201 });
    const bad = { matchLabels: { "NoUppercaseOrSpecialCharsLike=Equals": "b" } };
    const r = send({ verb: "update", group: "apps", resource: "deployments", namespace: "default", name: "web", body: { ...created.object, spec: { ...created.object.spec, selector: bad } } });
    expect(r).toMatchObject({ ok: false, code: 422 });
    matches(r.status.details.causes, [
      { reason: "FieldValueInvalid", message: /^Invalid value: "NoUppercaseOrSpecialCharsLike=Equals": name part must consist of/, field: "spec.selector.matchLabels" },
      { reason: "FieldValueInvalid", message: /: invalid label selector$/, field: "spec.selector" },
      { reason: "FieldValueInvalid", message: /: field is immutable$/, field: "spec.selector" },
    ]);
    expect((cluster.get("Deployment", "web") as any).spec.selector).toEqual({ matchLabels: { app: "web" } });
  });

  it("DaemonSet: a semantically equal template (an empty imagePullSecrets) keeps its templateGeneration, and the update is accepted", () => {
    const { cluster, send } = setUp();
    const annotation = "deprecated.daemonset.template.generation";
    const template = { metadata: { labels: { app: "agent" } }, spec: { containers: [{ name: "c", image: "nginx" }] } };
    const created = send({ verb: "create", group: "apps", resource: "daemonsets", namespace: "default", body: { apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "agent" }, spec: { selector: { matchLabels: { app: "agent" } }, template } } });
    expect(created).toMatchObject({ ok: true, code: 201 });
    expect(created.object.metadata.annotations[annotation]).toBe("1");
    const next = structuredClone(created.object);
    next.spec.template.spec.imagePullSecrets = [];
    const r = send({ verb: "update", group: "apps", resource: "daemonsets", namespace: "default", name: "agent", body: next });
    expect(r).toMatchObject({ ok: true, code: 200 });
    expect((cluster.get("DaemonSet", "agent") as any).metadata.annotations[annotation]).toBe("1");
    next.spec.template.spec.containers[0].image = "nginx:2";
    const changed = send({ verb: "update", group: "apps", resource: "daemonsets", namespace: "default", name: "agent", body: { ...next, metadata: (cluster.get("DaemonSet", "agent") as any).metadata } });
    expect(changed).toMatchObject({ ok: true, code: 200 });
    expect((cluster.get("DaemonSet", "agent") as any).metadata.annotations[annotation]).toBe("2");
  });
});

describe("a pod's ephemeral volume claim template is judged (ValidatePersistentVolumeClaimTemplate)", () => {
  it("Pod: a claim template without accessModes and with a name is refused with both causes, nothing stored", () => {
    const { cluster, send, revision } = setUp();
    const before = revision();
    const body = {
      apiVersion: "v1", kind: "Pod", metadata: { name: "scratch" },
      spec: { containers: [{ name: "c", image: "nginx" }], volumes: [{ name: "data", ephemeral: { volumeClaimTemplate: { metadata: { name: "x" }, spec: { resources: { requests: { storage: "1Gi" } } } } } }] },
    };
    const r = send({ verb: "create", group: "", resource: "pods", namespace: "default", body });
    expect(r).toMatchObject({ ok: false, code: 422, status: { reason: "Invalid" } });
    matches(r.status.details.causes, [
      { reason: "FieldValueForbidden", message: "Forbidden: cannot be set", field: "spec.volumes[0].ephemeral.volumeClaimTemplate.metadata.name" },
      { reason: "FieldValueRequired", message: "Required value: at least 1 access mode is required", field: "spec.volumes[0].ephemeral.volumeClaimTemplate.spec.accessModes" },
    ]);
    expect(revision()).toBe(before);
    expect(cluster.get("Pod", "scratch")).toBeUndefined();
  });
});
