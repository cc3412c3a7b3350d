// The AppArmor profile a container runs with, as the kubelet hands it to the runtime
// (pkg/security/apparmor GetProfile, kuberuntime's SecurityProfile for the CRI).

import type { Container, Pod } from "kubernetes-types/core/v1";

/** runtime.v1 SecurityProfile: the profile's type, and for Localhost the name of a profile loaded on the node. */
export interface AppArmorSecurityProfile {
  type: "RuntimeDefault" | "Unconfined" | "Localhost";
  localhostRef?: string;
}

const annotationPrefix = "container.apparmor.security.beta.kubernetes.io/";

/**
 * GetProfile: the container's securityContext.appArmorProfile, else the deprecated per-container
 * annotation (a static pod's may not have been synced to the fields), else the pod's; none: the
 * runtime's default.
 */
export function appArmorProfile(pod: Pod, container: Container): AppArmorSecurityProfile | undefined {
  const own = container.securityContext?.appArmorProfile;
  if (own) return securityProfile(own);
  const annotations = pod.metadata?.annotations;
  const value = annotations && Object.hasOwn(annotations, annotationPrefix + container.name) ? annotations[annotationPrefix + container.name]! : undefined;
  if (value === "runtime/default") return { type: "RuntimeDefault" };
  if (value === "unconfined") return { type: "Unconfined" };
  if (value?.startsWith("localhost/")) return { type: "Localhost", localhostRef: value.slice("localhost/".length) };
  const podProfile = pod.spec?.securityContext?.appArmorProfile;
  return podProfile ? securityProfile(podProfile) : undefined;
}

function securityProfile(p: { type: string; localhostProfile?: string }): AppArmorSecurityProfile | undefined {
  if (p.type === "Localhost") return { type: "Localhost", localhostRef: p.localhostProfile ?? "" };
  if (p.type === "RuntimeDefault" || p.type === "Unconfined") return { type: p.type };
  return undefined;
}
