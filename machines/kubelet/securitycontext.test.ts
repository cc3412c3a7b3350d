// verifyRunAsNonRoot (pkg/kubelet/kuberuntime/security_context_others.go) judges the effective security
// context, securitycontext.DetermineEffectiveSecurityContext: the container's runAsUser overrides the
// pod's, so a container running as uid 1000 passes under a pod whose default is root, and a container
// running as root fails under a pod whose default is not.

import type { Container, Pod } from "kubernetes-types/core/v1";
import { describe, expect, it } from "vitest";
import type { ImageSummary } from "../cri/messages.js";
import { verifyRunAsNonRoot } from "./securitycontext.js";

const image: ImageSummary = { ref: "busybox:1.36", imageID: "sha256:1", id: "sha256:1", sizeBytes: 1, repoTags: ["busybox:1.36"], uid: 0 };

function pod(podUser: number, containerUser: number): { pod: Pod; container: Container } {
  const container: Container = { name: "c", image: "busybox:1.36", securityContext: { runAsUser: containerUser } };
  return { pod: { metadata: { name: "p", namespace: "default", uid: "u" }, spec: { securityContext: { runAsNonRoot: true, runAsUser: podUser }, containers: [container] } }, container };
}

describe("verifyRunAsNonRoot with runAsNonRoot on the pod", () => {
  it("a container's runAsUser 1000 overrides the pod's 0: it may start", () => {
    const { pod: p, container } = pod(0, 1000);
    expect(verifyRunAsNonRoot(p, container, image)).toBeUndefined();
  });

  it("a container's runAsUser 0 overrides the pod's 1000: it breaks the non-root policy", () => {
    const { pod: p, container } = pod(1000, 0);
    expect(verifyRunAsNonRoot(p, container, image)).toBe(`container's runAsUser breaks non-root policy (pod: "p_default(u)", container: c)`);
  });
});
