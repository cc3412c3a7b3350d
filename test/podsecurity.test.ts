// Pod Security Admission end to end through a running cluster, as kube-apiserver 1.35's built-in
// PodSecurity plugin answers (k8s.io/pod-security-admission admission/admission.go, policy/).
import { describe, expect, it } from "vitest";
import { createCluster } from "../index.js";

// the docs' security/example-baseline-pod.yaml
const baselinePod = `apiVersion: v1
kind: Pod
metadata:
  name: nginx
spec:
  containers:
    - image: nginx
      name: nginx
      ports:
        - containerPort: 80
`;
const ns = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels } });
const details =
  'allowPrivilegeEscalation != false (container "nginx" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "nginx" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "nginx" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "nginx" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';

async function refusal(p: Promise<unknown>): Promise<{ code?: number; reason?: string; message: string }> {
  try {
    await p;
  } catch (e: any) {
    return { code: e.status?.code, reason: e.status?.reason, message: e.message };
  }
  throw new Error("the write was admitted");
}

describe("PodSecurity admission", () => {
  it("refuses the docs' baseline pod in a namespace enforcing restricted, and stores nothing", async () => {
    const c = createCluster({ nodes: 1, seed: 5 });
    await c.apply(ns("psa", { "pod-security.kubernetes.io/enforce": "restricted" }));
    const r = await refusal(c.apply(baselinePod.replace("name: nginx\n", "name: nginx\n  namespace: psa\n")));
    expect(r).toEqual({ code: 403, reason: "Forbidden", message: `pods "nginx" is forbidden: violates PodSecurity "restricted:latest": ${details}` });
    expect(c.get("Pod", "nginx", "psa")).toBeUndefined();
    // without the labels a namespace is privileged: the same pod runs
    await c.apply(baselinePod);
    expect(c.get("Pod", "nginx")).toBeDefined();
  });

  it("warns about a Deployment's template and a pod under warn=restricted, and admits them", async () => {
    const c = createCluster({ nodes: 1, seed: 5 });
    await c.apply(ns("w", { "pod-security.kubernetes.io/warn": "restricted" }));
    const dep = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "w" }, spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "nginx", image: "nginx" }] } } } };
    const [res] = await c.apply(dep);
    expect(res?.warnings).toEqual([`would violate PodSecurity "restricted:latest": ${details}`]);
    const [p] = await c.apply(baselinePod.replace("name: nginx\n", "name: nginx\n  namespace: w\n"));
    expect(p?.warnings).toEqual([`would violate PodSecurity "restricted:latest": ${details}`]);
    expect(c.get("Deployment", "web", "w")).toBeDefined();
  });

  it("refuses an invalid level label; labelling a namespace with violating pods warns", async () => {
    const c = createCluster({ nodes: 1, seed: 5 });
    const bad = await refusal(c.apply(ns("bad", { "pod-security.kubernetes.io/enforce": "strict" })));
    expect(bad).toEqual({ code: 422, reason: "Invalid", message: 'Namespace "bad" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted' });
    await c.apply(ns("x"));
    await c.apply(baselinePod.replace("name: nginx\n", "name: nginx\n  namespace: x\n"));
    const [res] = await c.apply(ns("x", { "pod-security.kubernetes.io/enforce": "restricted" }));
    expect(res?.warnings).toEqual([
      'existing pods in namespace "x" violate the new PodSecurity enforce level "restricted:latest"',
      "nginx: allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile",
    ]);
    expect(c.get("Namespace", "x")?.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });

  it("evaluates an ephemeral container added through pods/ephemeralcontainers; a label-only update passes", async () => {
    const c = createCluster({ nodes: 1, seed: 5 });
    await c.apply(baselinePod.replace("name: nginx\n", "name: nginx\n  namespace: b\n").replace("apiVersion", `${"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n---\n"}apiVersion`));
    // a metadata-only change of a pod is not evaluated again (isSignificantPodUpdate)
    const labelled = c.requestSync({ verb: "patch", group: "", resource: "pods", namespace: "b", name: "nginx", patchType: "merge", body: { metadata: { labels: { a: "b" } } } });
    expect(labelled.ok).toBe(true);
    const res = c.requestSync({
      verb: "patch", group: "", resource: "pods", namespace: "b", name: "nginx", subresource: "ephemeralcontainers", patchType: "strategic",
      body: { spec: { ephemeralContainers: [{ name: "debugger", image: "busybox", targetContainerName: "nginx", securityContext: { privileged: true } }] } },
    });
    expect(!res.ok && res.status).toMatchObject({ code: 403, reason: "Forbidden", message: 'pods "nginx" is forbidden: violates PodSecurity "baseline:latest": privileged (container "debugger" must not set securityContext.privileged=true)' });
    expect(c.get("Pod", "nginx", "b")?.spec.ephemeralContainers).toBeUndefined();
  });

  it("a Deployment in an enforce=restricted namespace is admitted, its ReplicaSet's pods refused (FailedCreate, ReplicaFailure)", async () => {
    const c = createCluster({ nodes: 1, seed: 5 });
    await c.apply(ns("r", { "pod-security.kubernetes.io/enforce": "restricted" }));
    const dep = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "r" }, spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "nginx", image: "nginx" }] } } } };
    const [res] = await c.apply(dep);
    // warn defaults to the enforce level: the template is warned about
    expect(res?.warnings).toEqual([`would violate PodSecurity "restricted:latest": ${details}`]);
    await c.settle();
    c.advance(3000);
    const failed = c.list("Event", { namespace: "r" }).filter((e) => e.reason === "FailedCreate");
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0].message).toMatch(new RegExp(`^Error creating: pods "web-[a-z0-9]+-[a-z0-9]{5}" is forbidden: violates PodSecurity "restricted:latest": ${details.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
    expect(c.list("Pod", { namespace: "r" })).toEqual([]);
    expect(c.list("ReplicaSet", { namespace: "r" })[0].status.conditions[0]).toMatchObject({ type: "ReplicaFailure", reason: "FailedCreate" });
  });
});
