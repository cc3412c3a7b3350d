// The PersistentVolume controller's decisions (pkg/controller/volume/persistentvolume/pv_controller.go,
// index.go), as pure functions over what its caches hold. The controller is level-triggered: a
// sync of a claim or of a volume takes the one step that is due (a PV's claimRef, its phase, the
// claim's volumeName and bind annotations, the claim's phase, a provisioning request), and the
// watch event of that write brings the next sync. So bind() of Kubernetes, four writes in a row,
// is four syncs here, each resumed from the caches as Kubernetes resumes an interrupted bind.

export * from "../common/volumeutil.js";
import { annotation, claimClass, claimHasClass, claimRefOf, defaultClassName, findBestMatchForClaim, isDelayBinding, isVolumeBoundToClaim, withAnnotations, ANN_BETA_STORAGE_PROVISIONER, ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_DYNAMICALLY_PROVISIONED, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER, type ClassInfo, type PV, type PVC } from "../common/volumeutil.js";
import { mutant } from "../common/mutation.js";

/** One step a sync takes: a write (the object's next version), an event, or nothing. */
export type Action =
  | { kind: "updateVolume"; pv: PV }
  | { kind: "updateVolumeStatus"; pv: PV }
  | { kind: "deleteVolume"; pv: PV }
  | { kind: "updateClaim"; pvc: PVC }
  | { kind: "updateClaimStatus"; pvc: PVC }
  | { kind: "none" };

export interface SyncResult {
  action: Action;
  events: { type: "Normal" | "Warning"; reason: string; message: string }[];
}


const done = (events: SyncResult["events"] = []): SyncResult => ({ action: { kind: "none" }, events });

/** The message of the ExternalProvisioning event (pv_controller.go provisionClaim). */
export function externalProvisioningMessage(provisioner: string): string {
  return `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`;
}

// bindVolumeToClaim / updateVolumePhase / bindClaimToVolume / updateClaimStatus: the next write of a bind.
function bindStep(pv: PV, pvc: PVC): SyncResult | undefined {
  if (!isVolumeBoundToClaim(pv, pvc) || !pv.spec?.claimRef?.uid) {
    const next = withAnnotations({ ...pv, spec: { ...pv.spec, claimRef: claimRefOf(pvc) } }, pv.spec?.claimRef ? {} : { [ANN_BOUND_BY_CONTROLLER]: "yes" });
    return { action: { kind: "updateVolume", pv: next }, events: [] };
  }
  if (pv.status?.phase !== "Bound") return { action: { kind: "updateVolumeStatus", pv: { ...pv, status: { ...pv.status, phase: "Bound", message: "", reason: "" } } }, events: [] };
  if (pvc.spec?.volumeName !== pv.metadata?.name || annotation(pvc, ANN_BIND_COMPLETED) !== "yes") {
    const add: Record<string, string> = { [ANN_BIND_COMPLETED]: "yes" };
    if (pvc.spec?.volumeName !== pv.metadata?.name) add[ANN_BOUND_BY_CONTROLLER] = "yes";
    return { action: { kind: "updateClaim", pvc: withAnnotations({ ...pvc, spec: { ...pvc.spec, volumeName: pv.metadata?.name } }, add) }, events: [] };
  }
  const capacity = pv.spec?.capacity?.storage;
  const want = { phase: "Bound", accessModes: pv.spec?.accessModes ?? [], capacity: { storage: capacity } };
  const s: any = pvc.status ?? {};
  if (s.phase !== "Bound" || JSON.stringify(s.accessModes ?? []) !== JSON.stringify(want.accessModes) || s.capacity?.storage !== capacity) {
    return { action: { kind: "updateClaimStatus", pvc: { ...pvc, status: { ...s, ...want } } }, events: [] };
  }
  return undefined;
}

/**
 * syncClaim: an unbound claim is matched to a PV (and bound step by step), waits for its first
 * consumer, or asks its class's provisioner; a bound claim is completed, or Lost when its PV is gone.
 */
export function syncClaim(pvc: PVC, volumes: ReadonlyMap<string, PV>, classes: ReadonlyMap<string, ClassInfo>): SyncResult {
  if (pvc.metadata?.deletionTimestamp && !(pvc.metadata.finalizers ?? []).length) return done();
  const volumeName = pvc.spec?.volumeName ?? "";
  if (volumeName === "") {
    const delay = isDelayBinding(pvc, classes);
    const pv = findBestMatchForClaim(pvc, [...volumes.values()], delay);
    if (pv) return bindStep(pv, pvc) ?? done();
    // assignDefaultStorageClass (retroactive default class, GA in 1.28): a claim that names no class
    // gets the default one that exists now; the claim's next sync goes on from there
    const assigned = claimHasClass(pvc) ? undefined : defaultClassName(classes);
    if (assigned !== undefined) return { action: { kind: "updateClaim", pvc: { ...pvc, spec: { ...pvc.spec, storageClassName: assigned } } }, events: [] };
    const cls = claimClass(pvc);
    const info = cls === "" ? undefined : classes.get(cls);
    if (delay && annotation(pvc, ANN_SELECTED_NODE) === undefined) {
      return done([{ type: "Normal", reason: "WaitForFirstConsumer", message: "waiting for first consumer to be created before binding" }]);
    }
    if (info && info.provisioner !== "" && info.provisioner !== "kubernetes.io/no-provisioner") {
      if (annotation(pvc, ANN_STORAGE_PROVISIONER) !== info.provisioner) {
        const next = withAnnotations(pvc, { [ANN_STORAGE_PROVISIONER]: info.provisioner, [ANN_BETA_STORAGE_PROVISIONER]: info.provisioner });
        return { action: { kind: "updateClaim", pvc: next }, events: [] };
      }
      return done([{ type: "Normal", reason: "ExternalProvisioning", message: externalProvisioningMessage(info.provisioner) }]);
    }
    if (cls === "") return done([{ type: "Normal", reason: "FailedBinding", message: "no persistent volumes available for this claim and no storage class is set" }]);
    if (!info) return done([{ type: "Warning", reason: "ProvisioningFailed", message: `storageclass.storage.k8s.io "${cls}" not found` }]);
    return done([{ type: "Normal", reason: "FailedBinding", message: "no persistent volumes available for this claim and no storage class is set" }]);
  }
  const pv = volumes.get(volumeName);
  if (!pv) {
    if (pvc.status?.phase === "Lost") return done();
    return {
      action: { kind: "updateClaimStatus", pvc: { ...pvc, status: { ...pvc.status, phase: "Lost" } } },
      events: [{ type: "Warning", reason: "ClaimLost", message: "Bound claim has lost its PersistentVolume. Data on the volume is lost!" }],
    };
  }
  if (pv.spec?.claimRef && !isVolumeBoundToClaim(pv, pvc)) {
    if (pvc.status?.phase === "Lost") return done();
    return {
      action: { kind: "updateClaimStatus", pvc: { ...pvc, status: { ...pvc.status, phase: "Lost" } } },
      events: [{ type: "Warning", reason: "ClaimMisbound", message: "Two claims are bound to the same volume, this one is bound incorrectly" }],
    };
  }
  return bindStep(pv, pvc) ?? done();
}

/** What a PV's reclaim policy does once its claim is gone. */
export type Reclaim = "retain" | "externalDelete" | "deleteFailed";

/** reclaimVolume: Retain keeps it Released; Delete is the provisioner's when it made the PV, else no plugin deletes a hostPath. */
export function reclaimOf(pv: PV): Reclaim {
  if ((pv.spec?.persistentVolumeReclaimPolicy ?? "Retain") !== "Delete") return "retain";
  return annotation(pv, ANN_DYNAMICALLY_PROVISIONED) !== undefined ? "externalDelete" : "deleteFailed";
}

/** unbindVolume: the volume without its claimRef, for others to bind. */
function unbind(pv: PV): SyncResult {
  const spec = { ...pv.spec };
  delete spec.claimRef;
  return { action: { kind: "updateVolume", pv: { ...pv, spec } }, events: [] };
}

/**
 * syncVolume: a PV without a claim is Available; one whose claim is gone is Released and then
 * reclaimed; one bound to its claim is Bound; one half-bound by the controller to a claim bound
 * elsewhere is unbound again.
 */
export function syncVolume(pv: PV, claim: PVC | undefined): SyncResult {
  const ref = pv.spec?.claimRef;
  const phase = pv.status?.phase;
  const setPhase = (p: string, reason = "", message = ""): SyncResult =>
    ({ action: { kind: "updateVolumeStatus", pv: { ...pv, status: { ...pv.status, phase: p, reason, message } } }, events: [] });
  if (!ref) return phase === "Available" ? done() : setPhase("Available");
  if (!ref.uid) return phase === "Available" ? done() : setPhase("Available");
  if (!claim || claim.metadata?.uid !== ref.uid) {
    // the mutant hands a Retain volume whose claim is gone back out (its claimRef dropped): the next claim gets the old data
    if (phase !== "Released" && phase !== "Failed" && mutant("pv.retained-volume-made-available") && reclaimOf(pv) === "retain") return unbind(pv);
    if (phase !== "Released" && phase !== "Failed") return setPhase("Released");
    if (phase === "Failed") return done();
    const r = reclaimOf(pv);
    if (r === "deleteFailed") {
      const message = `error getting deleter volume plugin for volume "${pv.metadata?.name}": no deletable volume plugin matched`;
      const out = setPhase("Failed", "", message);
      return { ...out, events: [{ type: "Warning", reason: "VolumeFailedDelete", message }] };
    }
    return done();
  }
  if ((claim.spec?.volumeName ?? "") === pv.metadata?.name) return phase === "Bound" ? done() : setPhase("Bound");
  if ((claim.spec?.volumeName ?? "") === "") return done(); // the claim's sync finishes the bind
  if (annotation(pv, ANN_BOUND_BY_CONTROLLER) === "yes") {
    // unbindVolume: the claim went to another volume; this one is released for others.
    return unbind(pv);
  }
  return done();
}
