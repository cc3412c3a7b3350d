// ownerReferences as apimachinery reads them (metav1.GetControllerOf).

import type { OwnerReference } from "kubernetes-types/meta/v1";
import { mutant } from "./mutation.js";

/** The controller ownerReference of an object, if any (metav1.GetControllerOf). */
export function controllerRefOf(obj: { metadata?: { ownerReferences?: OwnerReference[] } }): OwnerReference | undefined {
  const refs = obj.metadata?.ownerReferences;
  if (refs === undefined || refs === null) return undefined;
  // An indexed loop: controllers call this for every pod of every sync.
  for (let i = 0; i < refs.length; i++) if (refs[i]!.controller === true || mutant("owners.controller-ref-first-ref")) return refs[i];
  return undefined;
}
