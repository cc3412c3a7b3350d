// The connect subresources of a pod (exec, attach, portforward): kube-apiserver answers them by
// locating the kubelet that runs the pod (pkg/registry/core/pod/strategy.go streamLocation,
// PortForwardLocation) and proxying the upgraded stream there. Here the location is the answer;
// the HTTP front end carries the stream to the node.

import type { Pod } from "kubernetes-types/core/v1";
import type { Status } from "kubernetes-types/meta/v1";
import type { ResourceInfo } from "./resources.js";
import * as S from "./status.js";
import { resourceFor } from "./resources.js";
import { kubeletConnection } from "./nodelocation.js";

/** The subresources served by Connect (GET and POST only; both need `create` on them). */
export const connectSubresources: ReadonlySet<string> = new Set(["exec", "attach", "portforward"]);

/** Where a stream of a pod goes: the node whose kubelet serves it, the pod and (exec, attach) the container. */
export interface StreamLocation {
  kind: "StreamLocation";
  node: string;
  /** the kubelet the API server dials: the Node's preferred address and the kubelet's port (GetConnectionInfo) */
  host: string;
  port: string;
  podNamespace: string;
  podName: string;
  podUID: string;
  container?: string;
}

/** True when a request is a connect (its stream goes to a kubelet). */
export function isConnect(req: { subresource?: string | undefined }): boolean {
  return req.subresource !== undefined && connectSubresources.has(req.subresource);
}

function containerNames(cs: readonly { name: string }[] | undefined): string {
  return (cs ?? []).map((c) => c.name).join(" ");
}

/**
 * streamLocation (exec, attach) and PortForwardLocation: a named container must exist; without a
 * name a pod with one container gets it, others need one named; the pod must be bound to a node,
 * and that Node must have an address the API server prefers.
 */
export function streamLocation(r: ResourceInfo, pod: Pod | undefined, name: string, subresource: string, container: string | undefined, nodeNamed: (name: string) => unknown): StreamLocation | Status {
  if (!pod) return S.notFound(r, name);
  let picked: string | undefined;
  if (subresource !== "portforward") {
    const containers = pod.spec?.containers ?? [];
    if (!container) {
      if (containers.length === 1) picked = containers[0]!.name;
      else if (containers.length === 0) return S.badRequest(`a container name must be specified for pod ${name}`);
      else {
        // validateContainer lists every container podutil.VisitContainers visits: init, regular, ephemeral
        const all = [...(pod.spec?.initContainers ?? []), ...containers, ...(pod.spec?.ephemeralContainers ?? [])];
        return S.badRequest(`a container name must be specified for pod ${name}, choose one of: [${containerNames(all)}]`);
      }
    } else {
      const all = [...containers, ...(pod.spec?.initContainers ?? []), ...(pod.spec?.ephemeralContainers ?? [])];
      if (!all.some((c) => c.name === container)) return S.badRequest(`container ${container} is not valid for pod ${name}`);
      picked = container;
    }
  }
  const node = pod.spec?.nodeName;
  if (!node) return S.badRequest(`pod ${name} does not have a host assigned`);
  // NodeConnectionInfoGetter.GetConnectionInfo (pkg/kubelet/client/kubelet_client.go): the Node by
  // its REST Get, then its preferred address and the kubelet's port; their errors are the answer
  const nodeObj = nodeNamed(node);
  if (nodeObj === undefined) return S.notFound(resourceFor("", "nodes")!, node);
  const info = kubeletConnection(nodeObj);
  if ("error" in info) return info.error;
  return {
    kind: "StreamLocation", node, host: info.host, port: info.port, podNamespace: pod.metadata?.namespace ?? "", podName: name, podUID: pod.metadata?.uid ?? "",
    ...(picked !== undefined ? { container: picked } : {}),
  };
}

/** The container option of a connect request's options (PodExecOptions, PodAttachOptions), if any. */
export function containerOption(body: unknown): string | undefined {
  if (body === null || typeof body !== "object" || !Object.hasOwn(body, "container")) return undefined;
  const c = (body as { container?: unknown }).container;
  return typeof c === "string" && c !== "" ? c : undefined;
}
