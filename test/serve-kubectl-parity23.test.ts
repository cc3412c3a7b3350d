// The real kubectl's less common commands against `podflow serve`, where podflow answered otherwise
// than kube-apiserver v1.35: `kubectl get --raw /metrics` reads the API server's Prometheus metrics
// (the non-go-restful mux's exact /metrics path, authorized as a non-resource get), whose storage
// gauges count the objects each REST store holds, custom resources' too; and the kubelet's /metrics
// through nodes/<name>/proxy, whose gauges the PLEG's relist sets from the runtime's sandboxes and
// containers (updateRunningPodAndContainerMetrics); and kubectl cp's tar in a busybox container,
// which dies with busybox's exit status 1 where GNU tar's is 2.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findKubectl, kubectl, raw, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

const crd = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: crontabs.stable.example.com}
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
`;

/** The value of one series of a Prometheus text exposition, or undefined when it is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe.skipIf(!bin)("kubectl get --raw /metrics against podflow serve", () => {
  let s: Served;
  const k = (args: string[], opts: { timeoutMs?: number; input?: string } = {}) => kubectl(bin!, s.kubeconfigPath, args, opts);
  const scratch = mkdtempSync(join(tmpdir(), "podflow-parity23-"));

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("answers the text exposition: each family's HELP (stability level first) and TYPE, then its series", async () => {
    const r = await k(["get", "--raw", "/metrics"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("# HELP apiserver_storage_objects [STABLE] (Deprecated since 1.34.0) [DEPRECATED, consider using apiserver_resource_objects instead] Number of stored objects at the time of last check split by kind. In case of a fetching error, the value will be -1.\n# TYPE apiserver_storage_objects gauge\n");
    expect(r.out).toContain("# TYPE apiserver_resource_objects gauge\n");
    // kubernetes_build_info carries what /version says
    const version = JSON.parse((await k(["get", "--raw", "/version"])).out);
    expect(r.out).toContain(`kubernetes_build_info{build_date="${version.buildDate}",compiler="gc",git_commit="${version.gitCommit}",git_tree_state="clean",git_version="${version.gitVersion}",go_version="${version.goVersion}",major="1",minor="35",platform="${version.platform}"} 1\n`);
    // families come sorted by name, as expfmt writes a gathered registry
    const names = r.out.split("\n").filter((l) => l.startsWith("# TYPE ")).map((l) => l.split(" ")[2]!);
    expect(names).toEqual([...names].sort());
  });

  it("the storage gauges count every store's objects, named by GroupResource.String(), custom resources' too", async () => {
    const file = join(scratch, "crd.yaml");
    writeFileSync(file, crd);
    expect((await k(["apply", "-f", file])).code).toBe(0);
    expect((await k(["wait", "--for=condition=Established", "crd/crontabs.stable.example.com", "--timeout=20s"])).code).toBe(0);
    expect((await k(["create", "deployment", "web", "--image=nginx:1.25", "--replicas=2"])).code).toBe(0);
    const tab = join(scratch, "tab.yaml");
    writeFileSync(tab, "apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {name: t1}\nspec: {cronSpec: '* * * * */5'}\n");
    expect((await k(["apply", "-f", tab])).code).toBe(0);
    const pods = async () => JSON.parse((await k(["get", "pods", "-A", "-o", "json"])).out).items.length as number;
    const settled = await until(async () => {
      const text = (await k(["get", "--raw", "/metrics"])).out;
      const n = await pods();
      return sample(text, 'apiserver_storage_objects{resource="pods"}') === n && n >= 2 ? text : undefined;
    }, 30_000);
    expect(settled).toBeDefined();
    const text = settled!;
    expect(sample(text, 'apiserver_resource_objects{group="",resource="pods"}')).toBe(sample(text, 'apiserver_storage_objects{resource="pods"}'));
    const deployments = JSON.parse((await k(["get", "deployments", "-A", "-o", "json"])).out).items.length;
    expect(sample(text, 'apiserver_storage_objects{resource="deployments.apps"}')).toBe(deployments);
    expect(sample(text, 'apiserver_resource_objects{group="apps",resource="deployments"}')).toBe(deployments);
    expect(sample(text, 'apiserver_storage_objects{resource="crontabs.stable.example.com"}')).toBe(1);
    expect(sample(text, 'apiserver_storage_objects{resource="customresourcedefinitions.apiextensions.k8s.io"}')).toBe(1);
    // no store behind ComponentStatus, the create-only reviews or metrics-server's aggregated group
    expect(text).not.toContain('resource="componentstatuses"');
    expect(text).not.toContain('resource="tokenreviews.authentication.k8s.io"');
    expect(text).not.toContain("metrics.k8s.io");
  }, 90_000);

  it("the path is exact (/metrics/ is not found), and a user RBAC does not let get it is forbidden", async () => {
    const slash = await k(["get", "--raw", "/metrics/"]);
    expect([slash.code, slash.err]).toEqual([1, "Error from server (NotFound): the server could not find the requested resource\n"]);
    const token = (await k(["create", "token", "default"])).out.trim();
    const viaRaw = await raw(s, "GET", "/metrics", { token });
    expect(viaRaw.code).toBe(403);
    expect(JSON.parse(viaRaw.body).message).toBe('forbidden: User "system:serviceaccount:default:default" cannot get path "/metrics"');
    const admin = await raw(s, "GET", "/metrics", { token: s.cluster.adminToken });
    expect([admin.code, admin.headers["content-type"]]).toEqual([200, "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"]);
  }, 30_000);
});

describe.skipIf(!bin)("kubectl get --raw /api/v1/nodes/<node>/proxy/metrics against podflow serve", () => {
  let s: Served;
  const k = (args: string[], opts: { timeoutMs?: number; input?: string } = {}) => kubectl(bin!, s.kubeconfigPath, args, opts);

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("counts pods with a ready sandbox and the runtime's containers by kubecontainer state; a completed pod's sandbox is stopped, its container exited", async () => {
    expect((await k(["run", "ok", "--image=busybox:1.36", "--", "sleep", "3600"])).code).toBe(0);
    expect((await k(["run", "done", "--image=busybox:1.36", "--restart=Never", "--", "true"])).code).toBe(0);
    const phases = await until(async () => {
      const out = (await k(["get", "pods", "-o", "jsonpath={.items[*].status.phase}"])).out;
      return out === "Succeeded Running" ? out : undefined;
    }, 30_000);
    expect(phases).toBe("Succeeded Running");
    const r = await until(async () => {
      const m = await k(["get", "--raw", "/api/v1/nodes/node-1/proxy/metrics"]);
      return sample(m.out, "kubelet_running_pods") === 1 ? m : undefined;
    }, 20_000);
    expect(r?.code).toBe(0);
    const text = r!.out;
    expect(text).toContain('# HELP kubelet_node_name [ALPHA] The node\'s name. The count is always 1.\n# TYPE kubelet_node_name gauge\nkubelet_node_name{node="node-1"} 1\n');
    expect(text).toContain("# HELP kubelet_running_pods [ALPHA] Number of pods that have a running pod sandbox\n# TYPE kubelet_running_pods gauge\n");
    expect(text).toContain("# HELP kubelet_running_containers [ALPHA] Number of containers currently running\n# TYPE kubelet_running_containers gauge\n");
    expect(sample(text, 'kubelet_running_containers{container_state="running"}')).toBe(1);
    expect(sample(text, 'kubelet_running_containers{container_state="exited"}')).toBe(1);
  }, 90_000);

  it("kubectl cp into a busybox pod's missing directory: busybox tar dies at its -C with exit 1, which kubectl passes on", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "podflow-parity23-")), "f.txt");
    writeFileSync(file, "hello\n");
    const r = await k(["cp", file, "ok:/nodir/sub/f.txt"]);
    expect(r).toEqual({ code: 1, out: "", err: "tar: can't change directory to '/nodir/sub': No such file or directory\ncommand terminated with exit code 1\n" });
    const back = await k(["exec", "ok", "--", "tar", "cf", "-", "/nope"]);
    expect([back.code, back.err]).toEqual([1, "tar: /nope: No such file or directory\ntar: error exit delayed from previous errors\ncommand terminated with exit code 1\n"]);
  }, 30_000);
});
