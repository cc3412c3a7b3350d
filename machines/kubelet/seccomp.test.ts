// getSeccompProfile (pkg/kubelet/kuberuntime/helpers.go): the container's seccompProfile is applied first,
// the pod's only when the container has none, and neither is Unconfined (seccompDefault off).

import type { Container, Pod } from "kubernetes-types/core/v1";
import { describe, expect, it } from "vitest";
import { seccompProfile } from "./seccomp.js";

const pod = (podProfile?: object): Pod => ({ metadata: { name: "p" }, spec: { containers: [], ...(podProfile ? { securityContext: { seccompProfile: podProfile as never } } : {}) } });
const container = (profile?: unknown): Container => ({ name: "c", ...(profile ? { securityContext: { seccompProfile: profile as never } } : {}) });

describe("getSeccompProfile", () => {
  it("the container's profile wins over the pod's", () => {
    expect(seccompProfile(pod({ type: "RuntimeDefault" }), container({ type: "Unconfined" }))).toEqual({ type: "Unconfined" });
    expect(seccompProfile(pod({ type: "Unconfined" }), container({ type: "Localhost", localhostProfile: "audit.json" }))).toEqual({ type: "Localhost", localhostRef: "/var/lib/kubelet/seccomp/audit.json" });
  });
  it("a container without a profile takes the pod's", () => {
    expect(seccompProfile(pod({ type: "RuntimeDefault" }), container())).toEqual({ type: "RuntimeDefault" });
  });
  it("neither: Unconfined", () => {
    expect(seccompProfile(pod(), container())).toEqual({ type: "Unconfined" });
  });
});
