// The RuntimeClass admission plugin (plugin/pkg/admission/runtimeclass), for pod creates: a pod
// naming a RuntimeClass that does not exist is refused; the class's overhead becomes the pod's
// spec.overhead and its scheduling constraints are merged into the pod's node selector and
// tolerations (mutating); a pod whose own overhead disagrees with its class's is refused
// (validating).

import { canonicalQuantity } from "../../common/quantity.js";
import { deepEqual } from "../../common/equal.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;

/** The RuntimeClass lister: a class by name, or undefined. */
export type RuntimeClassLookup = (name: string) => Obj | undefined;

const nonEmpty = (m: unknown): m is Record<string, unknown> => m !== null && typeof m === "object" && Object.keys(m).length > 0;

/** equality.Semantic on a ResourceList: the same names, each quantity equal in value (nil and empty alike). */
function sameResources(a: unknown, b: unknown): boolean {
  const x = nonEmpty(a) ? a : {};
  const y = nonEmpty(b) ? b : {};
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  return keys.every((k) => Object.hasOwn(y, k) && canonicalQuantity(x[k] as string) === canonicalQuantity(y[k] as string));
}

const className = (pod: Obj): string | undefined => (typeof pod?.spec?.runtimeClassName === "string" ? pod.spec.runtimeClassName : undefined);

/** isSuperset (pkg/util/tolerations): whether ss tolerates everything t does. */
function isSuperset(ss: Obj, t: Obj): boolean {
  if (deepEqual(t, ss)) return true;
  if (t.key !== ss.key && ((ss.key ?? "") !== "" || ss.operator !== "Exists")) return false;
  if (t.effect !== ss.effect && (ss.effect ?? "") !== "") return false;
  if (ss.effect === "NoExecute" && ss.tolerationSeconds != null) {
    if (t.tolerationSeconds == null || t.tolerationSeconds > ss.tolerationSeconds) return false;
  }
  switch (ss.operator ?? "") {
    case "Equal":
    case "": return t.operator === "Equal" && (t.value ?? "") === (ss.value ?? "");
    case "Exists": return true;
    default: return false;
  }
}

/** MergeTolerations: both lists, a toleration dropped when another (not equal to it) tolerates a superset. */
export function mergeTolerations(first: readonly Obj[], second: readonly Obj[]): Obj[] {
  const all = [...first, ...second];
  const merged: Obj[] = [];
  all.forEach((t, i) => {
    if (merged.some((m) => isSuperset(m, t))) return;
    if (all.slice(i + 1).some((t2) => !deepEqual(t, t2) && isSuperset(t2, t))) return;
    merged.push(t);
  });
  return merged;
}

/**
 * Admit (mutating): the class's overhead and scheduling into the pod. Refusals are left to
 * runtimeClassRefusal, which the API server asks in plugin order; the pod is only changed when
 * that would admit it.
 */
export function admitRuntimeClass(pod: Obj, lookup: RuntimeClassLookup | undefined): void {
  const name = className(pod);
  if (name === undefined || !lookup) return;
  const rc = lookup(name);
  if (rc === undefined || mutationRefusal(pod, rc) !== undefined) return;
  // copies: the pod is written on, the stored class is not
  if (rc.overhead?.podFixed != null) pod.spec.overhead = { ...rc.overhead.podFixed };
  if (rc.scheduling != null) {
    const selector = rc.scheduling.nodeSelector;
    if (nonEmpty(selector)) pod.spec.nodeSelector = { ...(pod.spec.nodeSelector ?? {}), ...selector };
    const tolerations = mergeTolerations(pod.spec.tolerations ?? [], (rc.scheduling.tolerations ?? []).map((t: Obj) => ({ ...t })));
    if (tolerations.length > 0) pod.spec.tolerations = tolerations;
  }
}

/** setOverhead's and setScheduling's refusals, on the pod as it came to the plugin. */
function mutationRefusal(pod: Obj, rc: Obj): string | undefined {
  if (rc.overhead != null && nonEmpty(pod.spec?.overhead) && !sameResources(rc.overhead.podFixed, pod.spec.overhead)) {
    return "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead";
  }
  const selector = rc.scheduling?.nodeSelector;
  const own = pod.spec?.nodeSelector;
  if (nonEmpty(selector) && own != null && !mutant("runtimeclass.selector-conflict-overwritten")) {
    for (const [key, value] of Object.entries(selector)) {
      if (Object.hasOwn(own, key) && own[key] !== value) return `conflict: runtimeClass.scheduling.nodeSelector[${key}] = ${String(value)}; pod.spec.nodeSelector[${key}] = ${String(own[key])}`;
    }
  }
  return undefined;
}

/**
 * The plugin's Forbidden reason for a pod create, or undefined: its class is missing, the class
 * conflicts with the pod (Admit), or the pod sets an overhead its class does not define (Validate).
 */
export function runtimeClassRefusal(pod: Obj, lookup: RuntimeClassLookup | undefined): string | undefined {
  const name = className(pod);
  const rc = name === undefined ? undefined : lookup?.(name);
  if (name !== undefined && rc === undefined) return `pod rejected: RuntimeClass "${name}" not found`;
  if (rc !== undefined) {
    const refused = mutationRefusal(pod, rc);
    if (refused !== undefined) return refused;
  }
  if ((rc === undefined || rc.overhead == null) && pod.spec?.overhead != null) return "pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead";
  return undefined;
}
