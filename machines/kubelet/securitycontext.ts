// The user part of the LinuxContainerSecurityContext the kubelet sends with CreateContainer
// (pkg/kubelet/kuberuntime/security_context.go determineEffectiveSecurityContext).

import type { Container, Pod } from "kubernetes-types/core/v1";
import type { UserRequest } from "../cri/messages.js";

/**
 * The container's runAsUser and runAsGroup over the pod's (DetermineEffectiveSecurityContext);
 * the supplemental groups are the pod's fsGroup, then its supplementalGroups; the policy is the
 * pod's. Nothing set: undefined, and the runtime runs the image's user (root here).
 */
export function userRequest(pod: Pod, container: Container): UserRequest | undefined {
  const psc = pod.spec?.securityContext;
  const csc = container.securityContext;
  const runAsUser = csc?.runAsUser ?? psc?.runAsUser;
  const runAsGroup = csc?.runAsGroup ?? psc?.runAsGroup;
  const groups = [...(psc?.fsGroup !== undefined ? [psc.fsGroup] : []), ...(psc?.supplementalGroups ?? [])];
  // kubernetes-types predates the field
  const policy = (psc as { supplementalGroupsPolicy?: string } | undefined)?.supplementalGroupsPolicy;
  const req: UserRequest = {
    ...(runAsUser !== undefined ? { runAsUser } : {}),
    ...(runAsGroup !== undefined ? { runAsGroup } : {}),
    ...(groups.length > 0 ? { supplementalGroups: groups } : {}),
    ...(policy === "Merge" || policy === "Strict" ? { supplementalGroupsPolicy: policy } : {}),
  };
  return Object.keys(req).length > 0 ? req : undefined;
}
