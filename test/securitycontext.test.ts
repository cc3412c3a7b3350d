// Kubernetes' security context e2e tests (test/e2e/common/node/security_context.go, v1.35) run
// through createCluster, and what the capabilities containerd grants let a container's processes
// do: each expectation is what the e2e test checks or what Linux answers (capabilities(7)).

import { describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "../runtime/cluster.js";
import { podLogs } from "./support/podlogs.js";

async function run(pods: object[]): Promise<Cluster> {
  const c = createCluster({ nodes: 1, seed: 27 });
  await c.settle();
  await c.apply(pods as never);
  await c.settle();
  return c;
}

function pod(name: string, script: string, sc?: Record<string, unknown>, image = "busybox:1.36") {
  return {
    apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default" },
    spec: { restartPolicy: "Never", containers: [{ name, image, command: ["sh", "-c", script], ...(sc ? { securityContext: sc } : {}) }] },
  };
}

const phase = (c: Cluster, name: string) => c.get("Pod", name, "default").status.phase;
const waiting = (c: Cluster, name: string) => c.get("Pod", name, "default").status.containerStatuses[0].state.waiting;

describe("When creating a container with runAsUser / runAsNonRoot (security_context.go, conformance)", () => {
  it("should run the container with uid 65534: `id -u` prints 65534", async () => {
    const c = await run([pod("busybox-user-65534", "id -u", { runAsUser: 65534 })]);
    expect(phase(c, "busybox-user-65534")).toBe("Succeeded");
    expect(podLogs(c, "busybox-user-65534")).toEqual(["65534"]);
    await c.stop();
  });

  it("should run with an explicit non-root user ID (runAsNonRoot, runAsUser 1234); should not run with an explicit root user ID; should not run without a specified user ID (image root); should run with an image specified user ID", async () => {
    const c = await run([
      pod("explicit-nonroot-uid", "id -u", { runAsNonRoot: true, runAsUser: 1234 }),
      pod("explicit-root-uid", "id -u", { runAsNonRoot: true, runAsUser: 0 }),
      pod("implicit-root-uid", "id -u", { runAsNonRoot: true }),
    ]);
    expect(phase(c, "explicit-nonroot-uid")).toBe("Succeeded");
    expect(podLogs(c, "explicit-nonroot-uid")).toEqual(["1234"]);
    // the e2e test: the event "container's runAsUser breaks non-root policy"
    expect(waiting(c, "explicit-root-uid")).toEqual({ reason: "CreateContainerConfigError", message: 'container\'s runAsUser breaks non-root policy (pod: "explicit-root-uid_default(' + c.get("Pod", "explicit-root-uid", "default").metadata.uid + ')", container: explicit-root-uid)' });
    // busybox has no USER: it runs as root, which runAsNonRoot refuses
    expect(waiting(c, "implicit-root-uid")).toEqual({ reason: "CreateContainerConfigError", message: 'container has runAsNonRoot and image will run as root (pod: "implicit-root-uid_default(' + c.get("Pod", "implicit-root-uid", "default").metadata.uid + ')", container: implicit-root-uid)' });
    await c.stop();
  });
});

describe("When creating a pod with privileged / allowPrivilegeEscalation (security_context.go)", () => {
  it("no_new_privs: NoNewPrivs is 0 when allowPrivilegeEscalation is unset or true and 1 when false (uid 1000)", async () => {
    const status = "grep NoNewPrivs /proc/1/status";
    const c = await run([
      pod("alpine-nnp-nil", status, { runAsUser: 1000 }),
      pod("alpine-nnp-true", status, { runAsUser: 1000, allowPrivilegeEscalation: true }),
      pod("alpine-nnp-false", status, { runAsUser: 1000, allowPrivilegeEscalation: false }),
    ]);
    expect(podLogs(c, "alpine-nnp-nil")).toEqual(["NoNewPrivs:\t0"]);
    expect(podLogs(c, "alpine-nnp-true")).toEqual(["NoNewPrivs:\t0"]);
    expect(podLogs(c, "alpine-nnp-false")).toEqual(["NoNewPrivs:\t1"]);
    await c.stop();
  });

  it("When creating a pod with readOnlyRootFilesystem: true refuses a write to /, false takes it", async () => {
    const c = await run([pod("ro-true", "echo checkroot > /file; echo rc=$?", { readOnlyRootFilesystem: true }), pod("ro-false", "echo checkroot > /file; cat /file", { readOnlyRootFilesystem: false })]);
    expect(podLogs(c, "ro-true")).toEqual(["sh: can't create /file: Read-only file system", "rc=1"]);
    expect(podLogs(c, "ro-false")).toEqual(["checkroot"]);
    await c.stop();
  });
});

describe("capabilities decide what root may do beyond its file modes (containerd's default set, add and drop)", () => {
  // a file of another user, mode 0600: root reads it through CAP_DAC_OVERRIDE only
  const setup = "echo secret > /tmp/f; chmod 600 /tmp/f; chown 1000:1000 /tmp/f; ";
  it("root with the default set reads, chowns and chmods another user's file; dropping DAC_OVERRIDE, FOWNER or CHOWN takes each away", async () => {
    const script = `${setup}cat /tmp/f; chown 2000 /tmp/f; echo chown=$?; chmod 644 /tmp/f; echo chmod=$?`;
    const c = await run([
      pod("caps-default", script),
      pod("caps-drop-dac-fowner", `${setup}cat /tmp/f; echo cat=$?; chmod 644 /tmp/f; echo chmod=$?`, { capabilities: { drop: ["DAC_OVERRIDE", "fowner"] } }),
      pod("caps-drop-chown", "echo x > /tmp/f; chown 2000 /tmp/f; echo chown=$?; chgrp=$(chown :10 /tmp/f; echo $?); echo own-group=$chgrp", { capabilities: { drop: ["chown"] } }),
      // containerd puts CAP_ before each name (WithCapabilities): CAP_CAP_CHOWN drops nothing
      pod("caps-drop-prefixed", `${setup}chown 2000 /tmp/f; echo chown=$?`, { capabilities: { drop: ["CAP_CHOWN"] } }),
    ]);
    expect(podLogs(c, "caps-default")).toEqual(["secret", "chown=0", "chmod=0"]);
    expect(podLogs(c, "caps-drop-dac-fowner")).toEqual(["cat: can't open '/tmp/f': Permission denied", "cat=1", "chmod: /tmp/f: Operation not permitted", "chmod=1"]);
    // without CAP_CHOWN the owner may still give the file a group of its own (root is in busybox's wheel, 10)
    expect(podLogs(c, "caps-drop-chown")).toEqual(["chown: /tmp/f: Operation not permitted", "chown=1", "own-group=0"]);
    expect(podLogs(c, "caps-drop-prefixed")).toEqual(["chown=0"]);
    await c.stop();
  });

  it("drop ALL then add DAC_READ_SEARCH: root reads another's file but may not write it", async () => {
    const c = await run([pod("caps-read-search", "echo x > /tmp/f; chmod 600 /tmp/f; chown 1000 /tmp/f; cat /tmp/f; echo y >> /tmp/f; echo rc=$?", { capabilities: { drop: ["ALL"], add: ["CHOWN", "FOWNER", "DAC_READ_SEARCH"] } })]);
    expect(podLogs(c, "caps-read-search")).toEqual(["x", "sh: can't create /tmp/f: Permission denied", "rc=1"]);
    await c.stop();
  });
});

describe("CAP_KILL decides whether root may signal another user's process (kill_ok_by_cred)", () => {
  // a shared pid namespace: user 1000's sleep, and a root shell that kills it
  const shared = (name: string, sc?: Record<string, unknown>) => ({
    apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default" },
    spec: {
      restartPolicy: "Never", shareProcessNamespace: true,
      containers: [
        { name: "target", image: "busybox:1.36", command: ["sleep", "3600"], securityContext: { runAsUser: 1000 } },
        { name: "killer", image: "busybox:1.36", command: ["sh", "-c", "sleep 2; kill $(pgrep -f 'sleep 3600'); echo rc=$?"], ...(sc ? { securityContext: sc } : {}) },
      ],
    },
  });
  it("root with containerd's defaults kills it; with KILL dropped kill(2) says EPERM", async () => {
    const c = await run([shared("kill-default"), shared("kill-dropped", { capabilities: { drop: ["KILL"] } })]);
    c.advance(5_000);
    await c.settle();
    expect(podLogs(c, "kill-default", "killer")).toEqual(["rc=0"]);
    const denied = podLogs(c, "kill-dropped", "killer");
    expect(denied).toHaveLength(2);
    expect(denied[0]).toMatch(/^sh: can't kill pid \d+: Operation not permitted$/);
    expect(denied[1]).toBe("rc=1");
    await c.stop();
  });
});
