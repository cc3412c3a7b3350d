// The AppArmor profile a container runs with, as the kubelet hands it to the runtime
// (pkg/security/apparmor GetProfile, kuberuntime's SecurityProfile for the CRI).

import type { Container, Pod } from "kubernetes-types/core/v1";
import { mutant } from "../common/mutation.js";

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
  const annotations = pod.metadata?.annotations;
  // the mutant lets the deprecated annotation win over the container's field
  if (own && !(mutant("kubelet.apparmor-annotation-over-field") && annotations && Object.hasOwn(annotations, annotationPrefix + container.name))) return securityProfile(own);
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
