import { describe, expect, it } from "vitest";
import { volumeLifecycleMachine, type VolumeObservation } from "./pv.lifecycle.machine.js";
import { lifecycleOf, stateName } from "../common/lifecycle.js";
import * as L from "./pv.logic.js";
import { afterAsEventsModel, serializeBy, transitionPaths } from "../../test/support/model.js";

// Expectations from the docs (concepts/storage/persistent-volumes: "Phase": Pending, Available,
// Bound, Released, Failed; "Reclaiming": Retain keeps a Released volume with its data, Delete
// removes it, and a volume whose plugin cannot delete it fails) and pv_controller.go's syncVolume.
// The model: each sync of the volume (pv.logic.ts syncVolume) yields the phase it writes; the
// chart follows the phases the controller observes, in Kubernetes' order.

const lc = lifecycleOf(volumeLifecycleMachine);
const observe: Record<string, VolumeObservation["type"]> = { Available: "VolumeAvailable", Bound: "VolumeBound", Released: "ClaimGone", Failed: "ReclaimFailed" };

const pv = (phase: string | undefined, claimUid?: string, extra: any = {}): L.PV =>
  ({ metadata: { name: "v", annotations: extra.annotations }, spec: { persistentVolumeReclaimPolicy: extra.policy ?? "Retain", claimRef: claimUid ? { namespace: "ns", name: "c", uid: claimUid } : undefined }, status: { phase } }) as L.PV;
const claim = (uid: string, volumeName = "v"): L.PVC => ({ metadata: { name: "c", namespace: "ns", uid }, spec: { volumeName } }) as L.PVC;

/** Runs syncVolume over the given worlds (the volume and its claim as the caches hold them), applying each written phase, and steps the chart. */
function run(worlds: { claimRef?: string; claim?: L.PVC; extra?: any }[]) {
  let phase: string | undefined;
  let snap = lc.start(undefined).snapshot;
  const seen: string[] = [stateName(snap.value as never)];
  for (const w of worlds) {
    const r = L.syncVolume(pv(phase, w.claimRef, w.extra), w.claim);
    if (r.action.kind === "updateVolumeStatus") phase = r.action.pv.status?.phase;
    const type = phase === undefined ? undefined : observe[phase];
    if (type) snap = lc.step(snap, { type }).snapshot;
    seen.push(stateName(snap.value as never));
  }
  return { seen, phase, snap };
}

describe("a PersistentVolume's phases (syncVolume, pv.lifecycle.machine)", () => {
  it("starts Pending, becomes Available, Bound once its claim names it, Released when the claim is deleted, and Retain keeps it there", () => {
    const r = run([{}, { claimRef: "u1", claim: claim("u1") }, { claimRef: "u1" }, { claimRef: "u1" }]);
    expect(r.seen).toEqual(["Pending", "Available", "Bound", "Released", "Released"]);
  });
  it("a Delete volume no plugin can delete (a hand-made hostPath) fails, with VolumeFailedDelete", () => {
    const r = run([{ claimRef: "u1", claim: claim("u1"), extra: { policy: "Delete" } }, { claimRef: "u1", extra: { policy: "Delete" } }, { claimRef: "u1", extra: { policy: "Delete" } }]);
    expect(r.seen).toEqual(["Pending", "Bound", "Released", "Failed"]);
    const failed = L.syncVolume(pv("Released", "u1", { policy: "Delete" }), undefined);
    expect(failed.events).toEqual([{ type: "Warning", reason: "VolumeFailedDelete", message: 'error getting deleter volume plugin for volume "v": no deletable volume plugin matched' }]);
  });
  it("a provisioned Delete volume stays Released for its provisioner to delete; then the chart is done", () => {
    const annotations = { "pv.kubernetes.io/provisioned-by": "rancher.io/local-path" };
    const r = run([{ claimRef: "u1", claim: claim("u1"), extra: { policy: "Delete", annotations } }, { claimRef: "u1", extra: { policy: "Delete", annotations } }, { claimRef: "u1", extra: { policy: "Delete", annotations } }]);
    expect(r.seen).toEqual(["Pending", "Bound", "Released", "Released"]);
    expect(lc.step(r.snap, { type: "VolumeDeleted" }).snapshot.status).toBe("done");
  });
  it("a claimRef without uid (pre-bound to a claim not made yet) is Available; a claim of the same name but another uid releases it", () => {
    expect(run([{ claimRef: undefined }]).phase).toBe("Available");
    expect(L.syncVolume(pv("Available", undefined), undefined).action.kind).toBe("none");
    expect(run([{ claimRef: "u1", claim: claim("u1") }, { claimRef: "u1", claim: claim("u2") }]).seen).toEqual(["Pending", "Bound", "Released"]);
  });
  it("a volume half-bound by the controller to a claim that went to another volume is unbound (claimRef removed)", () => {
    const r = L.syncVolume(pv("Available", "u1", { annotations: { "pv.kubernetes.io/bound-by-controller": "yes" } }), claim("u1", "other"));
    expect(r.action.kind).toBe("updateVolume");
    expect((r.action as { pv: L.PV }).pv.spec?.claimRef).toBeUndefined();
  });
});

const classes = new Map<string, L.ClassInfo>([
  ["standard", { provisioner: "rancher.io/local-path", volumeBindingMode: "WaitForFirstConsumer", reclaimPolicy: "Delete" }],
  ["fast", { provisioner: "example.com/fast", volumeBindingMode: "Immediate", reclaimPolicy: "Delete" }],
]);
const unbound = (cls: string | undefined, annotations: Record<string, string> = {}): L.PVC =>
  ({ metadata: { name: "c", namespace: "ns", uid: "u1", annotations }, spec: { storageClassName: cls, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }) as L.PVC;
const volume = (name: string, size: string, cls: string, extra: any = {}): L.PV =>
  ({ metadata: { name }, spec: { storageClassName: cls, capacity: { storage: size }, accessModes: ["ReadWriteOnce"], ...extra }, status: { phase: "Available" } }) as L.PV;

describe("syncClaim of an unbound claim (pv_controller.go syncUnboundClaim)", () => {
  const rows: [string, L.PVC, L.PV[], string, string?][] = [
    ["the smallest volume of the claim's class that fits is bound first (its claimRef written)", unbound("manual"), [volume("big", "10Gi", "manual"), volume("small", "2Gi", "manual"), volume("tiny", "500Mi", "manual")], "updateVolume"],
    ["a claim of a WaitForFirstConsumer class without a selected node waits for its consumer", unbound("standard"), [], "none", "WaitForFirstConsumer"],
    ["once the scheduler picked a node, the claim is handed to its provisioner (annotations written)", unbound("standard", { "volume.kubernetes.io/selected-node": "n1" }), [], "updateClaim"],
    ["then the controller waits for the external provisioner", unbound("standard", { "volume.kubernetes.io/selected-node": "n1", "volume.kubernetes.io/storage-provisioner": "rancher.io/local-path" }), [], "none", "ExternalProvisioning"],
    ["an Immediate class is provisioned at once", unbound("fast"), [], "updateClaim"],
    ["a claim with no class and no volume reports FailedBinding", unbound(""), [], "none", "FailedBinding"],
    ["a volume of another class is not taken", unbound("manual"), [volume("v", "10Gi", "other")], "none", "ProvisioningFailed"],
  ];
  it.each(rows)("%s", (_n, pvc, pvs, action, reason) => {
    const r = L.syncClaim(pvc, new Map(pvs.map((p) => [p.metadata!.name!, p])), classes);
    expect(r.action.kind).toBe(action);
    if (action === "updateVolume") expect((r.action as { pv: L.PV }).pv.metadata?.name).toBe("small");
    expect(r.events.map((e) => e.reason)).toEqual(reason ? [reason] : []);
  });
  it("the handed-over claim carries both storage-provisioner annotations", () => {
    const r = L.syncClaim(unbound("standard", { "volume.kubernetes.io/selected-node": "n1" }), new Map(), classes);
    expect((r.action as { pvc: L.PVC }).pvc.metadata?.annotations).toMatchObject({ "volume.kubernetes.io/storage-provisioner": "rancher.io/local-path", "volume.beta.kubernetes.io/storage-provisioner": "rancher.io/local-path" });
  });
});

describe("the PersistentVolume chart, model-based (createTestModel)", () => {
  it("on paths through every transition, each phase syncVolume writes is the state, and the moves are exactly the ones pv_controller.go makes", () => {
    const events: VolumeObservation[] = [{ type: "VolumeAvailable" }, { type: "VolumeBound" }, { type: "ClaimGone" }, { type: "ReclaimFailed" }, { type: "VolumeDeleted" }];
    const phaseOf: Record<VolumeObservation["type"], string> = { VolumeAvailable: "Available", VolumeBound: "Bound", ClaimGone: "Released", ReclaimFailed: "Failed", VolumeDeleted: "Deleted" };
    // syncVolume, read phase by phase: a new volume is Available without a claimRef, Bound when its
    // claim names it, Released when its claim is gone; an Available volume is Bound, or Released when
    // the claim it was bound to by uid disappears; Bound is Released with its claim, or Available when
    // the controller unbinds it (the claim went to another volume); reclaim of a Released volume
    // fails (Failed), a Released or Failed volume whose claimRef an admin removes is Available again,
    // and a Released one whose claim is seen again is Bound. Deleting the object ends any phase.
    const moves = new Set([
      "Pending VolumeAvailable", "Pending VolumeBound", "Pending ClaimGone",
      "Available VolumeBound", "Available ClaimGone",
      "Bound ClaimGone", "Bound VolumeAvailable",
      "Released ReclaimFailed", "Released VolumeAvailable", "Released VolumeBound",
      "Failed VolumeAvailable",
      ...["Pending", "Available", "Bound", "Released", "Failed"].map((p) => `${p} VolumeDeleted`),
    ]);
    const model = afterAsEventsModel(volumeLifecycleMachine, events);
    const taken = new Set<string>();
    for (const p of transitionPaths(model, serializeBy(() => null))) {
      let s = lc.start(undefined).snapshot;
      for (const step of p.steps.slice(1)) {
        const e = step.event as VolumeObservation;
        const next = lc.step(s, e);
        taken.add(`${stateName(s.value as never)} ${e.type}`);
        expect(stateName(next.snapshot.value as never)).toBe(phaseOf[e.type]);
        expect(next.snapshot.status).toBe(e.type === "VolumeDeleted" ? "done" : "active");
        expect([next.outputs, next.timers]).toEqual([[], []]);
        s = next.snapshot;
      }
    }
    expect([...taken].sort()).toEqual([...moves].sort());
  });
});
