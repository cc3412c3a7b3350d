// Every namespace has the default ServiceAccount and the kube-root-ca.crt ConfigMap, kept by their
// controllers (serviceaccounts_controller.go, rootcacertpublisher/publisher.go); a pod gets the
// kube-api-access volume and can read its token, its namespace and the CA.

import { describe, it, expect } from "vitest";
import { createCluster } from "../../runtime/cluster.js";
import { clusterCACert } from "../common/ca.js";

describe("the service-account controller and the root-CA publisher", () => {
  it("every namespace, the bootstrapped ones and a new one, has the default ServiceAccount and kube-root-ca.crt", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    await c.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a" } });
    await c.settle();
    for (const ns of ["default", "kube-system", "kube-public", "kube-node-lease", "team-a"]) {
      expect(c.get("ServiceAccount", "default", ns)?.metadata.name).toBe("default");
      const cm = c.get("ConfigMap", "kube-root-ca.crt", ns);
      expect(cm?.data).toEqual({ "ca.crt": clusterCACert });
      expect(cm?.metadata.annotations["kubernetes.io/description"]).toMatch(/^Contains a CA bundle that can be used to verify the kube-apiserver/);
    }
  });

  // serviceaccounts_controller.go syncNamespace: "If namespace is not active, we shouldn't try to create
  // anything" (the namespace controller is emptying it; NamespaceLifecycle would refuse the create).
  it("makes nothing in a namespace being deleted: its default ServiceAccount, deleted with its content, is not asked for again", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    await c.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "doomed" } });
    await c.apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "held", namespace: "doomed", finalizers: ["example.com/hold"] } });
    await c.settle();
    expect(c.get("ServiceAccount", "default", "doomed")).toBeDefined();
    const from = c.trace().length;
    await c.delete("Namespace", "doomed");
    // the held ConfigMap keeps the namespace Terminating for ever (settle would wait for it): a minute is plenty
    c.advance(60_000);
    expect(c.get("Namespace", "doomed")?.status.phase).toBe("Terminating");
    expect(c.get("ServiceAccount", "default", "doomed")).toBeUndefined();
    const asked = c.trace().slice(from).filter((e: any) => e.kind === "deliver" && e.from === "serviceaccount-controller" && e.to === "apiserver" && /^create /.test(e.summary ?? ""));
    expect(asked).toEqual([]);
    await c.stop();
  });

  it("puts back a deleted default ServiceAccount and a changed kube-root-ca.crt", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    await c.settle();
    const uid = c.get("ServiceAccount", "default", "default").metadata.uid;
    await c.delete("ServiceAccount", "default", "default");
    await c.apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "kube-root-ca.crt", namespace: "default" }, data: { "ca.crt": "tampered" } });
    await c.settle();
    expect(c.get("ServiceAccount", "default", "default").metadata.uid).not.toBe(uid);
    expect(c.get("ConfigMap", "kube-root-ca.crt", "default").data).toEqual({ "ca.crt": clusterCACert });
  });

  it("a pod whose service account does not exist is refused, as the ServiceAccount admission plugin does", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    await c.settle();
    await expect(c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { serviceAccountName: "build-robot", containers: [{ name: "c", image: "nginx" }] } }))
      .rejects.toThrow('pods "p" is forbidden: error looking up service account default/build-robot: serviceaccount "build-robot" not found');
  });

  // getServiceAccount (plugin/pkg/admission/serviceaccount/admission.go): a missing "default"
  // account is looked up 10 times, rand.Int63n(100)+100 ms apart, before the pod is refused.
  const podBody = (name: string) => ({ apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { containers: [{ name: "c", image: "nginx" }] } });

  it("a pod created while the default ServiceAccount is missing waits for it and is admitted with its token volume once the controller puts it back", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    await c.settle();
    c.runtime.crash("serviceaccount-controller");
    await c.delete("ServiceAccount", "default", "default");
    await c.settle();
    expect(c.get("ServiceAccount", "default", "default")).toBeUndefined();
    // The create is sent, not awaited: the controller starts again while admission waits.
    c.runtime.send("kubectl", "apiserver", { type: "ApiRequest", id: 1_000_000, token: c.adminToken, verb: "create", group: "", resource: "pods", namespace: "default", body: podBody("early") });
    c.advance(300);
    expect(c.get("Pod", "early", "default")).toBeUndefined();
    c.runtime.revive("serviceaccount-controller");
    await c.settle();
    const pod = c.get("Pod", "early", "default");
    expect(pod.spec.serviceAccountName).toBe("default");
    expect(pod.spec.volumes.map((v: any) => v.name)).toEqual([expect.stringMatching(/^kube-api-access-[a-z0-9]{5}$/)]);
  });

  it("a pod whose default ServiceAccount never appears is refused after 10 lookups, 0.9 to 1.8 s later, and nothing is stored", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    await c.settle();
    c.runtime.crash("serviceaccount-controller");
    await c.delete("ServiceAccount", "default", "default");
    await c.settle();
    const start = c.now();
    const res = await c.request({ verb: "create", group: "", resource: "pods", namespace: "default", body: podBody("late") });
    const waited = c.now() - start;
    expect(res.ok).toBe(false);
    expect(!res.ok && [res.code, res.status.reason, res.status.message]).toEqual([403, "Forbidden", 'pods "late" is forbidden: error looking up service account default/default: serviceaccount "default" not found']);
    expect(waited).toBeGreaterThanOrEqual(900);
    expect(waited).toBeLessThan(1_800);
    expect(c.get("Pod", "late", "default")).toBeUndefined();
  });

  it("other requests are served while a pod waits for its ServiceAccount", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    await c.settle();
    c.runtime.crash("serviceaccount-controller");
    await c.delete("ServiceAccount", "default", "default");
    await c.settle();
    c.runtime.send("kubectl", "apiserver", { type: "ApiRequest", id: 1_000_001, token: c.adminToken, verb: "create", group: "", resource: "pods", namespace: "default", body: podBody("waiting") });
    c.advance(50);
    const start = c.now();
    const res = await c.request({ verb: "create", group: "", resource: "configmaps", namespace: "default", body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "meanwhile" }, data: { a: "b" } } });
    expect(res.ok).toBe(true);
    expect(c.now() - start).toBeLessThan(100);
  });

  it("a pod's kube-api-access volume holds the token, ca.crt and its namespace", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    await c.settle();
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "cat /var/run/secrets/kubernetes.io/serviceaccount/ca.crt"] }] } });
    await c.settle();
    const pod = c.get("Pod", "p", "default");
    expect(pod.spec.serviceAccount).toBe("default");
    expect(pod.spec.volumes.map((v: any) => v.name)).toEqual([expect.stringMatching(/^kube-api-access-[a-z0-9]{5}$/)]);
    expect(pod.spec.containers[0].volumeMounts).toEqual([{ name: pod.spec.volumes[0].name, readOnly: true, mountPath: "/var/run/secrets/kubernetes.io/serviceaccount" }]);
    expect(pod.status.phase).toBe("Succeeded");
  });
});
