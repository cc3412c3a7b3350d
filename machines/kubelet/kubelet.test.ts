import { describe, it, expect } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";
import { cidrContains } from "../cni/ipam.js";
import { generateStatus, goDuration, inBackoffSince, nextBackoff, probeAction, formatPod } from "./kubelet.logic.js";

// The status the kubelet writes for a pod (what it sends to pods/<name>/status).
function kubeletStatus(c: Cluster, name: string, node = "node-1"): any {
  const ctx = c.runtime.snapshot(`kubelet/${node}`).context;
  for (const w of ctx.workers.values()) if (w.pod.metadata.name === name) return generateStatus(ctx, w);
  return undefined;
}

function events(c: Cluster, name: string): string[] {
  return c.events().filter((e: any) => e.involvedObject.name === name).map((e: any) => `${e.reason}: ${e.message}`);
}

function pod(name: string, spec: any): any {
  return { apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { nodeName: "node-1", ...spec } };
}

async function cluster(seed = 1): Promise<Cluster> {
  const c = createCluster({ nodes: 1, seed });
  await c.settle();
  return c;
}

describe("Go duration formatting", () => {
  it.each([
    { name: "ten seconds print as 10s", ms: 10_000, want: "10s" },
    { name: "eighty seconds print as 1m20s", ms: 80_000, want: "1m20s" },
    { name: "the five-minute cap prints as 5m0s", ms: 300_000, want: "5m0s" },
    { name: "a pull of 1744 ms prints as 1.744s", ms: 1744, want: "1.744s" },
    { name: "sub-second durations print in ms", ms: 567, want: "567ms" },
  ])("$name", ({ ms, want }) => expect(goDuration(ms)).toBe(want));
});

describe("container restart back-off (flowcontrol.Backoff)", () => {
  it("the first failure starts at 10 s", () => expect(nextBackoff(undefined, 0, 300_000).ms).toBe(10_000));
  it("each later failure doubles up to the 300 s cap", () => {
    let b = nextBackoff(undefined, 0, 300_000);
    for (let i = 1; i <= 6; i++) b = nextBackoff(b, i * 1000, 300_000);
    expect(b.ms).toBe(300_000);
  });
  it("after 10 minutes without failures the back-off starts over", () => {
    const b = nextBackoff({ ms: 160_000, lastUpdate: 0 }, 600_001, 300_000);
    expect(b.ms).toBe(10_000);
  });
  it("a container that exited within its back-off is still backing off", () => {
    expect(inBackoffSince({ ms: 10_000, lastUpdate: 0 }, 5_000, 9_000, 300_000)).toBe(true);
    expect(inBackoffSince({ ms: 10_000, lastUpdate: 0 }, 5_000, 15_000, 300_000)).toBe(false);
  });
});

describe("probe actions", () => {
  it("a named httpGet port resolves to the container's port of that name", () => {
    const a = probeAction({ httpGet: { path: "/healthz", port: "liveness-port" } }, { name: "c", ports: [{ name: "liveness-port", containerPort: 8080 }] }, "10.244.0.5");
    expect(a).toEqual({ kind: "httpGet", scheme: "HTTP", host: "10.244.0.5", port: 8080, path: "/healthz" });
  });
  it("format.Pod prints name_namespace(uid)", () => {
    expect(formatPod({ metadata: { name: "web", namespace: "default", uid: "u1" } })).toBe("web_default(u1)");
  });
});

describe("the kubelet in a running cluster", () => {
  it("registers its Node with kind's addresses, the podCIDR and Ready True", async () => {
    const c = await cluster();
    const n = c.get("Node", "node-1");
    expect(n.spec.podCIDR).toBe("10.244.0.0/24");
    expect(n.status.addresses).toEqual([{ type: "InternalIP", address: "172.18.0.2" }, { type: "Hostname", address: "node-1" }]);
    expect(n.status.conditions.find((x: any) => x.type === "Ready")).toMatchObject({ status: "True", reason: "KubeletReady", message: "kubelet is posting ready status" });
    expect(n.status.nodeInfo.kubeletVersion).toBe("v1.35.0");
    expect(c.get("Lease", "node-1", "kube-node-lease").spec.holderIdentity).toBe("node-1");
  });

  it("runs an nginx pod: Running with an IP from the node's podCIDR and the four start events", async () => {
    const c = await cluster();
    await c.apply(pod("web", { containers: [{ name: "nginx", image: "nginx:1.27" }] }));
    await c.settle();
    const st = kubeletStatus(c, "web");
    expect(st.phase).toBe("Running");
    expect(cidrContains("10.244.0.0/24", st.podIP)).toBe(true);
    expect(st.containerStatuses[0]).toMatchObject({ name: "nginx", ready: true, started: true, restartCount: 0, image: "docker.io/library/nginx:1.27" });
    expect(st.containerStatuses[0].containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(st.conditions.map((x: any) => `${x.type}=${x.status}`)).toEqual(["PodReadyToStartContainers=True", "Initialized=True", "Ready=True", "ContainersReady=True", "PodScheduled=True"]);
    const ev = events(c, "web");
    expect(ev[0]).toBe('Pulling: Pulling image "nginx:1.27"');
    expect(ev[1]).toMatch(/^Pulled: Successfully pulled image "nginx:1\.27" in [\d.]+m?s \([\d.]+m?s including waiting\)\. Image size: \d+ bytes\.$/);
    expect(ev.slice(2)).toEqual(["Created: Container created", "Started: Container started"]);
  });

  it("restarts the docs' exec liveness example once cat /tmp/healthy starts failing", async () => {
    const c = await cluster();
    await c.apply(pod("liveness-exec", {
      containers: [{
        name: "liveness", image: "busybox:1.36", args: ["/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"],
        livenessProbe: { exec: { command: ["cat", "/tmp/healthy"] }, initialDelaySeconds: 5, periodSeconds: 5 },
      }],
    }));
    await c.settle();
    c.advance(50_000);
    const ev = events(c, "liveness-exec");
    expect(ev).toContain("Unhealthy: Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory");
    expect(ev).toContain("Killing: Container liveness failed liveness probe, will be restarted");
    // sh as PID 1 ignores SIGTERM: the restart comes when the 30 s grace period ends.
    c.advance(40_000);
    const st = kubeletStatus(c, "liveness-exec").containerStatuses[0];
    expect(st.restartCount).toBe(1);
    expect(st.lastState.terminated.exitCode).toBe(137);
  });

  // A probe whose named port no container port has errors in the prober (strconv.Atoi of the name):
  // doProbe throws the result away, so readiness stays at its initial Failure and liveness never
  // counts a failure: the container runs on, not ready and never restarted, with one event per period.
  it("an errored probe (its named port undeclared) leaves the container not ready and never restarted", async () => {
    const c = await cluster();
    const probe = { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 10 };
    await c.apply(pod("go-api", { containers: [{ name: "api", image: "nginx:1.27", ports: [{ containerPort: 8080 }], readinessProbe: probe, livenessProbe: probe }] }));
    await c.settle();
    c.advance(60_000);
    const ev = events(c, "go-api");
    expect(ev).toContain('Unhealthy: Readiness probe errored and resulted in unknown state: strconv.Atoi: parsing "http": invalid syntax');
    expect(ev).toContain('Unhealthy: Liveness probe errored and resulted in unknown state: strconv.Atoi: parsing "http": invalid syntax');
    expect(ev.some((e) => e.startsWith("Killing:"))).toBe(false);
    const st = kubeletStatus(c, "go-api");
    expect(st.containerStatuses[0]).toMatchObject({ ready: false, started: true, restartCount: 0 });
    expect(st.phase).toBe("Running");
  });

  it("puts a container that exits 3 into CrashLoopBackOff with lastState exit code 3", async () => {
    const c = await cluster();
    await c.apply(pod("crash", { containers: [{ name: "app", image: "busybox:1.36", command: ["sh", "-c", "exit 3"] }] }));
    await c.settle();
    c.advance(15_000);
    const st = kubeletStatus(c, "crash");
    const cs = st.containerStatuses[0];
    expect(cs.state.waiting.reason).toBe("CrashLoopBackOff");
    expect(cs.state.waiting.message).toMatch(/^back-off (10|20)s restarting failed container=app pod=crash_default\(.+\)$/);
    expect(cs.lastState.terminated).toMatchObject({ exitCode: 3, reason: "Error" });
    expect(events(c, "crash").some((e) => /^BackOff: Back-off restarting failed container app in pod crash_default\(.+\)$/.test(e))).toBe(true);
    expect(st.phase).toBe("Running");
  });

  it("reports ErrImagePull and then ImagePullBackOff for the misspelt image ngnix", async () => {
    const c = await cluster();
    await c.apply(pod("typo", { containers: [{ name: "web", image: "ngnix" }] }));
    await c.settle();
    const ev = events(c, "typo");
    expect(ev).toContain("Failed: Error: ErrImagePull");
    expect(ev.some((e) => e.startsWith('Failed: Failed to pull image "ngnix": rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/library/ngnix:latest"'))).toBe(true);
    c.advance(2_000);
    const w = kubeletStatus(c, "typo").containerStatuses[0].state.waiting;
    expect(w.reason).toBe("ImagePullBackOff");
    expect(w.message).toMatch(/^Back-off pulling image "ngnix": ErrImagePull: rpc error: code = Unknown desc = /);
    expect(events(c, "typo")).toContain("Failed: Error: ImagePullBackOff");
    expect(events(c, "typo")).toContain('BackOff: Back-off pulling image "ngnix"');
  });

  it("finishes a restartPolicy Never pod whose container exits 0 as Succeeded", async () => {
    const c = await cluster();
    await c.apply(pod("once", { restartPolicy: "Never", containers: [{ name: "job", image: "busybox:1.36", command: ["sh", "-c", "echo done"] }] }));
    await c.settle();
    const st = kubeletStatus(c, "once");
    expect(st.phase).toBe("Succeeded");
    expect(st.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: "Completed" });
  });

  it("deleting a running pod stops it, frees its IP and leaves CRI no sandbox for it", async () => {
    const c = await cluster();
    await c.apply(pod("web", { containers: [{ name: "nginx", image: "nginx:1.27" }] }));
    await c.settle();
    const uid = c.get("Pod", "web").metadata.uid;
    await c.delete("Pod", "web");
    await c.settle();
    expect(c.get("Pod", "web")).toBeUndefined();
    expect(Object.keys(c.runtime.snapshot("cni/node-1").context.ipam.allocations)).toEqual([]);
    expect([...c.runtime.snapshot("cri/node-1").context.sandboxes.values()].filter((s: any) => s.podUid === uid)).toEqual([]);
    expect(events(c, "web")).toContain("Killing: Stopping container nginx");
  });

  // Regression for CI fuzz seed 20261125 (properties/regressions/random-758911110.json): the pod
  // stayed Terminating forever when its deletion arrived while RunPodSandbox was in flight.
  it("a pod deleted while its sandbox is being created is torn down, written Failed with ContainerStatusUnknown, and deleted", async () => {
    const c = await cluster();
    const statuses: any[] = [];
    c.runtime.observers.push(() => {
      const s = c.get("Pod", "web")?.status;
      if (s && s !== statuses[statuses.length - 1]) statuses.push(s);
    });
    c.runtime.clog("kubelet/node-1", "cri/node-1", 5_000);
    await c.apply(pod("web", { containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "3600"] }] }));
    const sandboxAsked = () => c.runtime.queuedChannels().some((ch) => ch.from === "kubelet/node-1" && ch.to === "cri/node-1" && ch.messages.some((m) => m.type === "RunPodSandbox"));
    c.runtime.runUntil(sandboxAsked, "the kubelet asks CRI for a sandbox");
    const uid = c.get("Pod", "web").metadata.uid;
    await c.delete("Pod", "web");
    await c.settle();
    expect(c.get("Pod", "web")).toBeUndefined();
    const last = statuses[statuses.length - 1];
    expect(last.phase).toBe("Failed");
    expect(last.containerStatuses[0].state).toEqual({
      terminated: { exitCode: 137, reason: "ContainerStatusUnknown", message: "The container could not be located when the pod was terminated", startedAt: null, finishedAt: null },
    });
    expect([...c.runtime.snapshot("cri/node-1").context.sandboxes.values()].filter((s: any) => s.podUid === uid)).toEqual([]);
  });

  it("a pod deleted in ImagePullBackOff is marked Failed with ContainerStatusUnknown before it is deleted", async () => {
    const c = await cluster();
    await c.apply(pod("typo", { containers: [{ name: "app", image: "ngnix" }] }));
    await c.settle();
    expect(c.get("Pod", "typo").status.containerStatuses[0].state.waiting.reason).toMatch(/ErrImagePull|ImagePullBackOff/);
    const phases: string[] = [];
    c.runtime.observers.push(() => {
      const p = c.get("Pod", "typo")?.status?.phase;
      if (p && p !== phases[phases.length - 1]) phases.push(p);
    });
    await c.delete("Pod", "typo");
    await c.settle();
    expect(c.get("Pod", "typo")).toBeUndefined();
    expect(phases).toEqual(["Pending", "Failed"]);
  });

  it("a force-deleted pod's sandbox is cleaned up when it leaves the kubelet's watch", async () => {
    const c = await cluster();
    await c.apply(pod("web", { containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "3600"] }] }));
    await c.settle();
    await c.delete("Pod", "web", "default", { gracePeriodSeconds: 0 });
    await c.settle();
    expect(c.get("Pod", "web")).toBeUndefined();
    expect(c.runtime.snapshot("cri/node-1").context.sandboxes.size).toBe(0);
    expect(Object.keys(c.runtime.snapshot("cni/node-1").context.ipam.allocations)).toEqual([]);
  });

  it.each([1, 2, 3, 4, 5])("with seed %i no pod is ever Running without spec.nodeName", async (seed) => {
    const c = createCluster({ nodes: 2, seed });
    let violations = 0;
    c.runtime.observers.push(() => {
      for (const p of c.list("Pod")) if (p.status?.phase === "Running" && !p.spec.nodeName) violations++;
      for (const node of ["node-1", "node-2"]) {
        const ctx = c.runtime.snapshot(`kubelet/${node}`)?.context;
        for (const w of ctx?.workers.values() ?? []) if (w.containers.some((x: any) => x.running) && w.pod.spec.nodeName !== node) violations++;
      }
    });
    await c.apply([0, 1, 2].map((i) => ({ apiVersion: "v1", kind: "Pod", metadata: { name: `p${i}` }, spec: { containers: [{ name: "nginx", image: "nginx:1.27" }] } })));
    await c.settle();
    expect(violations).toBe(0);
    const running = ["node-1", "node-2"].flatMap((n) => [0, 1, 2].map((i) => kubeletStatus(c, `p${i}`, n))).filter((s) => s?.phase === "Running");
    expect(running.length).toBe(3);
  });
});
