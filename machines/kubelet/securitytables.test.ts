// pkg/kubelet/kuberuntime security_context_others_test.go TestVerifyRunAsNonRoot (the stored copy of the v1.3x
// line, row by row, on verifyRunAsNonRootFor: the Go function takes the image's uid and user name as getImageUser
// gives them) and helpers_test.go TestGetSeccompProfile (the stored copy beside the helpers.go that refuses a
// Localhost profile without a file name; its two rows expecting that error are left out: the API refuses such a
// profile and podflow's seccompProfile has no error result). The seccomp rows' localhostRef is
// filepath.Join(seccompProfileRoot, name) with the kubelet's root, as seccompLocalhostRef joins the test's.

import { describe, expect, it } from "vitest";
import type { Pod, PodSecurityContext, SecurityContext } from "kubernetes-types/core/v1";
import { verifyRunAsNonRootFor } from "./securitycontext.js";
import { seccompProfile, seccompProfileRoot } from "./seccomp.js";

describe("TestVerifyRunAsNonRoot", () => {
  const podWith = (sc: SecurityContext | undefined): Pod => ({
    metadata: { uid: "12345678", name: "bar", namespace: "new" },
    spec: { containers: [{ name: "foo", image: "busybox", imagePullPolicy: "IfNotPresent", command: ["testCommand"], workingDir: "testWorkingDir", ...(sc ? { securityContext: sc } : {}) }] },
  });
  const rows: [string, SecurityContext | undefined, number | undefined, string, boolean][] = [
    ["Pass if SecurityContext is not set", undefined, 0, "", false],
    ["Pass if RunAsUser is non-root and RunAsNonRoot is true", { runAsNonRoot: true, runAsUser: 1000 }, undefined, "", false],
    ["Pass if RunAsNonRoot is not set", { runAsUser: 0 }, 0, "", false],
    ["Pass if RunAsNonRoot is false (image user is root)", { runAsNonRoot: false }, 0, "", false],
    ["Pass if RunAsNonRoot is false (RunAsUser is root)", { runAsNonRoot: false, runAsUser: 0 }, 0, "", false],
    ["Fail if container's RunAsUser is root and RunAsNonRoot is true", { runAsNonRoot: true, runAsUser: 0 }, 0, "", true],
    ["Fail if image's user is root and RunAsNonRoot is true", { runAsNonRoot: true }, 0, "", true],
    ["Fail if image's username is set and RunAsNonRoot is true", { runAsNonRoot: true }, undefined, "test", true],
    ["Pass if image's user is non-root and RunAsNonRoot is true", { runAsNonRoot: true }, 1000, "", false],
    ["Pass if container's user and image's user aren't set and RunAsNonRoot is true", { runAsNonRoot: true }, undefined, "", false],
    ["Fail if image's user is invalid and RunAsNonRoot is true", { runAsNonRoot: true }, 2147483648, "", true],
    ["Fail if image's user is negative and RunAsNonRoot is true", { runAsNonRoot: true }, -1000, "", true],
    ["Pass if image's user is math.MaxInt32 and RunAsNonRoot is true", { runAsNonRoot: true }, 2147483647, "", false],
  ];
  it.each(rows)("%s", (_desc, sc, uid, username, fail) => {
    const pod = podWith(sc);
    expect(verifyRunAsNonRootFor(pod, pod.spec!.containers[0]!, uid, username) !== undefined).toBe(fail);
  });
});

describe("TestGetSeccompProfile (seccompDefault off)", () => {
  const unconfined = { type: "Unconfined" };
  const runtimeDefault = { type: "RuntimeDefault" };
  const localhost = (name: string) => ({ type: "Localhost", localhostRef: `${seccompProfileRoot}/${name}` });
  const rows: [string, PodSecurityContext | undefined, SecurityContext | undefined, object][] = [
    ["no seccomp should return unconfined", undefined, undefined, unconfined],
    ["pod seccomp profile set to unconfined returns unconfined", { seccompProfile: { type: "Unconfined" } }, undefined, unconfined],
    ["container seccomp profile set to unconfined returns unconfined", undefined, { seccompProfile: { type: "Unconfined" } }, unconfined],
    ["pod seccomp profile set to SeccompProfileTypeRuntimeDefault returns runtime/default", { seccompProfile: { type: "RuntimeDefault" } }, undefined, runtimeDefault],
    ["container seccomp profile set to SeccompProfileTypeRuntimeDefault returns runtime/default", undefined, { seccompProfile: { type: "RuntimeDefault" } }, runtimeDefault],
    ["pod seccomp profile set to SeccompProfileTypeLocalhost returns 'localhost/' + LocalhostProfile", { seccompProfile: { type: "Localhost", localhostProfile: "filename" } }, undefined, localhost("filename")],
    ["container seccomp profile set to SeccompProfileTypeLocalhost returns 'localhost/' + LocalhostProfile", undefined, { seccompProfile: { type: "Localhost", localhostProfile: "filename2" } }, localhost("filename2")],
    ["prioritise container field over pod field", { seccompProfile: { type: "Unconfined" } }, { seccompProfile: { type: "RuntimeDefault" } }, runtimeDefault],
    ["prioritise container field over pod field (Localhost)", { seccompProfile: { type: "Localhost", localhostProfile: "field-pod-profile.json" } },
      { seccompProfile: { type: "Localhost", localhostProfile: "field-cont-profile.json" } }, localhost("field-cont-profile.json")],
  ];
  it.each(rows)("%s", (_desc, podSc, containerSc, expected) => {
    const pod: Pod = { spec: { ...(podSc ? { securityContext: podSc } : {}), containers: [{ name: "container1", ...(containerSc ? { securityContext: containerSc } : {}) }] } };
    expect(seccompProfile(pod, pod.spec!.containers[0]!)).toEqual(expected);
  });
});
