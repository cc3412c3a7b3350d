// The real kubectl against `podflow serve` with StatefulSets and ReplicationControllers: the docs'
// StatefulSet (without its claim templates) created in order, get sts columns (wide too), nslookup
// web-0.nginx from a pod, scale sts, rollout status/history/undo sts/web, and the docs' nginx
// ReplicationController with get rc and scale rc.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();
const sts = join(__dirname, "..", "examples", "statefulset.yaml");
const rc = join(__dirname, "..", "examples", "replication.yaml");

describe.skipIf(!bin)("podflow serve with the real kubectl: StatefulSets and ReplicationControllers", () => {
  let s: Served;
  const k = (args: string[], timeoutMs?: number) => kubectl(bin!, s.kubeconfigPath, args, timeoutMs ? { timeoutMs } : {});

  beforeAll(async () => {
    s = await serve({ nodes: 2, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl apply, rollout status and get sts: 3/3 ready, pods web-0..web-2", async () => {
    expect((await k(["apply", "-f", sts])).out).toBe("service/nginx created\nstatefulset.apps/web created\n");
    expect((await k(["rollout", "status", "sts/web", "--timeout=60s"], 70_000)).out).toContain("partitioned roll out complete: 3 new pods have been updated...");
    const out = (await k(["get", "sts"])).out;
    expect(out).toMatch(/^NAME +READY +AGE\nweb +3\/3 +(?:\d+[smhd])+\n$/);
    const wide = (await k(["get", "statefulset", "web", "-o", "wide"])).out;
    expect(wide).toMatch(/^NAME +READY +AGE +CONTAINERS +IMAGES\nweb +3\/3 +(?:\d+[smhd])+ +nginx +registry\.k8s\.io\/nginx-slim:0\.21\n$/);
    expect((await k(["get", "pods", "-l", "app=nginx", "-o", "jsonpath={.items[*].metadata.name}"])).out).toBe("web-0 web-1 web-2");
  });

  it("nslookup web-0.nginx answers from a pod in the namespace (its search path), and the full name too", async () => {
    const ip = (await k(["get", "pod", "web-0", "-o", "jsonpath={.status.podIP}"])).out;
    // A pod whose command is the lookup: its output is the pod's log. (kubectl exec runs a command to
    // its end in one step, where cluster DNS is out of reach; a container's own process reaches it.)
    await k(["run", "dns-test", "--image=busybox:1.28", "--restart=Never", "--", "sh", "-c", "nslookup web-0.nginx && nslookup web-1.nginx.default.svc.cluster.local"]);
    await until(async () => ((await k(["get", "pod", "dns-test", "-o", "jsonpath={.status.phase}"])).out === "Succeeded" ? true : undefined), 30_000);
    const log = (await k(["logs", "dns-test"])).out;
    expect(log).toContain(`Name:      web-0.nginx\nAddress 1: ${ip} web-0.nginx.default.svc.cluster.local\n`);
    expect(log).toContain("Name:      web-1.nginx.default.svc.cluster.local\n");
    await k(["delete", "pod", "dns-test", "--now"]);
  });

  it("kubectl scale sts removes the highest ordinal first", async () => {
    expect((await k(["scale", "sts", "web", "--replicas=2"])).out).toBe("statefulset.apps/web scaled\n");
    const names = await until(async () => {
      const n = (await k(["get", "pods", "-l", "app=nginx", "-o", "jsonpath={.items[*].metadata.name}"])).out;
      return n === "web-0 web-1" ? n : undefined;
    }, 30_000);
    expect(names).toBe("web-0 web-1");
  });

  it("kubectl set image, rollout status, rollout history and rollout undo", async () => {
    await k(["set", "image", "sts/web", "nginx=registry.k8s.io/nginx-slim:0.24"]);
    expect((await k(["rollout", "status", "sts/web", "--timeout=60s"], 70_000)).out).toContain("partitioned roll out complete: 2 new pods have been updated...");
    expect((await k(["get", "pods", "-l", "app=nginx", "-o", "jsonpath={.items[*].spec.containers[0].image}"])).out).toBe("registry.k8s.io/nginx-slim:0.24 registry.k8s.io/nginx-slim:0.24");
    expect((await k(["rollout", "history", "sts/web"])).out).toMatch(/^statefulset\.apps\/web \nREVISION +CHANGE-CAUSE\n1 +<none>\n2 +<none>\n/);
    const undo = await k(["rollout", "undo", "sts/web"]);
    expect(undo.out + undo.err).toBe("statefulset.apps/web rolled back\n");
    await until(async () => {
      const images = (await k(["get", "pods", "-l", "app=nginx", "-o", "jsonpath={.items[*].spec.containers[0].image}"])).out;
      return images === "registry.k8s.io/nginx-slim:0.21 registry.k8s.io/nginx-slim:0.21" ? images : undefined;
    }, 60_000);
    expect((await k(["rollout", "history", "sts/web"])).out).toMatch(/^statefulset\.apps\/web \nREVISION +CHANGE-CAUSE\n2 +<none>\n3 +<none>\n/);
  });

  it("the docs' ReplicationController: get rc, scale rc", async () => {
    expect((await k(["apply", "-f", rc])).out).toBe("replicationcontroller/nginx created\n");
    const ready = await until(async () => {
      const out = (await k(["get", "rc"])).out;
      return /^nginx +3 +3 +3 +(?:\d+[smhd])+$/m.test(out) ? out : undefined;
    }, 30_000);
    expect(ready!.split("\n")[0]).toMatch(/^NAME +DESIRED +CURRENT +READY +AGE$/);
    expect((await k(["get", "rc", "nginx", "-o", "wide"])).out.split("\n")[0]).toMatch(/^NAME +DESIRED +CURRENT +READY +AGE +CONTAINERS +IMAGES +SELECTOR$/);
    expect((await k(["scale", "rc", "nginx", "--replicas=1"])).out).toBe("replicationcontroller/nginx scaled\n");
    const one = await until(async () => {
      const out = (await k(["get", "rc", "nginx", "--no-headers"])).out;
      return /^nginx +1 +1 +1 /.test(out) ? out : undefined;
    }, 30_000);
    expect(one).toBeTruthy();
    expect((await k(["delete", "rc", "nginx"])).out).toBe('replicationcontroller "nginx" deleted\n');
  });
});
