// The kubelet's lifecycles as a user of a real cluster sees them (back-offs, probes, grace periods).
import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

// Back-offs as a user of a real cluster sees them, timed from the kubelet's own runtime calls.
// Kubernetes: a crashed container restarts at once, then waits 10 s, 20 s, 40 s ... up to 5 min
// (backOffPeriod, MaxContainerBackOff); a failed pull is retried after 10 s, 20 s, 40 s ...
// (ImagePullBackOff, the same bounds).

/** Seconds between consecutive `type` calls the kubelet sends its runtime while the clock runs for `ms`. */
async function gapsBetween(type: string, pod: object, ms: number): Promise<number[]> {
  const c = createCluster({ nodes: 1, seed: 1 });
  await c.settle();
  const at: number[] = [];
  c.runtime.deliveryHooks.push((from, to, msg) => {
    if (from === "kubelet/node-1" && to === "cri/node-1" && msg.type === type) at.push(c.runtime.now);
  });
  await c.apply(pod);
  await c.settle();
  for (let t = 0; t < ms; t += 5_000) c.advance(5_000);
  await c.stop();
  return at.slice(1).map((t, i) => Math.round((t - at[i]!) / 1000));
}

const pod = (name: string, spec: object) => ({ apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { nodeName: "node-1", ...spec } });

describe("back-offs on a cluster", () => {
  it("a container that exits at once under restartPolicy Always restarts at once, then after 10, 20, 40, 80, 160 s, then every 300 s", async () => {
    const gaps = await gapsBetween("StartContainer", pod("crash", { containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "exit 1"] }] }), 1_500_000);
    expect(gaps.slice(0, 8)).toEqual([0, 10, 20, 40, 80, 160, 300, 300]);
  });

  it("a container that exits 0 under restartPolicy OnFailure, or 1 under Never, is not restarted", async () => {
    expect(await gapsBetween("StartContainer", pod("ok", { restartPolicy: "OnFailure", containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "exit 0"] }] }), 60_000)).toEqual([]);
    expect(await gapsBetween("StartContainer", pod("once", { restartPolicy: "Never", containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "exit 1"] }] }), 60_000)).toEqual([]);
  });

  it("a pull of an image that does not exist is retried 10, 20, 40, 80 s after each failure", async () => {
    const c = createCluster({ nodes: 1, seed: 1 });
    await c.settle();
    const pulls: number[] = [];
    const failures: number[] = [];
    c.runtime.deliveryHooks.push((from, to, msg) => {
      if (from === "kubelet/node-1" && to === "cri/node-1" && msg.type === "PullImage") pulls.push(c.runtime.now);
      if (from === "cri/node-1" && to === "kubelet/node-1" && msg.type === "PullImageResult" && !msg.ok) failures.push(c.runtime.now);
    });
    await c.apply(pod("typo", { containers: [{ name: "c", image: "ngnix" }] }));
    await c.settle();
    for (let t = 0; t < 200_000; t += 5_000) c.advance(5_000);
    await c.stop();
    expect(pulls.slice(1, 5).map((t, i) => (t - failures[i]!) / 1000)).toEqual([10, 20, 40, 80]);
  });
});

describe("probes and grace periods on a cluster", () => {
  /** Simulated ms from the first `first` to the first `then` message between the kubelet and its runtime, while the clock runs for `ms`. */
  async function between(first: string, then: string, pod: object, ms: number, act?: (c: ReturnType<typeof createCluster>) => Promise<void>): Promise<number | undefined> {
    const c = createCluster({ nodes: 1, seed: 1 });
    await c.settle();
    const at = new Map<string, number>();
    c.runtime.deliveryHooks.push((from, to, msg) => {
      if ((from === "kubelet/node-1" || to === "kubelet/node-1") && !at.has(msg.type)) at.set(msg.type, c.runtime.now);
    });
    await c.apply(pod);
    await c.settle();
    if (act) await act(c);
    for (let t = 0; t < ms; t += 1_000) c.advance(1_000);
    await c.stop();
    const [a, b] = [at.get(first), at.get(then)];
    return a === undefined || b === undefined ? undefined : b - a;
  }

  it("a liveness probe (initialDelaySeconds 5, periodSeconds 10, failureThreshold 3) that starts failing at 30 s kills the container after its third failure, at 55 s", async () => {
    const liveness = pod("live", { containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"], livenessProbe: { exec: { command: ["cat", "/tmp/healthy"] }, initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 3 } }] });
    expect(await between("StartContainerResult", "StopContainer", liveness, 120_000)).toBe(55_000);
  });

  // Kubernetes docs, "Protect slow starting containers with startup probes": the liveness and
  // readiness probes do not start until the startup probe has succeeded (prober worker: no probe
  // of another kind while the container has not started).
  it("a startup probe holds the liveness probe off: a container that needs 20 s to start is not killed by a liveness probe that fails once", async () => {
    const slow = pod("slow", { containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 20; touch /tmp/healthy; sleep 600"], startupProbe: { exec: { command: ["cat", "/tmp/healthy"] }, periodSeconds: 1, failureThreshold: 30 }, livenessProbe: { exec: { command: ["cat", "/tmp/healthy"] }, periodSeconds: 1, failureThreshold: 1 } }] });
    const c = createCluster({ nodes: 1, seed: 1 });
    await c.apply(slow);
    await c.settle();
    for (let t = 0; t < 90_000; t += 1_000) c.advance(1_000);
    await c.settle();
    const status = c.get("Pod", "slow", "default").status.containerStatuses[0];
    await c.stop();
    expect([status.restartCount, status.started, status.ready, status.state.running !== undefined]).toEqual([0, true, true, true]);
  });

  // killContainer: a liveness or startup kill takes the probe's terminationGracePeriodSeconds when
  // it sets one (ProbeTerminationGracePeriod, GA in 1.27), the pod's otherwise.
  it("a container that ignores SIGTERM and fails its liveness probe is killed after the probe's terminationGracePeriodSeconds (5 s), not the pod's (60 s)", async () => {
    const probed = pod("probed", { terminationGracePeriodSeconds: 60, containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "trap '' TERM; sleep 3600"], livenessProbe: { exec: { command: ["cat", "/tmp/healthy"] }, initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 1, terminationGracePeriodSeconds: 5 } }] });
    expect(await between("StopContainer", "ContainerExited", probed, 90_000)).toBe(5_000);
  });

  it("a deleted pod whose container ignores SIGTERM is killed when its grace period (15 s) ends", async () => {
    const stubborn = pod("stubborn", { terminationGracePeriodSeconds: 15, containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "trap '' TERM; sleep 3600"] }] });
    const ms = await between("StopContainer", "ContainerExited", stubborn, 60_000, (c) => c.delete("Pod", "stubborn", "default"));
    expect(ms).toBe(15_000);
  });
});

// Sidecar containers (init containers with restartPolicy Always), as the Kubernetes docs' "Sidecar
// Containers" page and the kubelet's kuberuntime describe them; and a readiness probe's
// successThreshold (prober worker: the result turns Success after that many successes in a row).
describe("sidecars and readiness thresholds on a cluster", () => {
  type C = ReturnType<typeof createCluster>;
  /** The name of the container a CRI message names, from the runtime's own state. */
  const nameOf = (c: C, id: string): string | undefined => (c.runtime.snapshot("cri/node-1")?.context?.containers as Map<string, { name: string }> | undefined)?.get(id)?.name;
  /** Simulated times at which the kubelet sent its runtime `type` for each container, by name. */
  function calls(c: C, type: string): Map<string, number[]> {
    const at = new Map<string, number[]>();
    c.runtime.deliveryHooks.push((from, to, msg) => {
      if (from !== "kubelet/node-1" || to !== "cri/node-1" || msg.type !== type) return;
      const name = nameOf(c, msg.containerId);
      if (name !== undefined) at.set(name, [...(at.get(name) ?? []), c.runtime.now]);
    });
    return at;
  }
  const sidecar = (command: string, extra: object = {}) => ({ name: "proxy", image: "busybox:1.36", restartPolicy: "Always", command: ["sh", "-c", command], ...extra });

  // kuberuntime killContainersWithSyncResult with newTerminationOrdering: a sidecar waits for every
  // main container to exit (or the grace period to end) before it is stopped.
  it("a deleted pod's sidecar is stopped only after its app container has exited (here at the end of the 10 s grace period)", async () => {
    const c = createCluster({ nodes: 1, seed: 1 });
    const stops = calls(c, "StopContainer");
    await c.apply(pod("ordered", { terminationGracePeriodSeconds: 10, initContainers: [sidecar("sleep 3600")], containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "3600"] }] }));
    await c.settle();
    c.advance(5_000);
    await c.delete("Pod", "ordered", "default");
    for (let t = 0; t < 30_000; t += 1_000) c.advance(1_000);
    await c.stop();
    const [app, proxy] = [stops.get("app")?.[0], stops.get("proxy")?.[0]];
    expect(app).toBeDefined();
    expect(proxy! - app!).toBe(10_000);
  });

  // Docs: "the kubelet starts the next init container from the ordered .spec.initContainers list"
  // once the sidecar's started status is true: a process running and no startup probe, or its
  // startupProbe succeeding.
  it("the init container after a sidecar starts only once the sidecar's startup probe has succeeded (the sidecar needs 5 s)", async () => {
    const c = createCluster({ nodes: 1, seed: 1 });
    const starts = calls(c, "StartContainer");
    await c.apply(pod("waits", {
      initContainers: [sidecar("sleep 5; touch /tmp/up; sleep 3600", { startupProbe: { exec: { command: ["cat", "/tmp/up"] }, periodSeconds: 1, failureThreshold: 30 } }), { name: "setup", image: "busybox:1.36", command: ["sh", "-c", "exit 0"] }],
      containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "3600"] }],
    }));
    await c.settle();
    for (let t = 0; t < 20_000; t += 1_000) c.advance(1_000);
    await c.stop();
    const [proxy, setup] = [starts.get("proxy")?.[0], starts.get("setup")?.[0]];
    expect(setup).toBeDefined();
    expect(setup! - proxy!).toBeGreaterThanOrEqual(5_000);
  });

  // Docs: a sidecar is restarted when it exits, "regardless of the pod's restartPolicy"
  // (ContainerShouldRestart: the container's own restartPolicy Always first).
  it("a sidecar that exits is restarted in a pod with restartPolicy Never", async () => {
    const c = createCluster({ nodes: 1, seed: 1 });
    const starts = calls(c, "StartContainer");
    await c.apply(pod("never", { restartPolicy: "Never", initContainers: [sidecar("sleep 2; exit 1")], containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "3600"] }] }));
    await c.settle();
    for (let t = 0; t < 30_000; t += 1_000) c.advance(1_000);
    await c.stop();
    expect((starts.get("proxy") ?? []).length).toBeGreaterThanOrEqual(2);
    expect((starts.get("app") ?? []).length).toBe(1);
  });

  // prober worker.go: a readiness result turns Success only after successThreshold successes in a
  // row (resultRun < SuccessThreshold keeps the last result).
  it("a readiness probe with successThreshold 3 reports the container Ready only after three successful probes", async () => {
    const c = createCluster({ nodes: 1, seed: 1 });
    let successes = 0;
    let atReady: number | undefined;
    c.runtime.deliveryHooks.push((from, to, msg) => {
      if (from === "cri/node-1" && to === "kubelet/node-1" && msg.type === "ExecProbeResult" && msg.result === "success") successes++;
    });
    c.runtime.observers.push(() => {
      if (atReady === undefined && c.get("Pod", "threshold", "default")?.status?.containerStatuses?.[0]?.ready === true) atReady = successes;
    });
    await c.apply(pod("threshold", { containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "touch /tmp/ok; sleep 3600"], readinessProbe: { exec: { command: ["cat", "/tmp/ok"] }, periodSeconds: 2, successThreshold: 3 } }] }));
    await c.settle();
    for (let t = 0; t < 30_000; t += 1_000) c.advance(1_000);
    await c.stop();
    expect(atReady).toBeGreaterThanOrEqual(3);
  });
});
