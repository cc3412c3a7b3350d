// The seccomp profile a container runs with, as the kubelet hands it to the runtime
// (pkg/kubelet/kuberuntime/helpers.go getSeccompProfile and fieldSeccompProfile).

import type { Container, Pod, SeccompProfile } from "kubernetes-types/core/v1";
import { mutant } from "../common/mutation.js";

/** runtime.v1 SecurityProfile for seccomp: for Localhost, the profile file's path on the node. */
export interface SeccompSecurityProfile {
  type: "RuntimeDefault" | "Unconfined" | "Localhost";
  localhostRef?: string;
}

/** The kubelet's seccompProfileRoot: filepath.Join(rootDirectory, "seccomp"), rootDirectory /var/lib/kubelet. */
export const seccompProfileRoot = "/var/lib/kubelet/seccomp";

/**
 * getSeccompProfile: the container's field, else the pod's; neither: Unconfined (the kubelet's
 * seccompDefault is false by default). The deprecated annotations are not read since v1.27.
 */
export function seccompProfile(pod: Pod, container: Container): SeccompSecurityProfile {
  // the mutant lets the pod's profile win over the container's own
  const field = mutant("kubelet.seccomp-pod-profile-wins") ? pod.spec?.securityContext?.seccompProfile ?? container.securityContext?.seccompProfile : container.securityContext?.seccompProfile ?? pod.spec?.securityContext?.seccompProfile;
  return field ? fieldProfile(field) : { type: "Unconfined" };
}

/** fieldSeccompProfile: a Localhost profile is filepath.Join(seccompProfileRoot, localhostProfile). */
function fieldProfile(p: SeccompProfile): SeccompSecurityProfile {
  if (p.type === "RuntimeDefault") return { type: "RuntimeDefault" };
  if (p.type === "Localhost") return { type: "Localhost", localhostRef: joinPath(seccompProfileRoot, p.localhostProfile ?? "") };
  return { type: "Unconfined" };
}

/** Go's filepath.Join on Linux: the parts joined by "/" and cleaned (., .., repeated slashes). */
function joinPath(root: string, rel: string): string {
  const out: string[] = [];
  for (const part of `${root}/${rel}`.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return `/${out.join("/")}`;
}
