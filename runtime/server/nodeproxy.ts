// nodes/<name>/proxy: kube-apiserver's node ResourceLocation (pkg/registry/core/node/strategy.go)
// sends the request to the kubelet's port (10250, the node's daemonEndpoints), and the kubelet's
// server answers it. Here the answer is rendered by machines/kubelet/server.ts from what the
// node's kubelet and runtime hold: the pods bound to it and its runtime's containers, read from
// the runtime's state (never changed).

import type { Status } from "kubernetes-types/meta/v1";
import type { Cluster } from "../cluster.js";
import { nodeVarLog, type CriContext } from "../../machines/cri/cri.logic.js";
import { containerSamples } from "../../machines/cri/stats.js";
import { kubeletServe, type KubeletAnswer } from "../../machines/kubelet/server.js";
import { resourceFor } from "../../machines/apiserver/resources.js";
import * as S from "../../machines/apiserver/status.js";
import { splitSchemeNamePort } from "./proxy.js";

const kubeletPort = 10250;

function serviceUnavailable(message: string): Status {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "ServiceUnavailable", code: 503 };
}

/** One request to a node's kubelet through the API server; the caller authorized the method's verb on nodes/proxy. */
export function nodeProxyRequest(cluster: Cluster, id: string, method: string, path: string): KubeletAnswer | { error: Status } {
  const parts = splitSchemeNamePort(id);
  if (parts === undefined) return { error: S.badRequest(`invalid node request "${id}"`) };
  const node = cluster.get("Node", parts.name);
  if (node === undefined) return { error: S.notFound(resourceFor("", "nodes")!, parts.name) };
  const ip = (node.status?.addresses ?? []).find((a: any) => a?.type === "InternalIP")?.address ?? parts.name;
  const port = parts.port === "" ? String(node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? kubeletPort) : parts.port;
  const cri = cluster.runtime.snapshot(`cri/${parts.name}`)?.context as CriContext | undefined;
  // only the kubelet listens, on its one port; a node whose runtime is gone has no kubelet either
  if (port !== String(kubeletPort) || cri === undefined || !cluster.runtime.has(`kubelet/${parts.name}`)) {
    return { error: serviceUnavailable(`error trying to reach service: dial tcp ${ip}:${port}: connect: connection refused`) };
  }
  const now = cluster.now();
  const pods = cluster.list("Pod").filter((p) => p.spec?.nodeName === parts.name);
  return kubeletServe(method, path, { node: parts.name, nodeObj: node, now, samples: containerSamples(cri, now), pods, varLog: nodeVarLog(cri) });
}
