// The AppArmor profile the kubelet hands the runtime, in the order of
// pkg/security/apparmor/helpers.go GetProfile: the container's securityContext field, then the
// deprecated container annotation (a static pod's may not have been synced to the fields), then the
// pod's securityContext field.

import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import { appArmorProfile } from "./apparmor.js";

const key = "container.apparmor.security.beta.kubernetes.io/c";

describe("the AppArmor profile of a container (GetProfile)", () => {
  it("takes the container's own field over its annotation and the pod's field", () => {
    const pod: Pod = { metadata: { name: "p", annotations: { [key]: "localhost/from-annotation" } }, spec: { securityContext: { appArmorProfile: { type: "RuntimeDefault" } }, containers: [] } };
    expect(appArmorProfile(pod, { name: "c", securityContext: { appArmorProfile: { type: "Unconfined" } } })).toEqual({ type: "Unconfined" });
  });

  it("takes the annotation over the pod's field when the container sets none", () => {
    const pod: Pod = { metadata: { name: "p", annotations: { [key]: "localhost/from-annotation" } }, spec: { securityContext: { appArmorProfile: { type: "RuntimeDefault" } }, containers: [] } };
    expect(appArmorProfile(pod, { name: "c" })).toEqual({ type: "Localhost", localhostRef: "from-annotation" });
  });

  it("takes the pod's field last, and gives none when nothing is set", () => {
    const pod: Pod = { metadata: { name: "p" }, spec: { securityContext: { appArmorProfile: { type: "RuntimeDefault" } }, containers: [] } };
    expect(appArmorProfile(pod, { name: "c" })).toEqual({ type: "RuntimeDefault" });
    expect(appArmorProfile({ metadata: { name: "p" }, spec: { containers: [] } }, { name: "c" })).toBeUndefined();
  });
});
