// makeMounts' subPath handling (pkg/kubelet/kubelet_pods.go) for the container the kubelet is about
// to create: a subPathExpr is expanded with the container's environment, `$(VAR)` only
// (kubecontainer.ExpandContainerVolumeMounts: every variable it names must have a non-empty
// value); the subPath that results, or a plain one, must be relative and never step out with
// "..". The container gets its mounts with the subPath written out, for the runtime to mount.

import type { Container, VolumeMount } from "kubernetes-types/core/v1";
import { expand } from "./expansion.js";
import { mutant } from "../common/mutation.js";

/** ExpandContainerVolumeMounts: the expanded subPathExpr, or "missing value for A, B" (sorted, as sets.List gives them). */
export function expandSubPathExpr(expr: string, env: Readonly<Record<string, string>>): { subPath: string } | { error: string } {
  const missing = new Set<string>();
  const subPath = expand(expr, (key) => {
    const value = Object.hasOwn(env, key) ? env[key]! : "";
    if (value === "") missing.add(key);
    return value;
  });
  if (missing.size > 0) return { error: `missing value for ${[...missing].sort().join(", ")}` };
  return { subPath };
}

/** The checks makeMounts makes of a subPath before it provisions it on the node. */
function checkSubPath(subPath: string): string | undefined {
  if (subPath.startsWith("/")) return `error SubPath \`${subPath}\` must not be an absolute path`;
  // volumevalidation.ValidatePathNoBacksteps
  if (mutant("kubelet.subpath-backstep-allowed") ? subPath.startsWith("..") : subPath.split("/").includes("..")) return `unable to provision SubPath \`${subPath}\`: must not contain '..'`;
  return undefined;
}

/**
 * The container with each mount's subPathExpr expanded into subPath, or the error that keeps it
 * from being created (CreateContainerConfigError with that message, as generateContainerConfig
 * fails). A container without subPathExpr is returned as it is.
 */
export function resolveSubPaths(spec: Container, env: Readonly<Record<string, string>>): { container: Container } | { error: string } {
  const mounts = spec.volumeMounts;
  if (!mounts?.some((m) => m.subPathExpr || m.subPath)) return { container: spec };
  const out: VolumeMount[] = [];
  for (const m of mounts) {
    let subPath = m.subPath ?? "";
    if (m.subPathExpr) {
      const r = expandSubPathExpr(m.subPathExpr, env);
      if ("error" in r) return { error: r.error };
      subPath = r.subPath;
    }
    if (subPath !== "") {
      const bad = checkSubPath(subPath);
      if (bad) return { error: bad };
    }
    const { subPathExpr: _expr, ...rest } = m;
    out.push(subPath !== "" ? { ...rest, subPath } : rest);
  }
  return { container: { ...spec, volumeMounts: out } };
}
