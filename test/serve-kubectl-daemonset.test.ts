// The real kubectl against `podflow serve` with DaemonSets: apply the docs' fluentd-elasticsearch
// DaemonSet, get ds with kubectl's columns (wide too), rollout status, a rolling image update and
// its history, drain --ignore-daemonsets, and delete.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();
const fluentd = join(__dirname, "..", "examples", "daemonset.yaml");

describe.skipIf(!bin)("podflow serve with the real kubectl: DaemonSets", () => {
  let s: Served;
  const k = (args: string[], timeoutMs?: number) => kubectl(bin!, s.kubeconfigPath, args, timeoutMs ? { timeoutMs } : {});

  beforeAll(async () => {
    s = await serve({ nodes: 3, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl apply creates the DaemonSet and kubectl get ds shows 3 desired, current, ready, up-to-date and available", async () => {
    expect((await k(["apply", "-f", fluentd])).out).toBe("daemonset.apps/fluentd-elasticsearch created\n");
    const ready = await until(async () => {
      const out = (await k(["get", "ds", "-n", "kube-system"])).out;
      return /^fluentd-elasticsearch +3 +3 +3 +3 +3 +<none> +(?:\d+[smhd])+$/m.test(out) ? out : undefined;
    }, 30_000);
    expect(ready, "3 of 3 should be available").toBeTruthy();
    expect(ready!.split("\n")[0]).toMatch(/^NAME +DESIRED +CURRENT +READY +UP-TO-DATE +AVAILABLE +NODE SELECTOR +AGE$/);
  });

  it("kubectl get ds -o wide adds containers, images and the selector", async () => {
    const out = (await k(["get", "daemonset", "fluentd-elasticsearch", "-n", "kube-system", "-o", "wide"])).out;
    expect(out.split("\n")[0]).toMatch(/^NAME +DESIRED +CURRENT +READY +UP-TO-DATE +AVAILABLE +NODE SELECTOR +AGE +CONTAINERS +IMAGES +SELECTOR$/);
    expect(out).toMatch(/ fluentd-elasticsearch +quay\.io\/fluentd_elasticsearch\/fluentd:v5\.0\.1 +name=fluentd-elasticsearch$/m);
  });

  it("one pod per node, and kubectl rollout status says it rolled out", async () => {
    const pods = (await k(["get", "pods", "-n", "kube-system", "-l", "name=fluentd-elasticsearch", "-o", "jsonpath={.items[*].spec.nodeName}"])).out.split(" ").sort();
    expect(pods).toEqual(["node-1", "node-2", "node-3"]);
    expect((await k(["rollout", "status", "ds/fluentd-elasticsearch", "-n", "kube-system", "--timeout=30s"], 40_000)).out).toContain('daemon set "fluentd-elasticsearch" successfully rolled out');
  });

  it("kubectl set image rolls the pods out and rollout history lists two revisions", async () => {
    await k(["set", "image", "ds/fluentd-elasticsearch", "-n", "kube-system", "fluentd-elasticsearch=quay.io/fluentd_elasticsearch/fluentd:v5.0.2"]);
    expect((await k(["rollout", "status", "ds/fluentd-elasticsearch", "-n", "kube-system", "--timeout=60s"], 70_000)).out).toContain('daemon set "fluentd-elasticsearch" successfully rolled out');
    const images = (await k(["get", "pods", "-n", "kube-system", "-l", "name=fluentd-elasticsearch", "-o", "jsonpath={.items[*].spec.containers[0].image}"])).out.split(" ");
    expect(new Set(images)).toEqual(new Set(["quay.io/fluentd_elasticsearch/fluentd:v5.0.2"]));
    const history = (await k(["rollout", "history", "ds/fluentd-elasticsearch", "-n", "kube-system"])).out;
    expect(history).toMatch(/^REVISION +CHANGE-CAUSE\n1 +<none>\n2 +<none>\n/m);
  });

  it("kubectl rollout undo goes back to the first template, which becomes revision 3", async () => {
    const undo = await k(["rollout", "undo", "ds/fluentd-elasticsearch", "-n", "kube-system"]);
    expect(undo.out + undo.err).toBe("daemonset.apps/fluentd-elasticsearch rolled back\n");
    expect((await k(["rollout", "status", "ds/fluentd-elasticsearch", "-n", "kube-system", "--timeout=60s"], 70_000)).out).toContain("successfully rolled out");
    const images = (await k(["get", "pods", "-n", "kube-system", "-l", "name=fluentd-elasticsearch", "-o", "jsonpath={.items[*].spec.containers[0].image}"])).out.split(" ");
    expect(new Set(images)).toEqual(new Set(["quay.io/fluentd_elasticsearch/fluentd:v5.0.1"]));
    expect((await k(["rollout", "history", "ds/fluentd-elasticsearch", "-n", "kube-system"])).out).toMatch(/^REVISION +CHANGE-CAUSE\n2 +<none>\n3 +<none>\n/m);
  });

  it("kubectl drain --ignore-daemonsets leaves the daemon pod in place", async () => {
    const out = await k(["drain", "node-1", "--ignore-daemonsets", "--timeout=30s"], 40_000);
    expect(out.out + out.err).toMatch(/Warning: ignoring DaemonSet-managed Pods: kube-system\/fluentd-elasticsearch-[a-z0-9]{5}/);
    expect((await k(["get", "pods", "-n", "kube-system", "-l", "name=fluentd-elasticsearch", "--field-selector", "spec.nodeName=node-1", "--no-headers"])).out).toMatch(/Running/);
    await k(["uncordon", "node-1"]);
  });

  it("kubectl delete ds removes the DaemonSet and its pods", async () => {
    expect((await k(["delete", "ds", "fluentd-elasticsearch", "-n", "kube-system"])).out).toBe('daemonset.apps "fluentd-elasticsearch" deleted\n');
    const gone = await until(async () => (await k(["get", "pods", "-n", "kube-system", "-l", "name=fluentd-elasticsearch", "--no-headers"])).out.trim() === "" || undefined, 30_000);
    expect(gone).toBe(true);
  });
});
