// The volume manager's persistentVolumeClaim and hostPath volumes (desired_state_of_world_populator
// getPVCExtractPV, the hostPath and local plugins): the claim and its PersistentVolume are read
// from the API server (the Node authorizer allows a node the claims of its pods and their volumes),
// and the volume is the PV's directory on this node, kept by the runtime across pods (hostFs), so a
// file a container writes there outlives it. A claim not bound yet is retried with back-off.

import type { Fx } from "../common/effects.js";
import { request } from "../common/client.js";
import type { ApiResponse } from "../messages.js";
import type { ClaimVolume, KubeletContext, PodWorker } from "./types.js";
import { view } from "./view.js";
import { ephemeralClaimName, PVC_PROTECTION_FINALIZER, volumeIsForPod } from "../common/volumeutil.js";
import { mutant } from "../common/mutation.js";

/** A directory of the node that a volume mounts, and whether read-only. */
export type HostMount = { path: string; readOnly: boolean };

/** The node directories of the pod's hostPath and claim volumes, or undefined while a claim is still being read. */
export function hostMounts(ctx: KubeletContext, w: PodWorker, fx: Fx): Record<string, HostMount> | undefined {
  const out: Record<string, HostMount> = {};
  let waiting = false;
  for (const v of view(w.pod).spec?.volumes ?? []) {
    if (v.hostPath?.path) out[v.name] = { path: v.hostPath.path, readOnly: false };
    // a generic ephemeral volume mounts the claim the ephemeral volume controller made for the pod
    const ephemeral = v.persistentVolumeClaim === undefined && v.ephemeral !== undefined;
    const claim = v.persistentVolumeClaim?.claimName ?? (ephemeral ? ephemeralClaimName(view(w.pod), v) : undefined);
    if (!claim) continue;
    const got = w.claimVolumes?.[v.name];
    if (got?.kind === "mounted") {
      out[v.name] = { path: got.path, readOnly: got.readOnly || (v.persistentVolumeClaim?.readOnly === true && !mutant("kubelet.claim-read-only-ignored")) };
      continue;
    }
    waiting = true;
    if (got?.kind === "asked") continue;
    setClaimVolume(w, v.name, { kind: "asked" });
    request(ctx.client, fx, { verb: "get", group: "", resource: "persistentvolumeclaims", namespace: view(w.pod).metadata?.namespace ?? "default", name: claim }, "claim-pvc", { uid: w.uid, volume: v.name, claim, ...(ephemeral ? { ephemeral } : {}) });
  }
  return waiting ? undefined : out;
}

function setClaimVolume(w: PodWorker, volume: string, value: ClaimVolume): void {
  w.claimVolumes = { ...(w.claimVolumes ?? {}), [volume]: value };
}

/** What the claim's or the volume's GET answered: the next read, the mount, or a failure to report. */
export function onClaimResponse(w: PodWorker, purpose: "claim-pvc" | "claim-pv", data: { volume: string; claim: string; ephemeral?: boolean; pv?: string }, res: ApiResponse, ctx: KubeletContext, fx: Fx): { failed?: string; notOwner?: boolean } {
  if (purpose === "claim-pvc") {
    // getPVCExtractPV's errors, word for word
    if (!res.ok) return fail(w, data.volume, `failed to fetch PVC from API server: ${res.status.message ?? ""}`);
    const pvc = res.object;
    // A claim going away is not mounted for a new pod, unless pvc-protection still holds it: a pod
    // names it, and a restarted kubelet must not unmount a running pod's volume (v1.33 on).
    if (pvc.metadata?.deletionTimestamp && !(pvc.metadata.finalizers ?? []).includes(PVC_PROTECTION_FINALIZER)) return fail(w, data.volume, "PVC is being deleted");
    const volumeName = pvc.spec?.volumeName ?? "";
    if (pvc.status?.phase !== "Bound") return fail(w, data.volume, "PVC is not bound");
    if (volumeName === "") return fail(w, data.volume, "PVC has empty pvc.Spec.VolumeName");
    // createVolumeSpec, after getPVCExtractPV: an ephemeral volume's claim must be the pod's own
    const notOwner = data.ephemeral ? volumeIsForPod(view(w.pod), pvc) : undefined;
    if (notOwner !== undefined) return { ...fail(w, data.volume, notOwner), notOwner: true };
    request(ctx.client, fx, { verb: "get", group: "", resource: "persistentvolumes", name: volumeName }, "claim-pv", { ...data, uid: w.uid, pv: volumeName });
    return {};
  }
  if (!res.ok) return fail(w, data.volume, `failed to fetch PV ${data.pv ?? ""} from API server: ${res.status.message ?? ""}`);
  const pv = res.object;
  const path: string | undefined = pv.spec?.hostPath?.path ?? pv.spec?.local?.path;
  if (!path) return fail(w, data.volume, `volume "${pv.metadata?.name}" has no hostPath or local source this node can mount`);
  setClaimVolume(w, data.volume, { kind: "mounted", path, readOnly: false });
  return {};
}

function fail(w: PodWorker, volume: string, message: string): { failed: string } {
  setClaimVolume(w, volume, { kind: "failed", error: message });
  return { failed: message };
}
