import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import { hostnameEnv, nodenameForKernelError } from "./containerfiles.js";

const pod = (name: string, spec: Pod["spec"] & object): Pod => ({ metadata: { name, namespace: "default" }, spec: { containers: [], ...spec } });

// pkg/kubelet/util GetNodenameForKernel: the FQDN is the kernel hostname only with setHostnameAsFQDN
// and a subdomain, and it must fit struct utsname's 64-character nodename
describe("the kernel hostname of a pod (GetNodenameForKernel)", () => {
  it("a FQDN of 64 characters fits: the hostname is the FQDN", () => {
    // 22 + "." + 15 + ".default.svc.cluster.local" (26) = 64
    const p = pod("p", { hostname: "h".repeat(22), subdomain: "s".repeat(15), setHostnameAsFQDN: true });
    expect(hostnameEnv(p)).toHaveLength(64);
    expect(nodenameForKernelError(p)).toBeUndefined();
  });
  it("a longer FQDN is generatePodSandboxConfig's error, word for word", () => {
    const p = pod("p", { hostname: "h".repeat(22), subdomain: "s".repeat(16), setHostnameAsFQDN: true });
    expect(nodenameForKernelError(p)).toBe(`failed to construct FQDN from pod hostname and cluster domain, FQDN ${"h".repeat(22)}.${"s".repeat(16)}.default.svc.cluster.local is too long (64 characters is the max, 65 characters requested)`);
  });
  it("without setHostnameAsFQDN, or without a subdomain, the short hostname is used whatever the FQDN's length", () => {
    expect(nodenameForKernelError(pod("p", { hostname: "h".repeat(40), subdomain: "s".repeat(40) }))).toBeUndefined();
    expect(nodenameForKernelError(pod("x".repeat(63), { setHostnameAsFQDN: true }))).toBeUndefined();
  });
});

// concepts/workloads/pods/pod-hostname (hostnameOverride): the kubelet sets both the hostname and the FQDN to it
describe("hostnameOverride", () => {
  it("is the pod's hostname whatever its name, hostname and subdomain, with no domain", () => {
    const p = pod("busybox-2-busybox-example-domain", { hostnameOverride: "busybox-2.busybox.example.domain", hostname: "h", subdomain: "s" } as never);
    expect(hostnameEnv(p)).toBe("busybox-2.busybox.example.domain");
  });
});
