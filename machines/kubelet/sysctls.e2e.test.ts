// The conformance tests "Sysctls [LinuxOnly] [NodeConformance]" (test/e2e/common/node/sysctl.go)
// through the whole cluster: a safe sysctl reaches the container's /proc/sys (the kubelet sends it
// to RunPodSandbox, runc writes it into the pod's namespaces); invalid names are refused by the API
// server; an unsafe sysctl the kubelet does not allow fails the pod with SysctlForbidden.

import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";
import { podLogs } from "../../test/support/podlogs.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
const testPod = (name: string, sysctls: { name: string; value: string }[], command: string[], extra: Record<string, unknown> = {}) => ({
  apiVersion: "v1", kind: "Pod", metadata: { name },
  spec: { ...extra, securityContext: { sysctls }, restartPolicy: "Never", containers: [{ name: "test-container", image: "registry.k8s.io/e2e-test-images/busybox:1.37.0-1", command }] },
});

describe("Sysctls [LinuxOnly] [NodeConformance]", () => {
  it("should support sysctls: kernel.shm_rmid_forced=1 is what /bin/sysctl prints, and the pod Succeeds", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    await c.settle();
    await c.apply(testPod("sysctl-support", [{ name: "kernel.shm_rmid_forced", value: "1" }], ["/bin/sysctl", "kernel.shm_rmid_forced"]));
    await c.settle();
    expect(c.get("Pod", "sysctl-support", "default").status.phase).toBe("Succeeded");
    expect(podLogs(c, "sysctl-support")).toContain("kernel.shm_rmid_forced = 1");
    // no error event (WaitForErrorEventOrSuccess)
    expect(c.events().filter((e: any) => e.involvedObject.name === "sysctl-support" && e.type === "Warning")).toEqual([]);
    await c.stop();
  });

  it("should support sysctls with slashes as separator; /proc/sys shows the pod's values, the kernel's elsewhere, containerd's unprivileged ports and ICMP", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    await c.settle();
    const script = "cat /proc/sys/kernel/shm_rmid_forced /proc/sys/net/ipv4/ip_local_port_range /proc/sys/net/ipv4/tcp_syncookies; sysctl -n net.ipv4.ip_unprivileged_port_start net.ipv4.ping_group_range kernel.msgmax; sysctl net.ipv4.tcp_fin_timeout";
    await c.apply(testPod("sysctl-slashes", [{ name: "kernel/shm_rmid_forced", value: "1" }, { name: "net/ipv4/ip_local_port_range", value: "1024 65535" }, { name: "net.ipv4.tcp_syncookies", value: "0" }], ["sh", "-c", script]));
    await c.settle();
    expect(c.get("Pod", "sysctl-slashes", "default").status.phase).toBe("Succeeded");
    // the kernel prints an integer vector tab-separated, whatever spacing was written
    expect(podLogs(c, "sysctl-slashes")).toEqual(["1", "1024\t65535", "0", "0", "0\t2147483647", "8192", "net.ipv4.tcp_fin_timeout = 60"]);
    await c.stop();
  });

  it("a host-network pod gets no containerd sysctls: the node's unprivileged port start and ping group range", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    await c.settle();
    await c.apply(testPod("sysctl-host", [{ name: "kernel.shm_rmid_forced", value: "1" }], ["sh", "-c", "sysctl -n kernel.shm_rmid_forced net.ipv4.ip_unprivileged_port_start net.ipv4.ping_group_range"], { hostNetwork: true }));
    await c.settle();
    expect(podLogs(c, "sysctl-host")).toEqual(["1", "1024", "1\t0"]);
    await c.stop();
  });

  it("should reject invalid sysctls: the API server names foo- and bar.., not the valid names", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    await c.settle();
    const sysctls = [{ name: "foo-", value: "bar" }, { name: "kernel.shmmax", value: "100000000" }, { name: "safe-and-unsafe", value: "100000000" }, { name: "bar..", value: "42" }];
    const err: any = await c.apply(testPod("sysctl-invalid", sysctls, ["true"])).catch((e) => e);
    expect(err.status.code).toBe(422);
    expect(err.message).toContain('Invalid value: "foo-"');
    expect(err.message).toContain('Invalid value: "bar.."');
    expect(err.message).not.toContain("safe-and-unsafe");
    expect(err.message).not.toContain("kernel.shmmax");
    expect(c.get("Pod", "sysctl-invalid", "default")).toBeUndefined();
    await c.stop();
  });

  it("should not launch unsafe, but not explicitly enabled sysctls on the node: kernel.msgmax fails the pod with SysctlForbidden", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    await c.settle();
    await c.apply(testPod("sysctl-unsafe", [{ name: "kernel.msgmax", value: "10000000000" }], ["true"]));
    await c.settle();
    const st = c.get("Pod", "sysctl-unsafe", "default").status;
    expect([st.phase, st.reason, st.message]).toEqual(["Failed", "SysctlForbidden", 'Pod was rejected: forbidden sysctl: "kernel.msgmax" not allowlisted']);
    expect(podLogs(c, "sysctl-unsafe")).toEqual([]);
    await c.stop();
  });
});
