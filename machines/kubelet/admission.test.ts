// The kubelet's sysctl admit handler (pkg/kubelet/sysctl/allowlist.go) and component-helpers'
// NormalizeName, in the manner of their tests (allowlist_test.go, TestNormalizeName).

import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import { admitPod, normalizeSysctlName } from "./admission.js";

const pod = (sysctls: string[], extra: Record<string, unknown> = {}): Pod => ({
  metadata: { name: "p", namespace: "default", uid: "u" },
  spec: { ...extra, securityContext: { sysctls: sysctls.map((name) => ({ name, value: "1" })) }, containers: [{ name: "c", image: "busybox" }] },
});

describe("normalizeSysctlName (NormalizeName)", () => {
  it.each([
    ["a.b.c", "a.b.c"],
    ["a/b/c", "a.b.c"],
    ["net.ipv4.conf.eno2/100.rp_filter", "net.ipv4.conf.eno2/100.rp_filter"],
    ["net/ipv4/conf/eno2.100/rp_filter", "net.ipv4.conf.eno2/100.rp_filter"],
    ["", ""],
  ])("%s -> %s", (name, want) => expect(normalizeSysctlName(name)).toBe(want));
});

describe("the sysctl allowlist's Admit", () => {
  it("admits a pod without sysctls and one with safe sysctls only (slash-separated names normalized)", () => {
    expect(admitPod(pod([]))).toBeUndefined();
    expect(admitPod(pod(["kernel.shm_rmid_forced", "net/ipv4/ip_local_port_range", "net.ipv4.tcp_rmem"]))).toBeUndefined();
  });
  it("rejects at the first sysctl off the allowlist, naming it as %q", () => {
    expect(admitPod(pod(["kernel.shm_rmid_forced", "net.core.somaxconn", "kernel.msgmax"]))).toEqual({ reason: "SysctlForbidden", message: 'forbidden sysctl: "net.core.somaxconn" not allowlisted' });
  });
  it("rejects a namespaced sysctl of a namespace the pod shares with the host (IPC, Net)", () => {
    expect(admitPod(pod(["kernel.shm_rmid_forced"], { hostIPC: true }))).toEqual({ reason: "SysctlForbidden", message: 'forbidden sysctl: "kernel.shm_rmid_forced" not allowed with host IPC enabled' });
    expect(admitPod(pod(["net.ipv4.tcp_syncookies"], { hostNetwork: true }))).toEqual({ reason: "SysctlForbidden", message: 'forbidden sysctl: "net.ipv4.tcp_syncookies" not allowed with host Net enabled' });
  });
});
