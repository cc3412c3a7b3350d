// Admission end to end through a running cluster: each plugin as kube-apiserver runs it, with
// Kubernetes' messages (plugin/pkg/admission/priority, limitranger, resourcequota).
import { describe, expect, it } from "vitest";
import { createCluster } from "../index.js";

const pod = (name: string, spec: any = {}, resources?: any) => ({
  apiVersion: "v1", kind: "Pod", metadata: { name },
  spec: { containers: [{ name: "app", image: "nginx", ...(resources ? { resources } : {}) }], ...spec },
});
const pc = (name: string, value: number, extra: any = {}) => ({ apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name }, value, ...extra });

async function refusal(p: Promise<unknown>): Promise<{ code?: number; reason?: string; message: string }> {
  try {
    await p;
  } catch (e: any) {
    return { code: e.status?.code, reason: e.status?.reason, message: e.message };
  }
  throw new Error("the write was admitted");
}

describe("Priority admission", () => {
  it("stores the system priority classes, as the API server's post-start hook does", () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    expect(c.list("PriorityClass").map((x) => [x.metadata.name, x.value, x.preemptionPolicy])).toEqual([
      ["system-cluster-critical", 2000000000, "PreemptLowerPriority"],
      ["system-node-critical", 2000001000, "PreemptLowerPriority"],
    ]);
  });

  it("refuses a pod naming a class that does not exist, and stores nothing", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    const r = await refusal(c.apply(pod("p", { priorityClassName: "high" })));
    expect(r).toMatchObject({ code: 403, reason: "Forbidden", message: `pods "p" is forbidden: no PriorityClass with name high was found` });
    expect(c.get("Pod", "p")).toBeUndefined();
  });

  it("sets spec.priority and preemptionPolicy from the class (the docs' high-priority pod)", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    await c.apply(pc("high-priority", 1000000, { globalDefault: false, description: "This priority class should be used for XYZ service pods only." }));
    await c.apply(pc("high-priority-nonpreempting", 1000000, { preemptionPolicy: "Never" }));
    await c.apply(pod("nginx", { priorityClassName: "high-priority" }));
    await c.apply(pod("quiet", { priorityClassName: "high-priority-nonpreempting" }));
    await c.apply(pod("critical", { priorityClassName: "system-node-critical" }));
    expect(c.get("Pod", "nginx").spec).toMatchObject({ priority: 1000000, preemptionPolicy: "PreemptLowerPriority" });
    expect(c.get("Pod", "quiet").spec).toMatchObject({ priority: 1000000, preemptionPolicy: "Never" });
    expect(c.get("Pod", "critical").spec.priority).toBe(2000001000);
  });

  it("refuses a priority the pod sets itself when it differs from its class's", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    const r = await refusal(c.apply(pod("p", { priorityClassName: "system-cluster-critical", priority: 5 })));
    expect(r.message).toBe(`pods "p" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 2000000000 from the given PriorityClass name`);
    const r2 = await refusal(c.apply(pod("q", { preemptionPolicy: "Never" })));
    expect(r2.message).toBe(`pods "q" is forbidden: the string value of PreemptionPolicy (Never) must not be provided in pod spec; priority admission controller computed PreemptLowerPriority from the given PriorityClass name`);
  });

  it("gives a pod without a class the global default class (the lowest-valued default), and allows one default only", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    await c.apply(pod("before"));
    expect(c.get("Pod", "before").spec).toMatchObject({ priority: 0, preemptionPolicy: "PreemptLowerPriority" });
    expect(c.get("Pod", "before").spec.priorityClassName).toBeUndefined();
    await c.apply(pc("default-low", 100, { globalDefault: true, preemptionPolicy: "Never" }));
    const r = await refusal(c.apply(pc("another-default", 50, { globalDefault: true })));
    expect(r).toMatchObject({ code: 403, message: `priorityclasses.scheduling.k8s.io "another-default" is forbidden: PriorityClass default-low is already marked as default. Only one default can exist` });
    await c.apply(pod("after"));
    expect(c.get("Pod", "after").spec).toMatchObject({ priorityClassName: "default-low", priority: 100, preemptionPolicy: "Never" });
  });

  it("refuses an update that makes a second class the default, and lets the default class be updated", async () => {
    // the Priority plugin's validatePriorityClass on update: another default refuses it, the default itself does not
    const c = createCluster({ nodes: 1, seed: 3 });
    await c.apply(pc("default-low", 100, { globalDefault: true }));
    await c.apply(pc("other", 50));
    const r = await refusal(c.apply(pc("other", 50, { globalDefault: true })));
    expect(r).toMatchObject({ code: 403, message: `priorityclasses.scheduling.k8s.io "other" is forbidden: PriorityClass default-low is already marked as default. Only one default can exist` });
    expect(c.get("PriorityClass", "other").globalDefault).toBeUndefined();
    await c.apply(pc("default-low", 100, { globalDefault: true, description: "the default" }));
    expect(c.get("PriorityClass", "default-low").description).toBe("the default");
  });
});

// The docs' admin/resource pages: memory-default-namespace, cpu-constraint-namespace,
// quota-memory-cpu-namespace and quota-pod-namespace, with their manifests and their output.
const ns = (name: string) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
const inNs = (o: any, namespace: string) => ({ ...o, metadata: { ...o.metadata, namespace } });

describe("LimitRange admission (LimitRanger)", () => {
  it("applies a namespace's default memory request and limit to a container without them, and says so in an annotation", async () => {
    const c = createCluster({ nodes: 1, seed: 4 });
    await c.apply(ns("default-mem-example"));
    await c.apply(inNs({ apiVersion: "v1", kind: "LimitRange", metadata: { name: "mem-limit-range" }, spec: { limits: [{ default: { memory: "512Mi" }, defaultRequest: { memory: "256Mi" }, type: "Container" }] } }, "default-mem-example"));
    await c.apply(inNs(pod("default-mem-demo"), "default-mem-example"));
    const p = c.get("Pod", "default-mem-demo", "default-mem-example");
    expect(p.spec.containers[0].resources).toEqual({ limits: { memory: "512Mi" }, requests: { memory: "256Mi" } });
    expect(p.metadata.annotations["kubernetes.io/limit-ranger"]).toBe("LimitRanger plugin set: memory request for container app; memory limit for container app");
    expect(p.status.qosClass).toBe("Burstable");
  });

  it("applies the defaults to init containers too, named in the annotation as init containers (mergePodResourceRequirements)", async () => {
    const c = createCluster({ nodes: 1, seed: 4 });
    await c.apply(ns("default-mem-example"));
    await c.apply(inNs({ apiVersion: "v1", kind: "LimitRange", metadata: { name: "mem-limit-range" }, spec: { limits: [{ default: { memory: "512Mi" }, defaultRequest: { memory: "256Mi" }, type: "Container" }] } }, "default-mem-example"));
    await c.apply(inNs(pod("with-init", { initContainers: [{ name: "init", image: "busybox", command: ["true"] }] }), "default-mem-example"));
    const p = c.get("Pod", "with-init", "default-mem-example");
    expect(p.spec.initContainers[0].resources).toEqual({ limits: { memory: "512Mi" }, requests: { memory: "256Mi" } });
    expect(p.metadata.annotations["kubernetes.io/limit-ranger"]).toBe("LimitRanger plugin set: memory request for container app; memory limit for container app; memory request for init container init; memory limit for init container init");
  });

  it("defaults a Container item's limit to its max and its request to the limit (SetDefaults_LimitRangeItem), and enforces min and max", async () => {
    const c = createCluster({ nodes: 1, seed: 4 });
    await c.apply(ns("constraints-cpu-example"));
    await c.apply(inNs({ apiVersion: "v1", kind: "LimitRange", metadata: { name: "cpu-min-max-demo-lr" }, spec: { limits: [{ max: { cpu: "800m" }, min: { cpu: "200m" }, type: "Container" }] } }, "constraints-cpu-example"));
    expect(c.get("LimitRange", "cpu-min-max-demo-lr", "constraints-cpu-example").spec.limits[0]).toEqual({ type: "Container", max: { cpu: "800m" }, min: { cpu: "200m" }, default: { cpu: "800m" }, defaultRequest: { cpu: "800m" } });
    const over = await refusal(c.apply(inNs(pod("constraints-cpu-demo-2", {}, { limits: { cpu: "1.5" }, requests: { cpu: "500m" } }), "constraints-cpu-example")));
    expect(over).toMatchObject({ code: 403, reason: "Forbidden", message: `pods "constraints-cpu-demo-2" is forbidden: maximum cpu usage per Container is 800m, but limit is 1500m` });
    const under = await refusal(c.apply(inNs(pod("constraints-cpu-demo-3", {}, { limits: { cpu: "800m" }, requests: { cpu: "100m" } }), "constraints-cpu-example")));
    expect(under.message).toBe(`pods "constraints-cpu-demo-3" is forbidden: minimum cpu usage per Container is 200m, but request is 100m`);
    await c.apply(inNs(pod("constraints-cpu-demo-4"), "constraints-cpu-example"));
    expect(c.get("Pod", "constraints-cpu-demo-4", "constraints-cpu-example").spec.containers[0].resources).toEqual({ limits: { cpu: "800m" }, requests: { cpu: "800m" } });
    expect(c.get("Pod", "constraints-cpu-demo-2", "constraints-cpu-example")).toBeUndefined();
  });
});

describe("ResourceQuota admission and the ResourceQuota controller", () => {
  const quotaMemCpu = { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "mem-cpu-demo" }, spec: { hard: { "requests.cpu": "1", "requests.memory": "1Gi", "limits.cpu": "2", "limits.memory": "2Gi" } } };
  const demoPod = (name: string, req: any, lim: any) => pod(name, {}, { requests: req, limits: lim });

  it("charges an admitted pod to status.used and refuses the one that would exceed requests.memory, as the docs show", async () => {
    const c = createCluster({ nodes: 1, seed: 4 });
    await c.apply(ns("quota-mem-cpu-example"));
    await c.apply(inNs(quotaMemCpu, "quota-mem-cpu-example"));
    await c.settle();
    expect(c.get("ResourceQuota", "mem-cpu-demo", "quota-mem-cpu-example").status).toEqual({
      hard: { "limits.cpu": "2", "limits.memory": "2Gi", "requests.cpu": "1", "requests.memory": "1Gi" },
      used: { "limits.cpu": "0", "limits.memory": "0", "requests.cpu": "0", "requests.memory": "0" },
    });
    await c.apply(inNs(demoPod("quota-mem-cpu-demo", { memory: "600Mi", cpu: "400m" }, { memory: "800Mi", cpu: "800m" }), "quota-mem-cpu-example"));
    expect(c.get("ResourceQuota", "mem-cpu-demo", "quota-mem-cpu-example").status.used).toEqual({ "limits.cpu": "800m", "limits.memory": "800Mi", "requests.cpu": "400m", "requests.memory": "600Mi" });
    const r = await refusal(c.apply(inNs(demoPod("quota-mem-cpu-demo-2", { memory: "700Mi", cpu: "400m" }, { memory: "1Gi", cpu: "800m" }), "quota-mem-cpu-example")));
    expect(r).toMatchObject({ code: 403, reason: "Forbidden", message: `pods "quota-mem-cpu-demo-2" is forbidden: exceeded quota: mem-cpu-demo, requested: requests.memory=700Mi, used: requests.memory=600Mi, limited: requests.memory=1Gi` });
    const bare = await refusal(c.apply(inNs(pod("no-resources"), "quota-mem-cpu-example")));
    expect(bare.message).toBe(`pods "no-resources" is forbidden: failed quota: mem-cpu-demo: must specify limits.cpu for: app; limits.memory for: app; requests.cpu for: app; requests.memory for: app`);
    // Replenishment: the pod goes, the controller gives its share back.
    await c.settle();
    await c.delete("Pod", "quota-mem-cpu-demo", "quota-mem-cpu-example", { gracePeriodSeconds: 0 });
    await c.settle();
    expect(c.get("ResourceQuota", "mem-cpu-demo", "quota-mem-cpu-example").status.used).toEqual({ "limits.cpu": "0", "limits.memory": "0", "requests.cpu": "0", "requests.memory": "0" });
  });

  it("a Deployment of 3 in a namespace allowing 2 pods gets 2, its ReplicaSet reporting the quota's refusal", async () => {
    const c = createCluster({ nodes: 1, seed: 4 });
    await c.apply(ns("quota-pod-example"));
    await c.apply(inNs({ apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "pod-demo" }, spec: { hard: { pods: "2" } } }, "quota-pod-example"));
    await c.settle();
    await c.apply(inNs({
      apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "pod-quota-demo" },
      spec: { selector: { matchLabels: { purpose: "quota-demo" } }, replicas: 3, template: { metadata: { labels: { purpose: "quota-demo" } }, spec: { containers: [{ name: "pod-quota-demo", image: "nginx" }] } } },
    }, "quota-pod-example"));
    await c.settle();
    expect(c.list("Pod", { namespace: "quota-pod-example" })).toHaveLength(2);
    expect(c.get("Deployment", "pod-quota-demo", "quota-pod-example").status).toMatchObject({ replicas: 2 });
    expect(c.get("ResourceQuota", "pod-demo", "quota-pod-example").status).toEqual({ hard: { pods: "2" }, used: { pods: "2" } });
    const failed = c.events().find((e: any) => e.reason === "FailedCreate" && e.involvedObject.kind === "ReplicaSet");
    expect(failed?.message).toMatch(/^Error creating: pods "pod-quota-demo-[a-z0-9]+-[a-z0-9]{5}" is forbidden: exceeded quota: pod-demo, requested: pods=1, used: pods=2, limited: pods=2$/);
  });
});

// plugin/pkg/admission/resourcequota (admission_test.go TestAdmitBelowQuotaLimit and its object-count
// siblings) with pkg/quota/v1/evaluator/core's legacy names: each create is charged at admission
// and status.used is kept by the controller, which gives the count back when the object goes.
describe("object-count quotas over the legacy names", () => {
  const quota = (hard: Record<string, string>, extra: any = {}) => ({ apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "counts", namespace: "default" }, spec: { hard, ...extra } });
  const rc = (name: string) => ({ apiVersion: "v1", kind: "ReplicationController", metadata: { name, namespace: "default" }, spec: { replicas: 0, selector: { app: name }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "nginx" }] } } } });

  it("replicationcontrollers, configmaps, secrets and resourcequotas: the next one past hard is refused; a delete gives its count back", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    await c.apply(quota({ replicationcontrollers: "1", configmaps: "1", "count/secrets": "1", resourcequotas: "2" }));
    await c.settle();
    // the kube-root-ca.crt ConfigMap the controller put in the namespace already counts
    expect(c.get("ResourceQuota", "counts", "default").status.used).toEqual({ configmaps: "1", "count/secrets": "0", replicationcontrollers: "0", resourcequotas: "1" });
    await c.apply(rc("one"));
    const second = await refusal(c.apply(rc("two")));
    expect(second).toMatchObject({ code: 403, message: 'replicationcontrollers "two" is forbidden: exceeded quota: counts, requested: replicationcontrollers=1, used: replicationcontrollers=1, limited: replicationcontrollers=1' });
    expect((await refusal(c.apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm", namespace: "default" }, data: { a: "b" } }))).message)
      .toBe('configmaps "cm" is forbidden: exceeded quota: counts, requested: configmaps=1, used: configmaps=1, limited: configmaps=1');
    await c.apply({ apiVersion: "v1", kind: "Secret", metadata: { name: "s1", namespace: "default" }, stringData: { a: "b" } });
    expect((await refusal(c.apply({ apiVersion: "v1", kind: "Secret", metadata: { name: "s2", namespace: "default" }, stringData: { a: "b" } }))).message)
      .toBe('secrets "s2" is forbidden: exceeded quota: counts, requested: count/secrets=1, used: count/secrets=1, limited: count/secrets=1');
    await c.apply({ apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "other", namespace: "default" }, spec: { hard: { pods: "9" } } });
    expect((await refusal(c.apply({ apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "third", namespace: "default" }, spec: { hard: { pods: "9" } } }))).message)
      .toBe('resourcequotas "third" is forbidden: exceeded quota: counts, requested: resourcequotas=1, used: resourcequotas=2, limited: resourcequotas=2');
    await c.settle();
    expect(c.get("ResourceQuota", "counts", "default").status.used).toEqual({ configmaps: "1", "count/secrets": "1", replicationcontrollers: "1", resourcequotas: "2" });
    await c.delete("ReplicationController", "one", "default");
    await c.delete("Secret", "s1", "default");
    await c.settle();
    expect(c.get("ResourceQuota", "counts", "default").status.used).toEqual({ configmaps: "1", "count/secrets": "0", replicationcontrollers: "0", resourcequotas: "2" });
    await c.apply(rc("two"));
    await c.stop();
  });

  it("a scoped quota counts only the pods its scopes select (Terminating, BestEffort); a scope over another kind is refused", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    // ValidateResourceQuotaSpec: the pod scopes apply to pod resources only
    const bad = await refusal(c.apply(quota({ pods: "1", services: "0" }, { scopes: ["Terminating", "BestEffort"] })));
    expect(bad.code).toBe(422);
    expect(bad.message).toContain('spec.scopes: Invalid value: ["Terminating","BestEffort"]: unsupported scope applied to resource');
    await c.apply(quota({ pods: "1" }, { scopes: ["Terminating", "BestEffort"] }));
    await c.settle();
    await c.apply(pod("long-running"));
    await c.apply(pod("deadline", { activeDeadlineSeconds: 3600 }));
    const r = await refusal(c.apply(pod("deadline-2", { activeDeadlineSeconds: 3600 })));
    expect(r.message).toBe('pods "deadline-2" is forbidden: exceeded quota: counts, requested: pods=1, used: pods=1, limited: pods=1');
    // a scoped quota charges no other kind
    await c.apply({ apiVersion: "v1", kind: "Service", metadata: { name: "svc", namespace: "default" }, spec: { selector: { app: "x" }, ports: [{ port: 80 }] } });
    await c.settle();
    expect(c.get("ResourceQuota", "counts", "default").status.used).toEqual({ pods: "1" });
    await c.stop();
  });
});
