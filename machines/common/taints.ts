// Taints and tolerations (k8s.io/component-helpers/scheduling/corev1, pkg/apis/core/v1/helper):
// shared by the scheduler's TaintToleration plugin and the DaemonSet controller's predicates.

import type { Taint, Toleration } from "kubernetes-types/core/v1";
import { mutant } from "./mutation.js";

/** Toleration.ToleratesTaint: effect and key must match when set; Equal compares values, Exists matches any. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  // the mutant compares an empty key too: Exists without a key no longer tolerates every taint
  if ((t.key || mutant("scheduler.exists-empty-key-tolerates-nothing")) && t.key !== taint.key) return false;
  const op = t.operator ?? "";
  if (op === "" || op === "Equal") return (t.value ?? "") === (taint.value ?? "") || mutant("scheduler.toleration-equal-ignores-value");
  return op === "Exists";
}

/** True when any toleration tolerates the taint. */
export function tolerationsTolerateTaint(tolerations: Toleration[] | undefined, taint: Taint): boolean {
  if (tolerations == null) return false;
  for (const t of tolerations) if (toleratesTaint(t, taint)) return true;
  return false;
}

/** The first taint passing the filter that no toleration tolerates (FindMatchingUntoleratedTaint). */
export function findMatchingUntoleratedTaint(taints: Taint[] | undefined, tolerations: Toleration[] | undefined, filter: (t: Taint) => boolean): Taint | undefined {
  // Most nodes have no taints: no empty array to allocate for them.
  if (taints == null) return undefined;
  for (const taint of taints) if (filter(taint) && !tolerationsTolerateTaint(tolerations, taint)) return taint;
  return undefined;
}
