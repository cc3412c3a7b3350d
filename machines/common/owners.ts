// ownerReferences as apimachinery reads them (metav1.GetControllerOf).

import type { OwnerReference } from "kubernetes-types/meta/v1";

/** The controller ownerReference of an object, if any (metav1.GetControllerOf). */
export function controllerRefOf(obj: { metadata?: { ownerReferences?: OwnerReference[] } }): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}
