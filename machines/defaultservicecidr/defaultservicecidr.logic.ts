// The kubernetes-service-cidr-controller's judgements (pkg/controlplane/controller/defaultservicecidr):
// what its periodic sync does with the default ServiceCIDR it finds (syncStatus). Pure.

import { mutant } from "../common/mutation.js";

type Obj = any;

/** controllerName: its event source and the field manager of the status it applies. */
export const controllerName = "kubernetes-service-cidr-controller";
/** The sync runs again every interval (DefaultEndpointReconcilerInterval). */
export const syncIntervalMs = 10_000;
export const readyMessage = "Kubernetes default Service CIDR is ready";

/** What syncStatus does: apply Ready=True, report once, or nothing. */
export type StatusAction =
  | { type: "none" }
  | { type: "applyReady" }
  | { type: "reportInconsistent"; message: string }
  | { type: "reportNotReady"; reason: string; message: string };

/** The flags the controller keeps so that each report is made once per process. */
export interface Reported {
  mismatchedCIDRs: boolean;
  notReadyCondition: boolean;
}

/** Go's %v of a []string. */
const goList = (xs: readonly unknown[]) => `[${xs.join(" ")}]`;

/** syncStatus: a ServiceCIDR being deleted is the controller manager's; one that differs from the flags is reported; a missing or Unknown Ready is applied. */
export function statusAction(sc: Obj, cidrs: readonly string[], reported: Reported): StatusAction {
  // the mutant makes a ServiceCIDR being deleted Ready again
  if (sc?.metadata?.deletionTimestamp && !mutant("defaultservicecidr.deleting-cidr-made-ready")) return { type: "none" };
  const have: unknown[] = Array.isArray(sc?.spec?.cidrs) ? sc.spec.cidrs : [];
  const same = have.length === cidrs.length && have.every((c, i) => c === cidrs[i]);
  if (!same) {
    if (reported.mismatchedCIDRs) return { type: "none" };
    return { type: "reportInconsistent", message: `The default ServiceCIDR ${goList(have)} does not match the controller flag configurations ${goList(cidrs)}` };
  }
  const ready = (Array.isArray(sc?.status?.conditions) ? sc.status.conditions : []).find((c: Obj) => c?.type === "Ready");
  if (ready?.status === "False") {
    if (reported.notReadyCondition) return { type: "none" };
    return { type: "reportNotReady", reason: String(ready.reason ?? ""), message: `Configuration matches, but ${ready.message ?? ""}` };
  }
  // the mutant leaves a Ready Unknown as it is
  if (ready === undefined || (ready.status === "Unknown" && !mutant("defaultservicecidr.unknown-ready-left"))) return { type: "applyReady" };
  return { type: "none" };
}

/** The apply configuration of the Ready condition (metav1apply: no reason). */
export function readyApply(name: string, now: string): Obj {
  return { apiVersion: "networking.k8s.io/v1", kind: "ServiceCIDR", metadata: { name }, status: { conditions: [{ type: "Ready", status: "True", message: readyMessage, lastTransitionTime: now }] } };
}
