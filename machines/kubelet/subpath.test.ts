import { describe, expect, it } from "vitest";
import type { Container } from "kubernetes-types/core/v1";
import { expandSubPathExpr, resolveSubPaths } from "./subpath.js";

// Rows from pkg/kubelet/container/helpers_test.go TestExpandVolumeMountsWithSubpath and
// kubelet_pods.go makeMounts' checks: $(VAR) only, every variable non-empty, the result relative
// and without "..".
describe("expandSubPathExpr (kubecontainer.ExpandContainerVolumeMounts)", () => {
  const env = { POD_NAME: "foo", NAMESPACE: "ns1", EMPTY: "" };
  const rows: [string, string, { subPath: string } | { error: string }][] = [
    ["a variable is replaced by its value", "$(POD_NAME)", { subPath: "foo" }],
    ["two references and a literal between them", "$(NAMESPACE)/$(POD_NAME)", { subPath: "ns1/foo" }],
    ["text around a reference is kept", "logs-$(POD_NAME).d", { subPath: "logs-foo.d" }],
    ["shell syntax is not expanded: ${VAR} and $VAR stay", "${POD_NAME}/$POD_NAME", { subPath: "${POD_NAME}/$POD_NAME" }],
    ["$$ escapes a dollar", "$$(POD_NAME)", { subPath: "$(POD_NAME)" }],
    ["an unknown variable fails the expansion", "$(NOPE)", { error: "missing value for NOPE" }],
    ["an empty variable fails it too", "$(EMPTY)/x", { error: "missing value for EMPTY" }],
    ["every missing one is named, sorted", "$(ZED)/$(ALPHA)", { error: "missing value for ALPHA, ZED" }],
  ];
  it.each(rows)("%s", (_n, expr, want) => expect(expandSubPathExpr(expr, env)).toEqual(want));
});

describe("resolveSubPaths (makeMounts)", () => {
  const c = (mounts: Container["volumeMounts"]): Container => ({ name: "c", image: "busybox", volumeMounts: mounts });
  it("writes the expanded subPathExpr as the mount's subPath and leaves other mounts as they are", () => {
    const r = resolveSubPaths(c([{ name: "w", mountPath: "/logs", subPathExpr: "$(POD_NAME)" }, { name: "w", mountPath: "/all" }]), { POD_NAME: "var-expansion-1" });
    expect(r).toEqual({ container: c([{ name: "w", mountPath: "/logs", subPath: "var-expansion-1" }, { name: "w", mountPath: "/all" }]) });
  });
  it("an expansion to an absolute path fails (the conformance test's /tmp)", () => {
    expect(resolveSubPaths(c([{ name: "w", mountPath: "/logs", subPathExpr: "$(POD_NAME)" }]), { POD_NAME: "/tmp" })).toEqual({ error: "error SubPath `/tmp` must not be an absolute path" });
  });
  it("an expansion that steps out of the volume fails (the conformance test's ..)", () => {
    expect(resolveSubPaths(c([{ name: "w", mountPath: "/logs", subPathExpr: "$(POD_NAME)" }]), { POD_NAME: ".." })).toEqual({ error: "unable to provision SubPath `..`: must not contain '..'" });
    expect(resolveSubPaths(c([{ name: "w", mountPath: "/logs", subPathExpr: "a/$(P)/b" }]), { P: ".." })).toEqual({ error: "unable to provision SubPath `a/../b`: must not contain '..'" });
  });
  it("a container without subPaths is returned as it is", () => {
    const spec = c([{ name: "w", mountPath: "/all" }]);
    expect(resolveSubPaths(spec, {})).toEqual({ container: spec });
    expect((resolveSubPaths(spec, {}) as { container: Container }).container).toBe(spec);
  });
});
