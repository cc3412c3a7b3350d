// The conformance tests "Sysctls [LinuxOnly] [NodeConformance]" (test/e2e/common/node/sysctl.go) with
// the real kubectl against `podflow serve`: the pod's sysctl is what /bin/sysctl prints in its log,
// invalid names are refused at create, and an unsafe sysctl fails the pod with SysctlForbidden.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

const pod = (name: string, sysctls: [string, string][], command: string[]) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  restartPolicy: Never
  securityContext:
    sysctls:
${sysctls.map(([n, v]) => `    - name: ${n}\n      value: "${v}"`).join("\n")}
  containers:
  - name: test-container
    image: registry.k8s.io/e2e-test-images/busybox:1.37.0-1
    command: ${JSON.stringify(command)}
`;

describe.skipIf(!bin)("podflow serve with the real kubectl: Sysctls [LinuxOnly] [NodeConformance]", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input === undefined ? {} : { input });
  const jsonpath = (args: string[], path: string) => k([...args, "-o", `jsonpath=${path}`]).then((r) => r.out);
  const phase = (name: string, want: string) => until(async () => ((await jsonpath(["get", "pod", name], "{.status.phase}")) === want ? true : undefined), 30_000);

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("should support sysctls: the pod Succeeds and its log has kernel.shm_rmid_forced = 1", async () => {
    expect((await k(["apply", "-f", "-"], pod("sysctl-support", [["kernel.shm_rmid_forced", "1"]], ["/bin/sysctl", "kernel.shm_rmid_forced"]))).code).toBe(0);
    expect(await phase("sysctl-support", "Succeeded")).toBe(true);
    expect((await k(["logs", "sysctl-support"])).out).toBe("kernel.shm_rmid_forced = 1\n");
  });

  it("should support sysctls with slashes as separator: cat of /proc/sys prints the pod's values", async () => {
    expect((await k(["apply", "-f", "-"], pod("sysctl-slashes", [["kernel/shm_rmid_forced", "1"], ["net/ipv4/ip_local_port_range", "1024 65535"]], ["sh", "-c", "cat /proc/sys/kernel/shm_rmid_forced /proc/sys/net/ipv4/ip_local_port_range"]))).code).toBe(0);
    expect(await phase("sysctl-slashes", "Succeeded")).toBe(true);
    expect((await k(["logs", "sysctl-slashes"])).out).toBe("1\n1024\t65535\n");
  });

  it("should reject invalid sysctls: the create fails naming foo- and bar.., nothing stored", async () => {
    const r = await k(["apply", "-f", "-"], pod("sysctl-invalid", [["foo-", "bar"], ["kernel.shmmax", "100000000"], ["safe-and-unsafe", "100000000"], ["bar..", "42"]], ["true"]));
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('Invalid value: "foo-"');
    expect(r.err).toContain('Invalid value: "bar.."');
    expect(r.err).not.toContain("safe-and-unsafe");
    expect(r.err).not.toContain("kernel.shmmax");
    expect((await k(["get", "pod", "sysctl-invalid"])).err).toBe('Error from server (NotFound): pods "sysctl-invalid" not found\n');
  });

  it("should not launch unsafe, but not explicitly enabled sysctls on the node: Failed with SysctlForbidden", async () => {
    expect((await k(["apply", "-f", "-"], pod("sysctl-unsafe", [["kernel.msgmax", "10000000000"]], ["true"]))).code).toBe(0);
    expect(await phase("sysctl-unsafe", "Failed")).toBe(true);
    expect(await jsonpath(["get", "pod", "sysctl-unsafe"], "{.status.reason}|{.status.message}")).toBe('SysctlForbidden|Pod was rejected: forbidden sysctl: "kernel.msgmax" not allowlisted');
  });
});
