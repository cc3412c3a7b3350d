// Sweep 11 of the docs' task, tutorial and concept pages (kubernetes/website content/en/docs/**), step
// by step with the real kubectl against `podflow serve`: each expectation is what the page shows, or
// what Kubernetes' source does where the page is silent. The verdicts are in test/fixtures/docs/TASKS.md.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

// kubernetes/website content/en/examples/pods/resource/pod-resize.yaml
const resizeDemo = readFileSync(join(import.meta.dirname, "fixtures", "docs", "pods", "resource", "pod-resize.yaml"), "utf8");

describe.skipIf(!bin)("podflow serve with the real kubectl: the docs' pages, sweep 11", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input === undefined ? {} : { input });
  const jsonpath = (args: string[], path: string) => k([...args, "-o", `jsonpath=${path}`]).then((r) => r.out);
  const phase = (pod: string, want: string) => until(async () => ((await jsonpath(["get", "pod", pod], "{.status.phase}")) === want ? true : undefined), 30_000);
  const events = (name: string) => k(["get", "events", "--field-selector", `involvedObject.name=${name}`, "-o", "jsonpath={range .items[*]}{.reason}: {.message}{\"\\n\"}{end}"]).then((r) => r.out.split("\n"));

  beforeAll(async () => {
    s = await serve({ nodes: 2, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("resize-container-resources: pause 3.8 runs as build/pause's USER 65535 (the kubelet passes the image's uid as runAsUser, so containerd takes the gid from the absent /etc/passwd: 0)", async () => {
    expect((await k(["create", "-f", "-"], resizeDemo)).out).toBe("pod/resize-demo created\n");
    expect(await phase("resize-demo", "Running")).toBe(true);
    expect(JSON.parse(await jsonpath(["get", "pod", "resize-demo"], "{.status.containerStatuses[0].user}"))).toEqual({ linux: { uid: 65535, gid: 0, supplementalGroups: [0] } });
  });

  it("security-context: runAsNonRoot refuses an image that runs as root (busybox has no USER) with CreateContainerConfigError, and a runAsUser of 0; pause's non-root user passes", async () => {
    const pod = (name: string, sc: string, image: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  securityContext:
${sc}
  containers:
  - name: app
    image: ${image}
`;
    expect((await k(["create", "-f", "-"], pod("image-root", "    runAsNonRoot: true", "busybox:1.28\n    command: [\"sleep\", \"3600\"]"))).code).toBe(0);
    expect((await k(["create", "-f", "-"], pod("uid-zero", "    runAsNonRoot: true\n    runAsUser: 0", "busybox:1.28\n    command: [\"sleep\", \"3600\"]"))).code).toBe(0);
    expect((await k(["create", "-f", "-"], pod("pause-nonroot", "    runAsNonRoot: true", "registry.k8s.io/pause:3.10"))).code).toBe(0);
    const waiting = (name: string) => until(async () => {
      const w = await jsonpath(["get", "pod", name], "{.status.containerStatuses[0].state.waiting.reason}|{.status.containerStatuses[0].state.waiting.message}");
      return w.startsWith("CreateContainerConfigError|") ? w : undefined;
    }, 30_000);
    const uid = (name: string) => jsonpath(["get", "pod", name], "{.metadata.uid}");
    expect(await waiting("image-root")).toBe(`CreateContainerConfigError|container has runAsNonRoot and image will run as root (pod: "image-root_default(${await uid("image-root")})", container: app)`);
    expect(await events("image-root")).toContain(`Failed: Error: container has runAsNonRoot and image will run as root (pod: "image-root_default(${await uid("image-root")})", container: app)`);
    expect(await waiting("uid-zero")).toBe(`CreateContainerConfigError|container's runAsUser breaks non-root policy (pod: "uid-zero_default(${await uid("uid-zero")})", container: app)`);
    expect(await phase("pause-nonroot", "Running")).toBe(true);
    expect((await k(["get", "pod", "image-root"])).out).toMatch(/\nimage-root +0\/1 +CreateContainerConfigError +0 /);
  });

  it("assign-pod-level-resources: a container with no cpu limit of its own is held to the pod-level limit (getCPULimit): vish/stress -cpus 2 uses about 1 CPU, as the page's 974m", async () => {
    // pods/resource/pod-level-cpu-request-limit.yaml (in default, not the page's namespace)
    expect((await k(["apply", "-f", "-"], `apiVersion: v1
kind: Pod
metadata:
  name: cpu-demo
spec:
  resources:
    limits:
      cpu: "1"
    requests:
      cpu: "0.5"
  containers:
  - name: cpu-demo-ctr
    image: vish/stress
    args: ["-cpus", "2"]
`)).code).toBe(0);
    expect(await jsonpath(["get", "pod", "cpu-demo"], "{.spec.resources}")).toBe('{"limits":{"cpu":"1"},"requests":{"cpu":"500m"}}');
    const cpu = await until(async () => {
      const m = /\ncpu-demo +(\d+)m /.exec((await k(["top", "pod", "cpu-demo"])).out);
      return m ? Number(m[1]) : undefined;
    }, 60_000, 1000);
    expect(cpu).toBeGreaterThan(900);
    expect(cpu).toBeLessThanOrEqual(1000);
  });

  it("assign-pod-level-resources: the pod-level memory limit is the cgroup limit of a container without one (getMemoryLimit): stress --vm-bytes 150M under 100Mi is OOMKilled", async () => {
    expect((await k(["apply", "-f", "-"], `apiVersion: v1
kind: Pod
metadata:
  name: memory-demo-3
spec:
  resources:
    limits:
      memory: 100Mi
  containers:
  - name: memory-demo-3-ctr
    image: polinux/stress
    command: ["stress"]
    args: ["--vm", "1", "--vm-bytes", "150M", "--vm-hang", "1"]
`)).code).toBe(0);
    const last = await until(async () => {
      const t = await jsonpath(["get", "pod", "memory-demo-3"], "{.status.containerStatuses[0].lastState.terminated.reason} {.status.containerStatuses[0].lastState.terminated.exitCode}");
      return t.trim() ? t : undefined;
    }, 30_000);
    expect(last).toBe("OOMKilled 137");
  });

  it("container-lifecycle-hooks: a postStart exec hook that fails gets the container killed (FailedPostStartHook, Killing) and restarted into CrashLoopBackOff", async () => {
    expect((await k(["apply", "-f", "-"], `apiVersion: v1
kind: Pod
metadata:
  name: hookfail
spec:
  containers:
  - name: c
    image: nginx:1.27
    lifecycle:
      postStart:
        exec:
          command: ["/bin/sh", "-c", "exit 3"]
`)).code).toBe(0);
    const restarts = await until(async () => {
      const n = Number(await jsonpath(["get", "pod", "hookfail"], "{.status.containerStatuses[0].restartCount}"));
      return n >= 2 ? n : undefined;
    }, 60_000);
    expect(restarts).toBeGreaterThanOrEqual(2);
    const seen = await events("hookfail");
    expect(seen).toContain("FailedPostStartHook: PostStartHook failed");
    expect(seen).toContain("Killing: FailedPostStartHook");
  });

  it("container-lifecycle-hooks: a preStop exec hook that fails is recorded (FailedPreStopHook 'PreStopHook failed') and the container is stopped all the same", async () => {
    expect((await k(["apply", "-f", "-"], `apiVersion: v1
kind: Pod
metadata:
  name: prestopfail
spec:
  containers:
  - name: c
    image: nginx:1.27
    lifecycle:
      preStop:
        exec:
          command: ["/bin/sh", "-c", "exit 1"]
`)).code).toBe(0);
    expect(await phase("prestopfail", "Running")).toBe(true);
    expect((await k(["delete", "pod", "prestopfail"], undefined)).out).toBe('pod "prestopfail" deleted\n');
    const seen = await until(async () => {
      const e = await events("prestopfail");
      return e.includes("FailedPreStopHook: PreStopHook failed") ? e : undefined;
    }, 30_000);
    expect(seen).toContain("Killing: Stopping container c");
  });
});
