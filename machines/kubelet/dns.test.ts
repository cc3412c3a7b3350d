// The kubelet's DNS configurer (pkg/kubelet/network/dns getPodDNSType): which resolver a pod gets for
// each dnsPolicy. Docs (concepts/services-networking/dns-pod-service, "Pod's DNS Policy"): a pod in the
// host's network with ClusterFirst falls back to the Default policy (the node's resolver); only
// ClusterFirstWithHostNet gives it the cluster's DNS.

import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import { clusterDNS } from "../cri/messages.js";
import { podDNSConfig, type DNSConfig } from "./dns.js";

const node: DNSConfig = { servers: ["192.0.2.53"], searches: ["corp.example"], options: ["rotate"] };
const pod = (spec: Partial<NonNullable<Pod["spec"]>>): Pod => ({ metadata: { name: "p", namespace: "team" }, spec: { containers: [{ name: "c", image: "nginx" }], ...spec } });

describe("podDNSConfig: the resolver each dnsPolicy gives", () => {
  const rows: Array<[string, Pod, "cluster" | "node" | "none"]> = [
    ["ClusterFirst (the default) uses the cluster's DNS", pod({}), "cluster"],
    ["ClusterFirst in the host's network falls back to the node's resolver", pod({ hostNetwork: true, dnsPolicy: "ClusterFirst" }), "node"],
    ["an unset policy in the host's network is ClusterFirst, so the node's resolver too", pod({ hostNetwork: true }), "node"],
    ["ClusterFirstWithHostNet in the host's network uses the cluster's DNS", pod({ hostNetwork: true, dnsPolicy: "ClusterFirstWithHostNet" }), "cluster"],
    ["Default uses the node's resolver", pod({ dnsPolicy: "Default" }), "node"],
    ["None starts from nothing", pod({ dnsPolicy: "None", dnsConfig: { nameservers: ["1.1.1.1"] } }), "none"],
  ];
  it.each(rows)("%s", (_name, p, want) => {
    const got = podDNSConfig(p, node);
    if (want === "cluster") expect(got).toEqual({ servers: [clusterDNS], searches: ["team.svc.cluster.local", "svc.cluster.local", "cluster.local", "corp.example"], options: ["ndots:5"] });
    else if (want === "node") expect(got).toEqual(node);
    else expect(got).toEqual({ servers: ["1.1.1.1"], searches: [], options: [] });
  });
});
