// nodes/<name>/proxy: kube-apiserver's node ResourceLocation (pkg/registry/core/node/strategy.go)
// sends the request to the node's preferred address at the kubelet's port (10250, or the node's
// daemonEndpoints; machines/apiserver/nodelocation.ts), and the kubelet listening there answers it. Here the answer is rendered by machines/kubelet/server.ts from what the
// node's kubelet and runtime hold: the pods bound to it and its runtime's containers, read from
// the runtime's state (never changed).

import type { Status } from "kubernetes-types/meta/v1";
import type { Cluster } from "../cluster.js";
import { nodeVarLog, type CriContext } from "../../machines/cri/cri.logic.js";
import { containerSamples } from "../../machines/cri/stats.js";
import { kubeletServe, type KubeletAnswer } from "../../machines/kubelet/server.js";
import { resourceFor } from "../../machines/apiserver/resources.js";
import * as S from "../../machines/apiserver/status.js";
import { defaultKubeletPort, nodeProxyLocation } from "../../machines/apiserver/nodelocation.js";
import { splitSchemeNamePort } from "./proxy.js";

/** The node whose kubelet listens at host (its machine's address): the one the API server's dial reaches. */
function kubeletAt(cluster: Cluster, host: string): string | undefined {
  for (const n of cluster.list("Node")) {
    const name = n.metadata?.name;
    if (typeof name !== "string" || !cluster.runtime.has(`kubelet/${name}`)) continue;
    if ((cluster.runtime.snapshot(`kubelet/${name}`)?.context as { hostIP?: string } | undefined)?.hostIP === host) return name;
  }
  return undefined;
}

function serviceUnavailable(message: string): Status {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "ServiceUnavailable", code: 503 };
}

/** One request to a node's kubelet through the API server; the caller authorized the method's verb on nodes/proxy. */
export function nodeProxyRequest(cluster: Cluster, id: string, method: string, path: string): KubeletAnswer | { error: Status } {
  const parts = splitSchemeNamePort(id);
  if (parts === undefined) return { error: S.badRequest(`invalid node request "${id}"`) };
  const node = cluster.get("Node", parts.name);
  if (node === undefined) return { error: S.notFound(resourceFor("", "nodes")!, parts.name) };
  const location = nodeProxyLocation(node, parts.port);
  if ("error" in location) return location;
  const { host, port } = location;
  // the dial reaches whichever kubelet listens at the address, on its one port; a node whose runtime is gone has no kubelet either
  const at = port === String(defaultKubeletPort) ? kubeletAt(cluster, host) : undefined;
  const cri = at === undefined ? undefined : (cluster.runtime.snapshot(`cri/${at}`)?.context as CriContext | undefined);
  if (at === undefined || cri === undefined) {
    return { error: serviceUnavailable(`error trying to reach service: dial tcp ${host.includes(":") ? `[${host}]` : host}:${port}: connect: connection refused`) };
  }
  const now = cluster.now();
  const served = cluster.get("Node", at) ?? node;
  const pods = cluster.list("Pod").filter((p) => p.spec?.nodeName === at);
  return kubeletServe(method, path, { node: at, nodeObj: served, now, samples: containerSamples(cri, now), pods, varLog: nodeVarLog(cri) });
}
