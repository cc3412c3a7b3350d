// The docs' AppArmor tutorial (tutorials/security/apparmor.md, examples/pods/security/hello-apparmor.yaml):
// the node has k8s-apparmor-example-deny-write loaded, so hello-apparmor runs; hello-apparmor-2
// names k8s-apparmor-example-allow-write, which is not loaded, so containerd refuses to create its
// container and the kubelet shows CreateContainerError with containerd's message. In hello-apparmor,
// /proc/1/attr/current names the profile and a write is refused (the profile's `deny /** w`).

import { describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
const pod = (name: string, profile: string, where: "pod" | "container" | "annotation" = "pod") => ({
  apiVersion: "v1", kind: "Pod",
  metadata: { name, ...(where === "annotation" ? { annotations: { "container.apparmor.security.beta.kubernetes.io/hello": `localhost/${profile}` } } : {}) },
  spec: {
    ...(where === "pod" ? { securityContext: { appArmorProfile: { type: "Localhost", localhostProfile: profile } } } : {}),
    containers: [{
      name: "hello", image: "busybox:1.28", command: ["sh", "-c", "echo 'Hello AppArmor!' && sleep 1h"],
      ...(where === "container" ? { securityContext: { appArmorProfile: { type: "Localhost", localhostProfile: profile } } } : {}),
    }],
  },
});

/** Runs a command in a container as kubectl exec does: the kubelet's GetExec, then the CRI session's ExecRun; its stdout. */
async function execIn(c: Cluster, node: string, podName: string, container: string, cmd: string[], stream: "stdout" | "stderr" = "stdout"): Promise<string> {
  const inbox: any[] = [];
  const me = "test/apparmor-exec";
  c.runtime.external(me, (m: any) => void inbox.push(m));
  c.runtime.send(me, `kubelet/${node}`, { type: "GetExec", id: 1, podNamespace: "default", podName, container, cmd, tty: false, stdin: false, stdout: true, stderr: true });
  await c.settle();
  const session = inbox.find((m) => m.type === "StreamReady").session;
  c.runtime.send(me, `cri/${node}`, { type: "ExecRun", session, stdin: "" });
  await c.settle();
  return inbox.find((m) => m.type === "ExecOutput")[stream];
}

const notFound = (profile: string) => `failed to get container spec opts: failed to generate apparmor spec opts: apparmor profile not found ${profile}`;

describe("AppArmor Localhost profiles", () => {
  it("the tutorial: hello-apparmor (deny-write, loaded) runs; hello-apparmor-2 (allow-write, not loaded) is CreateContainerError", async () => {
    const c = createCluster({ nodes: 1, seed: 7 });
    await c.settle();
    await c.apply(pod("hello-apparmor", "k8s-apparmor-example-deny-write"));
    await c.apply(pod("hello-apparmor-2", "k8s-apparmor-example-allow-write"));
    await c.settle();
    expect(c.get("Pod", "hello-apparmor", "default").status.phase).toBe("Running");
    // kubectl exec hello-apparmor -- cat /proc/1/attr/current
    const ran = c.get("Pod", "hello-apparmor", "default");
    const out = await execIn(c, ran.spec.nodeName, "hello-apparmor", "hello", ["cat", "/proc/1/attr/current"]);
    expect(out).toBe("k8s-apparmor-example-deny-write (enforce)\n");
    // kubectl exec hello-apparmor -- touch /tmp/test: the profile's `deny /** w`
    expect(await execIn(c, ran.spec.nodeName, "hello-apparmor", "hello", ["touch", "/tmp/test"], "stderr")).toBe("touch: /tmp/test: Permission denied\n");
    const p = c.get("Pod", "hello-apparmor-2", "default");
    expect(p.status.phase).toBe("Pending");
    expect(p.status.containerStatuses[0].state).toEqual({ waiting: { reason: "CreateContainerError", message: notFound("k8s-apparmor-example-allow-write") } });
    const failed = c.events().filter((e: any) => e.involvedObject.name === "hello-apparmor-2" && e.reason === "Failed");
    expect(failed.map((e: any) => [e.type, e.message])).toEqual([["Warning", `Error: ${notFound("k8s-apparmor-example-allow-write")}`]]);
    await c.stop();
  });

  it("the container's field wins over the pod's; the deprecated annotation is read too", async () => {
    const c = createCluster({ nodes: 1, seed: 7, appArmorProfiles: ["mine"] });
    await c.settle();
    await c.apply({ ...pod("both", "mine", "container"), spec: { ...pod("both", "mine", "container").spec, securityContext: { appArmorProfile: { type: "Localhost", localhostProfile: "absent" } } } });
    await c.apply(pod("annotated", "absent", "annotation"));
    await c.settle();
    expect(c.get("Pod", "both", "default").status.phase).toBe("Running");
    expect(c.get("Pod", "annotated", "default").status.containerStatuses[0].state.waiting.message).toBe(notFound("absent"));
    await c.stop();
  });
});
