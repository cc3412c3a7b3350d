// runtime_state.go: what the kubelet last learned from the runtime's Status (updateRuntimeUp).
// containerd reports NetworkReady=false while its CNI plugin has no config; in a kind cluster
// kindnet writes that config from the node's podCIDR, so a node the IPAM controller gave no CIDR
// never has a ready network: the Ready condition is False, and only hostNetwork pods run.

import { cniNotInitialized } from "../messages.js";
import type { KubeletContext } from "./types.js";

/** NetworkNotReadyErrorMsg (pkg/kubelet/errors.go): syncPod's error and event for a pod that needs the network. */
export const networkNotReadyErrorMsg = "network is not ready";

/**
 * containerd's NetworkReady condition without CNI config (internal/cri/server/status.go), as
 * kubecontainer.RuntimeCondition's String prints it.
 */
const networkNotReadyCondition = `NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: ${cniNotInitialized}`;

/** runtimeState.networkErrors: the error updateRuntimeUp set, or undefined while the runtime's network is ready. */
export function networkErrors(ctx: Pick<KubeletContext, "podCIDR">): string | undefined {
  return ctx.podCIDR === undefined ? `container runtime network not ready: ${networkNotReadyCondition}` : undefined;
}
