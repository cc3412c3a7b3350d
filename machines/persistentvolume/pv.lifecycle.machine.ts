// One PersistentVolume as the PV controller sees it, in Kubernetes' phase names (VolumePhase in
// core/v1): Pending until first synced, Available without a claim, Bound to its claim, Released
// once that claim is gone, and then reclaimed: kept (Retain), deleted by its provisioner
// (Delete of a provisioned volume), or Failed when no plugin can delete it. The chart moves on
// what each sync observed of the volume; the controller writes the phase, the chart names it.

import { setup } from "xstate";

export type VolumeObservation =
  | { type: "VolumeAvailable" }
  | { type: "VolumeBound" }
  | { type: "ClaimGone" }
  | { type: "ReclaimFailed" }
  | { type: "VolumeDeleted" };

export const volumeLifecycleMachine = setup({
  types: { context: {} as Record<string, never>, events: {} as VolumeObservation },
}).createMachine({
  id: "persistentvolume",
  description: "a PersistentVolume: Pending, Available, Bound, Released, Failed (VolumePhase), until it is deleted.",
  context: {},
  initial: "Pending",
  on: { VolumeDeleted: { target: ".Deleted" } },
  states: {
    Pending: {
      description: "created; the controller has not synced it yet",
      on: { VolumeAvailable: "Available", VolumeBound: "Bound", ClaimGone: "Released" },
    },
    Available: {
      description: "no claimRef (or a claimRef without uid: pre-bound to a claim not yet made); free for a matching claim",
      on: { VolumeBound: "Bound", ClaimGone: "Released" },
    },
    Bound: {
      description: "claimRef names a claim whose spec.volumeName names this volume",
      on: { ClaimGone: "Released", VolumeAvailable: "Available" },
    },
    Released: {
      description: "the claim is gone; Retain keeps the volume and its data here, Delete of a provisioned volume is its provisioner's",
      on: { ReclaimFailed: "Failed", VolumeAvailable: "Available", VolumeBound: "Bound" },
    },
    Failed: {
      description: "reclaim failed (Delete without a deletable volume plugin, such as a hostPath volume made by hand)",
      on: { VolumeAvailable: "Available" },
    },
    Deleted: { type: "final", description: "the PersistentVolume object is gone" },
  },
});
