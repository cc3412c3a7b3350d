// Sweep 7 of the docs' task, tutorial and concept pages (kubernetes/website content/en/docs/**), step
// by step with the real kubectl against `podflow serve`: each expectation is what the page shows, or
// what Kubernetes' source does where the page is silent. The verdicts are in test/fixtures/docs/TASKS.md.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

describe.skipIf(!bin)("podflow serve with the real kubectl: the docs' pages, sweep 7", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input === undefined ? {} : { input });
  const phase = (pod: string, ns = "default") => k(["get", "pod", pod, "-n", ns, "-o", "jsonpath={.status.phase}"]).then((r) => r.out);
  const running = (pod: string, ns = "default") => until(async () => ((await phase(pod, ns)) === "Running" ? true : undefined), 30_000);

  beforeAll(async () => {
    s = await serve({ nodes: 2, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("field-selectors: an unknown label on a kind without its own conversion is refused with the default conversion's words; pods and jobs with theirs; chained and multi-kind selectors select", async () => {
    // the page's example, word for word after kubectl's prefix
    const ingress = await k(["get", "ingress", "--field-selector", "foo.bar=baz"]);
    expect(ingress.code).toBe(1);
    expect(ingress.err).toBe(`Error from server (BadRequest): Unable to find "networking.k8s.io/v1, Resource=ingresses" that match label selector "", field selector "foo.bar=baz": "foo.bar" is not a known field selector: only "metadata.name", "metadata.namespace"\n`);
    // core/v1's Pod conversion and batch/v1's Job conversion say it their own way; Node takes no metadata.namespace
    expect((await k(["get", "pods", "--field-selector", "foo.bar=baz"])).err).toMatch(/: field label not supported: foo\.bar\n$/);
    expect((await k(["get", "jobs", "--field-selector", "foo.bar=baz"])).err).toMatch(/: field label "foo\.bar" not supported for batchv1\.Job\n$/);
    expect((await k(["get", "nodes", "--field-selector", "metadata.namespace=default"])).err).toMatch(/: field label not supported: metadata\.namespace\n$/);
    // Services take spec.type and spec.clusterIP besides the metadata labels
    expect((await k(["get", "services", "--all-namespaces", "--field-selector", "metadata.namespace!=default", "--no-headers"])).out).toMatch(/^kube-system +kube-dns +ClusterIP +10\.96\.0\.10 +<none> +53\/UDP,53\/TCP,9153\/TCP +\d+s\n$/);
    expect((await k(["get", "services", "-A", "--field-selector", "spec.type=ClusterIP,spec.clusterIP=10.96.0.1", "-o", "name"])).out).toBe("service/kubernetes\n");
    expect((await k(["run", "fs-done", "--image=busybox:1.36", "--restart=Never", "--", "true"])).code).toBe(0);
    expect((await k(["run", "fs-up", "--image=busybox:1.36", "--", "sleep", "3600"])).code).toBe(0);
    expect(await running("fs-up")).toBe(true);
    expect(await until(async () => ((await phase("fs-done")) === "Succeeded" ? true : undefined), 30_000)).toBe(true);
    expect((await k(["get", "pods", "--field-selector", "status.phase=Running", "-o", "name"])).out).toBe("pod/fs-up\n");
    // the chained selector: not Running and restartPolicy Always: fs-done is Never, fs-up Running
    expect((await k(["get", "pods", "--field-selector=status.phase!=Running,spec.restartPolicy=Always"])).err).toBe("No resources found in default namespace.\n");
    expect((await k(["get", "pods", "--field-selector", ""])).out.split("\n").filter((l) => l.startsWith("fs-")).length).toBe(2);
    expect((await k(["get", "statefulsets,services", "--all-namespaces", "--field-selector", "metadata.namespace!=default", "--no-headers"])).out).toMatch(/^kube-system +service\/kube-dns +ClusterIP /);
  });

  it("labels: equality- and set-based selectors, -L columns, and a malformed selector refused with labels.Parse's one message", async () => {
    for (const [name, labels] of [["lb-a", "environment=production,tier=frontend"], ["lb-b", "environment=qa,tier=frontend"], ["lb-c", "environment=production,tier=backend"], ["lb-d", "app=nginx"]] as const) {
      expect((await k(["run", name, "--image=nginx", `--labels=${labels}`])).code).toBe(0);
    }
    const names = async (sel: string) => (await k(["get", "pods", "-l", sel, "-o", "jsonpath={.items[*].metadata.name}"])).out;
    expect(await names("environment=production,tier=frontend")).toBe("lb-a");
    expect(await names("environment in (production),tier in (frontend)")).toBe("lb-a");
    expect(await names("environment in (production, qa)")).toBe("lb-a lb-b lb-c");
    expect(await names("environment,environment notin (frontend)")).toBe("lb-a lb-b lb-c");
    expect(await names("tier!=frontend")).toBe("fs-done fs-up lb-c lb-d");
    expect((await k(["label", "pods", "-l", "app=nginx", "tier=fe"])).out).toBe("pod/lb-d labeled\n");
    expect((await k(["get", "pods", "-l", "app=nginx", "-L", "tier"])).out).toMatch(/^NAME +READY +STATUS +RESTARTS +AGE +TIER\nlb-d +\d\/1 +\S+ +0 +\d+s +fe\n$/);
    // labels.Parse wraps a requirement's error once: "unable to parse requirement: found '', expected: ',' or ')'"
    const bad = await k(["get", "pods", "-l", "environment in (production"]);
    expect(bad.err).toBe(`Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "environment in (production", field selector "": unable to parse requirement: found '', expected: ',' or ')'\n`);
  });

  it("extended-resource: a capacity advertised through the status subresource outlives the kubelet's status updates and becomes allocatable; pods that fit it run, the next is Insufficient", async () => {
    // the page's PATCH of /api/v1/nodes/<node>/status, through kubectl
    const patched = await k(["patch", "node", "node-1", "--subresource=status", "--type=json", "-p", '[{"op": "add", "path": "/status/capacity/example.com~1dongle", "value": "4"}]']);
    expect(patched.out).toBe("node/node-1 patched\n");
    // the kubelet's MachineInfo setter copies capacity to allocatable at its next status update, and keeps it there
    const allocatable = await until(async () => {
      const out = (await k(["get", "node", "node-1", "-o", "jsonpath={.status.capacity.example\\.com/dongle} {.status.allocatable.example\\.com/dongle}"])).out;
      return out === "4 4" ? out : undefined;
    }, 30_000);
    expect(allocatable, "capacity and allocatable after a status update").toBe("4 4");
    await new Promise((r) => setTimeout(r, 2_000)); // several more heartbeats at speed 10
    expect((await k(["describe", "node", "node-1"])).out).toMatch(/Capacity:\n(?: {2}.*\n)* {2}example\.com\/dongle: +4\n(?: {2}.*\n)*Allocatable:\n(?: {2}.*\n)* {2}example\.com\/dongle: +4\n/);
    const pod = (name: string, n: number) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
  - name: ${name}-ctr
    image: nginx
    resources:
      requests:
        example.com/dongle: ${n}
      limits:
        example.com/dongle: ${n}
`;
    expect((await k(["apply", "-f", "-"], pod("extended-resource-demo", 3))).out).toBe("pod/extended-resource-demo created\n");
    expect(await running("extended-resource-demo")).toBe(true);
    expect((await k(["get", "pod", "extended-resource-demo", "-o", "jsonpath={.spec.nodeName}"])).out).toBe("node-1");
    expect((await k(["apply", "-f", "-"], pod("extended-resource-demo-2", 2))).out).toBe("pod/extended-resource-demo-2 created\n");
    const failed = await until(async () => {
      const out = (await k(["describe", "pod", "extended-resource-demo-2"])).out;
      return /FailedScheduling/.test(out) ? out : undefined;
    }, 30_000);
    expect(failed).toMatch(/0\/2 nodes are available: 2 Insufficient example\.com\/dongle\./);
    expect(await phase("extended-resource-demo-2")).toBe("Pending");
  });

  it("communicate-containers-same-pod-shared-volume: the debian container Completed, nginx serves its page, and each container status lists its volume mounts (the token's read-only, not recursively)", async () => {
    // pods/two-container-pod.yaml
    const pod = `apiVersion: v1
kind: Pod
metadata:
  name: two-containers
spec:
  restartPolicy: Never
  volumes:
  - name: shared-data
    emptyDir: {}
  containers:
  - name: nginx-container
    image: nginx
    volumeMounts:
    - name: shared-data
      mountPath: /usr/share/nginx/html
  - name: debian-container
    image: debian
    volumeMounts:
    - name: shared-data
      mountPath: /pod-data
    command: ["/bin/sh"]
    args: ["-c", "echo Hello from the debian container > /pod-data/index.html"]
`;
    expect((await k(["apply", "-f", "-"], pod)).out).toBe("pod/two-containers created\n");
    const statuses = await until(async () => {
      const r = JSON.parse((await k(["get", "pod", "two-containers", "-o", "json"])).out);
      const cs = r.status?.containerStatuses ?? [];
      return cs.length === 2 && cs[0].state?.terminated && cs[1].state?.running ? cs : undefined;
    }, 30_000);
    expect(statuses?.[0], "debian-container").toMatchObject({ name: "debian-container", state: { terminated: { exitCode: 0, reason: "Completed" } } });
    // convertToAPIContainerStatuses (RecursiveReadOnlyMounts, GA): the spec's mounts, the service account token's included
    const token = statuses?.[0].volumeMounts?.[1]?.name;
    expect(token).toMatch(/^kube-api-access-[a-z0-9]{5}$/);
    expect(statuses?.[0].volumeMounts).toEqual([
      { name: "shared-data", mountPath: "/pod-data" },
      { name: token, mountPath: "/var/run/secrets/kubernetes.io/serviceaccount", readOnly: true, recursiveReadOnly: "Disabled" },
    ]);
    expect(statuses?.[1].volumeMounts?.[0]).toEqual({ name: "shared-data", mountPath: "/usr/share/nginx/html" });
    expect((await k(["exec", "-i", "two-containers", "-c", "nginx-container", "--", "/bin/bash"], "curl localhost\n")).out).toBe("Hello from the debian container\n");
  });
});
