// The kubelet's sysctl admit handler (pkg/kubelet/sysctl/allowlist.go) and component-helpers'
// NormalizeName, in the manner of their tests (allowlist_test.go, TestNormalizeName); the predicate
// admit handler (pkg/kubelet/lifecycle/predicate.go) and the requests it sums (resourcehelper.PodRequests).

import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import { admitPredicates, admitSysctls as admitPod, normalizeSysctlName, safeSysctlAllowlist } from "./admission.js";
import { podRequests } from "../common/resourcehelper.js";

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

// TestGetSafeSysctlAllowlist's idea: a sysctl gated on the kernel that namespaced it (pkg/util/kernel)
describe("SafeSysctlAllowlist by kernel version", () => {
  const ungated = ["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start"];
  it.each([
    ["3.15.0", ungated],
    ["3.16", [...ungated, "net.ipv4.ip_local_reserved_ports"]],
    ["4.5.7", [...ungated, "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"]],
    ["4.14.200", [...ungated, "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"]],
    ["6.8.0-1017-gcp", [...ungated, "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"]],
    ["unknown", ungated],
  ])("kernel %s", (release, want) => expect([...safeSysctlAllowlist(release).keys()]).toEqual(want));
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

const node = (extra: Record<string, unknown> = {}): any => ({
  metadata: { name: "n1", labels: { "kubernetes.io/hostname": "n1", disktype: "ssd" } },
  spec: {},
  status: { allocatable: { cpu: "2", memory: "1Gi", pods: "3" } },
  ...extra,
});
const withReq = (name: string, cpu: string, memory?: string, extra: Record<string, unknown> = {}): Pod => ({
  metadata: { name, namespace: "default", uid: name },
  spec: { ...extra, containers: [{ name: "c", image: "busybox", resources: { requests: { cpu, ...(memory ? { memory } : {}) } } }] },
});

describe("podRequests (resourcehelper.PodRequests)", () => {
  it("sums the containers and sidecars, takes the largest init container over them, and adds the overhead", () => {
    const pod: Pod = { spec: {
      initContainers: [
        { name: "side", image: "x", restartPolicy: "Always", resources: { requests: { cpu: "100m" } } },
        { name: "init", image: "x", resources: { requests: { cpu: "1", memory: "64Mi" } } },
      ],
      containers: [{ name: "a", image: "x", resources: { requests: { cpu: "200m", memory: "32Mi" } } }],
      overhead: { cpu: "50m" },
    } };
    // cpu: max(200m + 100m, 1000m + 100m) + 50m; memory: max(32Mi, 64Mi)
    expect(Object.fromEntries(podRequests(pod))).toEqual({ cpu: 1150, memory: 64 * 1024 * 1024 });
  });
  it("takes a pod-level request over the containers' (PodLevelResources), resource by resource", () => {
    const pod = { spec: { resources: { requests: { cpu: "1" } }, containers: [{ name: "a", image: "x", resources: { requests: { cpu: "200m", memory: "32Mi" } } }] } } as Pod;
    expect(Object.fromEntries(podRequests(pod))).toEqual({ cpu: 1000, memory: 32 * 1024 * 1024 });
  });
});

describe("the predicate admit handler's Admit", () => {
  it("admits a pod that fits beside the admitted ones", () => {
    expect(admitPredicates(withReq("p", "500m", "256Mi"), node(), [withReq("a", "1", "512Mi")])).toBeUndefined();
  });
  it("names the first insufficient resource of noderesources.Fits: pods before cpu before memory", () => {
    const three = [withReq("a", "0"), withReq("b", "0"), withReq("c", "0")];
    expect(admitPredicates(withReq("p", "3", "2Gi"), node(), three)).toEqual({ reason: "OutOfpods", message: "Node didn't have enough resource: pods, requested: 1, used: 3, capacity: 3" });
    expect(admitPredicates(withReq("p", "1500m", "2Gi"), node(), [withReq("a", "1")])).toEqual({ reason: "OutOfcpu", message: "Node didn't have enough resource: cpu, requested: 1500, used: 1000, capacity: 2000" });
    expect(admitPredicates(withReq("p", "100m", "2Gi"), node(), [])).toEqual({ reason: "OutOfmemory", message: "Node didn't have enough resource: memory, requested: 2147483648, used: 0, capacity: 1073741824" });
  });
  it("rejects a nodeSelector or required node affinity the node's labels do not match (NodeAffinity)", () => {
    const want = { reason: "NodeAffinity", message: "Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector" };
    expect(admitPredicates(withReq("p", "0", undefined, { nodeSelector: { disktype: "hdd" } }), node(), [])).toEqual(want);
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "Exists" }] }] } } };
    expect(admitPredicates(withReq("p", "0", undefined, { affinity }), node(), [])).toEqual(want);
    expect(admitPredicates(withReq("p", "0", undefined, { nodeSelector: { disktype: "ssd" } }), node(), [])).toBeUndefined();
  });
  it("rejects a host port another admitted pod holds (NodePorts), 0.0.0.0 conflicting with any address", () => {
    const ports = (hostPort: number, hostIP?: string) => ({ containers: [{ name: "c", image: "x", ports: [{ containerPort: 80, hostPort, ...(hostIP ? { hostIP } : {}) }] }] });
    const holder: Pod = { metadata: { name: "h" }, spec: ports(8080) };
    expect(admitPredicates({ metadata: { name: "p" }, spec: ports(8080, "10.0.0.1") }, node(), [holder])).toEqual({ reason: "NodePorts", message: "Predicate NodePorts failed: node(s) didn't have free ports for the requested pod ports" });
    expect(admitPredicates({ metadata: { name: "p" }, spec: ports(8081) }, node(), [holder])).toBeUndefined();
  });
  it("rejects an untolerated NoExecute taint only (TaintToleration); NoSchedule is the scheduler's", () => {
    const tainted = (effect: string) => node({ spec: { taints: [{ key: "k", value: "v", effect }] } });
    expect(admitPredicates(withReq("p", "0"), tainted("NoExecute"), [])).toEqual({ reason: "TaintToleration", message: "Predicate TaintToleration failed: node(s) had untolerated taint(s)" });
    expect(admitPredicates(withReq("p", "0"), tainted("NoSchedule"), [])).toBeUndefined();
    expect(admitPredicates(withReq("p", "0", undefined, { tolerations: [{ key: "k", operator: "Exists" }] }), tainted("NoExecute"), [])).toBeUndefined();
  });
  it("rejects a pod labelled for another OS, or whose spec.os is not linux, before the predicates", () => {
    expect(admitPredicates({ metadata: { name: "p", labels: { "kubernetes.io/os": "windows" } }, spec: { containers: [] } }, node(), [])).toEqual({ reason: "PodOSSelectorNodeLabelDoesNotMatch", message: "Failed to admit pod as the `kubernetes.io/os` label doesn't match node label" });
    expect(admitPredicates({ metadata: { name: "p" }, spec: { os: { name: "windows" }, containers: [] } }, node(), [])).toEqual({ reason: "PodOSNotSupported", message: "Failed to admit pod as the OS field doesn't match node OS" });
  });
});
