// The user part of the LinuxContainerSecurityContext the kubelet sends with CreateContainer
// (pkg/kubelet/kuberuntime/security_context.go determineEffectiveSecurityContext).

import type { Container, Pod } from "kubernetes-types/core/v1";
import type { ImageSummary, UserRequest } from "../cri/messages.js";
import { formatPod } from "./events.js";
import { mutant } from "../common/mutation.js";

/**
 * The container's runAsUser and runAsGroup over the pod's (DetermineEffectiveSecurityContext);
 * with no runAsUser, the image's uid (determineEffectiveSecurityContext sets RunAsUser from
 * ImageStatus, so containerd never sees the image's ":group": the gid comes from /etc/passwd, or 0);
 * the supplemental groups are the pod's fsGroup, then its supplementalGroups; the policy is the
 * pod's. Nothing set: undefined, and the runtime runs as root.
 */
export function userRequest(pod: Pod, container: Container, image?: ImageSummary): UserRequest | undefined {
  const psc = pod.spec?.securityContext;
  const csc = container.securityContext;
  const runAsUser = csc?.runAsUser ?? psc?.runAsUser ?? (image?.uid ? image.uid : undefined);
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

/**
 * getImageUser: the image's uid, else its user name; neither set is taken as root (uid 0).
 */
export function imageUser(image: ImageSummary | undefined): { uid?: number; username: string } {
  if (image?.uid !== undefined) return { uid: image.uid, username: "" };
  if (image?.username) return { username: image.username };
  return { uid: 0, username: "" };
}

/**
 * verifyRunAsNonRoot (security_context_others.go) over the image's user as getImageUser gives it
 * (an image with no user is root). The error fails generateContainerConfig (CreateContainerConfigError).
 */
export function verifyRunAsNonRoot(pod: Pod, container: Container, image: ImageSummary | undefined): string | undefined {
  const { uid, username } = imageUser(image);
  return verifyRunAsNonRootFor(pod, container, uid, username);
}

/**
 * verifyRunAsNonRoot itself: with runAsNonRoot, a runAsUser of 0 breaks the policy; without a
 * runAsUser the image's user decides: uid 0 is refused, a uid outside 0..2147483647 is invalid, a
 * name cannot be verified, and no user at all passes.
 */
export function verifyRunAsNonRootFor(pod: Pod, container: Container, uid: number | undefined, username: string): string | undefined {
  const psc = pod.spec?.securityContext;
  const csc = container.securityContext;
  if ((csc?.runAsNonRoot ?? psc?.runAsNonRoot) !== true) return undefined;
  const where = `(pod: "${formatPod(pod)}", container: ${container.name})`;
  const runAsUser = mutant("kubelet.run-as-user-pod-overrides-container") ? psc?.runAsUser ?? csc?.runAsUser : csc?.runAsUser ?? psc?.runAsUser;
  if (runAsUser !== undefined) return runAsUser === 0 ? `container's runAsUser breaks non-root policy ${where}` : undefined;
  if (uid === 0) return `container has runAsNonRoot and image will run as root ${where}`;
  // validation.IsValidUserID
  if (uid !== undefined && (uid < 0 || uid > 2147483647)) return `container has runAsNonRoot and image has an invalid user id: ${uid} ${where}`;
  if (uid === undefined && username.length > 0) return `container has runAsNonRoot and image has non-numeric user (${username}), cannot verify user is non-root ${where}`;
  return undefined;
}
