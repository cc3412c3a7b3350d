// nodes/<name>/proxy: kube-apiserver's node ResourceLocation (pkg/registry/core/node/strategy.go)
// sends the request to the node's preferred address at the kubelet's port (10250, or the node's
// daemonEndpoints; machines/apiserver/nodelocation.ts), and the kubelet listening there answers it. Here the answer is rendered by machines/kubelet/server.ts from what the
// node's kubelet and runtime hold: the pods bound to it and its runtime's containers, read from
// the runtime's state (never changed).

import type { Status } from "kubernetes-types/meta/v1";
import type { Cluster } from "../cluster.js";
import { listContainers, listSandboxes, nodeVarLog, type CriContext } from "../../machines/cri/cri.logic.js";
import { containerSamples } from "../../machines/cri/stats.js";
import { kubeletServe, type KubeletAnswer } from "../../machines/kubelet/server.js";
import { resourceFor } from "../../machines/apiserver/resources.js";
import * as S from "../../machines/apiserver/status.js";
import { defaultKubeletPort, nodeProxyLocation } from "../../machines/apiserver/nodelocation.js";
import { splitSchemeNamePort } from "./proxy.js";
import { parseIPSloppy } from "../../machines/common/ip.js";
import { nodeResolvConf } from "../../machines/kubelet/dns.js";

/** The running kubelets by node name, with the address of their machine. */
function kubelets(cluster: Cluster): Array<{ name: string; hostIP: string | undefined }> {
  const out: Array<{ name: string; hostIP: string | undefined }> = [];
  for (const n of cluster.list("Node")) {
    const name = n.metadata?.name;
    if (typeof name !== "string" || !cluster.runtime.has(`kubelet/${name}`)) continue;
    out.push({ name, hostIP: (cluster.runtime.snapshot(`kubelet/${name}`)?.context as { hostIP?: string } | undefined)?.hostIP });
  }
  return out;
}

/**
 * The API server's dial to host:port: the node whose kubelet listens there, or net's error text. An
 * IP literal is dialled as it is; a name is looked up first, and only the cluster's machines have
 * names (kind's Docker network resolves its containers), asked of the node's resolver.
 */
export function dialKubelet(cluster: Cluster, host: string, port: string): { node: string; cri: CriContext } | { error: string } {
  const running = kubelets(cluster);
  const literal = parseIPSloppy(host) !== undefined;
  const ip = literal ? host : running.find((k) => k.name === host)?.hostIP;
  if (ip === undefined) return { error: `dial tcp: lookup ${host} on ${nodeResolvConf.servers[0]}:53: no such host` };
  // the dial reaches whichever kubelet listens at the address, on its one port; a node whose runtime is gone has no kubelet either
  const at = port === String(defaultKubeletPort) ? running.find((k) => k.hostIP === ip)?.name : undefined;
  const cri = at === undefined ? undefined : (cluster.runtime.snapshot(`cri/${at}`)?.context as CriContext | undefined);
  if (at === undefined || cri === undefined) return { error: `dial tcp ${ip.includes(":") ? `[${ip}]` : ip}:${port}: connect: connection refused` };
  return { node: at, cri };
}

function serviceUnavailable(message: string): Status {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "ServiceUnavailable", code: 503 };
}

/** One request to a node's kubelet through the API server; the caller authorized the method's verb on nodes/proxy. */
export function nodeProxyRequest(cluster: Cluster, id: string, method: string, path: string, redirect?: string): KubeletAnswer | { error: Status } | { redirect: string } {
  const parts = splitSchemeNamePort(id);
  if (parts === undefined) return { error: S.badRequest(`invalid node request "${id}"`) };
  const node = cluster.get("Node", parts.name);
  if (node === undefined) return { error: S.notFound(resourceFor("", "nodes")!, parts.name) };
  const location = nodeProxyLocation(node, parts.port);
  if ("error" in location) return location;
  // the proxy handler redirects a root path before it dials
  if (redirect !== undefined) return { redirect };
  const dialled = dialKubelet(cluster, location.host, location.port);
  // the proxy's error responder: "error trying to reach service: " and the dial's error
  if ("error" in dialled) return { error: serviceUnavailable(`error trying to reach service: ${dialled.error}`) };
  const { node: at, cri } = dialled;
  const now = cluster.now();
  const served = cluster.get("Node", at) ?? node;
  const pods = cluster.list("Pod").filter((p) => p.spec?.nodeName === at);
  const clusterDNS = (cluster.runtime.snapshot(`kubelet/${at}`)?.context as { clusterDNS?: string } | undefined)?.clusterDNS;
  return kubeletServe(method, path, { node: at, nodeObj: served, ...(clusterDNS !== undefined ? { clusterDNS } : {}), now, samples: containerSamples(cri, now), pods, varLog: nodeVarLog(cri), sandboxes: listSandboxes(cri), containers: listContainers(cri) });
}
