// pods/binding as kube-apiserver 1.35 stores it (pkg/registry/core/pod/storage BindingREST and
// setPodNodeAndMetadata, with the PodTopologyLabels admission plugin on by default): the Binding's
// uid and resourceVersion are preconditions, a gated pod is refused, the nomination is cleared,
// and the Binding's annotations and labels, with the node's zone and region, go to the pod.

import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

const ZONE = "topology.kubernetes.io/zone";
const REGION = "topology.kubernetes.io/region";

function cluster() {
  const c = createCluster({ nodes: 1, seed: 5, clock: "simulated" });
  const labelled = c.requestSync({ verb: "patch", group: "", resource: "nodes", name: "node-1", patchType: "merge", body: { metadata: { labels: { [ZONE]: "zone-a", [REGION]: "region-1", "example.com/rack": "r7" } } } });
  expect(labelled.ok).toBe(true);
  return c;
}

const unscheduled = (name: string, extra: object = {}) => ({
  apiVersion: "v1", kind: "Pod",
  metadata: { name, labels: { app: "web", [ZONE]: "stale" }, annotations: { keep: "me" } },
  spec: { schedulerName: "nobody", containers: [{ name: "c", image: "nginx:1.27" }], ...extra },
});

function create(c: ReturnType<typeof cluster>, pod: object) {
  const r = c.requestSync({ verb: "create", group: "", resource: "pods", namespace: "default", body: pod });
  expect(r.ok).toBe(true);
  return c.get("Pod", (pod as any).metadata.name);
}

function bind(c: ReturnType<typeof cluster>, name: string, binding: { metadata?: object; target?: object } = {}) {
  return c.requestSync({
    verb: "create", group: "", resource: "pods", subresource: "binding", namespace: "default", name,
    body: { apiVersion: "v1", kind: "Binding", metadata: { name, ...(binding.metadata ?? {}) }, target: { kind: "Node", name: "node-1", ...(binding.target ?? {}) } },
  });
}

describe("pods/binding writes what setPodNodeAndMetadata writes", () => {
  it("copies the Binding's annotations and labels over the pod's, and the target node's zone and region over both", () => {
    const c = cluster();
    create(c, unscheduled("web"));
    const r = bind(c, "web", { metadata: { annotations: { keep: "replaced", added: "yes" }, labels: { tier: "front", [REGION]: "from-binding" } } });
    expect(r.ok).toBe(true);
    const pod = c.get("Pod", "web");
    expect(pod.spec.nodeName).toBe("node-1");
    expect(pod.metadata.annotations).toEqual({ keep: "replaced", added: "yes" });
    // only the plugin's two keys come from the node; its other labels stay on the node
    expect(pod.metadata.labels).toEqual({ app: "web", tier: "front", [ZONE]: "zone-a", [REGION]: "region-1" });
  });

  it("copies no node label when the target's kind is empty (the plugin checks the kind only)", () => {
    const c = cluster();
    create(c, unscheduled("web"));
    expect(bind(c, "web", { target: { kind: "" } }).ok).toBe(true);
    const pod = c.get("Pod", "web");
    expect(pod.spec.nodeName).toBe("node-1");
    expect(pod.metadata.labels).toEqual({ app: "web", [ZONE]: "stale" });
    expect(pod.metadata.annotations).toEqual({ keep: "me" });
  });

  it("treats the Binding's uid and resourceVersion as preconditions on the pod: a Conflict on pods, nothing bound", () => {
    const c = cluster();
    const pod = create(c, unscheduled("web"));
    const key = "/registry/pods/default/web";
    const wrongUid = bind(c, "web", { metadata: { uid: "not-the-pod" } });
    expect([wrongUid.status?.code, wrongUid.status?.reason, wrongUid.status?.message]).toEqual([
      409, "Conflict",
      `Operation cannot be fulfilled on pods "web": StorageError: invalid object, Code: 4, Key: ${key}, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: not-the-pod, UID in object meta: ${pod.metadata.uid}`,
    ]);
    const staleRv = bind(c, "web", { metadata: { resourceVersion: "1" } });
    expect([staleRv.status?.code, staleRv.status?.message]).toEqual([
      409,
      `Operation cannot be fulfilled on pods "web": StorageError: invalid object, Code: 4, Key: ${key}, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: ${pod.metadata.resourceVersion}`,
    ]);
    expect(c.get("Pod", "web").spec.nodeName).toBeUndefined();
    expect(bind(c, "web", { metadata: { uid: pod.metadata.uid, resourceVersion: pod.metadata.resourceVersion } }).ok).toBe(true);
    expect(c.get("Pod", "web").spec.nodeName).toBe("node-1");
  });

  it("refuses a pod that still has scheduling gates (a Conflict on pods/binding)", () => {
    const c = cluster();
    create(c, unscheduled("gated", { schedulingGates: [{ name: "example.com/wait" }] }));
    const r = bind(c, "gated");
    expect([r.status?.code, r.status?.message, r.status?.details]).toEqual([409, 'Operation cannot be fulfilled on pods/binding "gated": pod gated has non-empty .spec.schedulingGates', { name: "gated", kind: "pods/binding" }]);
    expect(c.get("Pod", "gated").spec.nodeName).toBeUndefined();
  });

  it("clears status.nominatedNodeName (ClearingNominatedNodeNameAfterBinding, beta in 1.35)", () => {
    const c = cluster();
    const pod = create(c, unscheduled("web"));
    const nominated = c.requestSync({ verb: "update", group: "", resource: "pods", subresource: "status", namespace: "default", name: "web", body: { ...pod, status: { ...pod.status, nominatedNodeName: "node-1" } } });
    expect(nominated.ok).toBe(true);
    expect(c.get("Pod", "web").status.nominatedNodeName).toBe("node-1");
    expect(bind(c, "web").ok).toBe(true);
    expect(c.get("Pod", "web").status).not.toHaveProperty("nominatedNodeName");
  });
});

describe("PodTopologyLabels on a pod's create", () => {
  it("gives a pod created with spec.nodeName its node's zone and region labels", () => {
    const c = cluster();
    const pod = create(c, { apiVersion: "v1", kind: "Pod", metadata: { name: "pinned", labels: { [ZONE]: "mine" } }, spec: { nodeName: "node-1", containers: [{ name: "c", image: "nginx:1.27" }] } });
    expect(pod.metadata.labels).toEqual({ [ZONE]: "zone-a", [REGION]: "region-1" });
  });

  it("gives a pod the scheduler binds its node's zone and region labels, and a pod on an unlabelled node none", async () => {
    const c = cluster();
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "scheduled", labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx:1.27" }] } });
    await c.settle();
    expect(c.get("Pod", "scheduled").metadata.labels).toEqual({ app: "web", [ZONE]: "zone-a", [REGION]: "region-1" });
    const plain = createCluster({ nodes: 1, seed: 5, clock: "simulated" });
    await plain.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "scheduled", labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx:1.27" }] } });
    await plain.settle();
    expect(plain.get("Pod", "scheduled").metadata.labels).toEqual({ app: "web" });
  });
});
