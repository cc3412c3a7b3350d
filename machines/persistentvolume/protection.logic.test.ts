// The pvc-protection controller's decision (processPVC with podUsesPVC), ported in meaning from
// kube's pvc_protection_controller_test.go TestPVCProtectionController rows and from podIsShutDown:
// a pod naming the claim holds it whatever its phase; a generic ephemeral claim is held by its pod
// until the pod is shut down.

import { describe, expect, it } from "vitest";
import type { PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1";
import { PVC_PROTECTION_FINALIZER, releaseClaim } from "./protection.logic.js";

const deletedClaim = (name = "pvc1", owner?: string): PersistentVolumeClaim => ({
  metadata: { name, namespace: "default", deletionTimestamp: "2026-01-01T00:00:00Z", finalizers: [PVC_PROTECTION_FINALIZER], ...(owner ? { ownerReferences: [{ apiVersion: "v1", kind: "Pod", name: "pod1", uid: owner, controller: true }] } : {}) },
  spec: {},
});

const pod = (volumes: NonNullable<Pod["spec"]>["volumes"], extra: { phase?: string; nodeName?: string | null; deletion?: number } = {}): Pod => ({
  metadata: { name: "pod1", namespace: "default", uid: "uid1", ...(extra.deletion !== undefined ? { deletionTimestamp: "2026-01-01T00:00:00Z", deletionGracePeriodSeconds: extra.deletion } : {}) },
  spec: { containers: [], volumes, ...(extra.nodeName === null ? {} : { nodeName: extra.nodeName ?? "node-1" }) },
  status: { phase: extra.phase ?? "Running" },
});

const withPVC = (claim: string) => [{ name: "v", persistentVolumeClaim: { claimName: claim } }];
const ephemeral = [{ name: "scratch", ephemeral: { volumeClaimTemplate: { spec: {} } } }];
const released = (claim: PersistentVolumeClaim, pods: Pod[]) => releaseClaim(claim, pods) !== undefined;

describe("pvc-protection releases a deleted claim only when no pod uses it (podUsesPVC)", () => {
  it.each<[string, PersistentVolumeClaim, Pod[], boolean]>([
    ["deleted PVC with finalizer + no pods -> finalizer is removed", deletedClaim(), [], true],
    ["deleted PVC with finalizer + pod with the PVC exists -> finalizer is not removed", deletedClaim(), [pod(withPVC("pvc1"))], false],
    ["deleted PVC with finalizer + pod with unrelated PVC and EmptyDir exists -> finalizer is removed", deletedClaim(), [pod([...withPVC("unrelatedPVC"), { name: "e", emptyDir: {} }])], true],
    ["deleted PVC with finalizer + pod with the PVC finished (Failed) but is not deleted -> finalizer is not removed", deletedClaim(), [pod(withPVC("pvc1"), { phase: "Failed" })], false],
    ["updated finished (Succeeded) Pod -> finalizer is not removed", deletedClaim(), [pod(withPVC("pvc1"), { phase: "Succeeded" })], false],
    // kube's "updated unscheduled Pod -> finalizer is removed" relies on its live list of pods when
    // the informer finds no user; without that list an unscheduled pod (maybe being bound) holds it
    ["an unscheduled pod holds the claim (no live list behind the informer here)", deletedClaim(), [pod(withPVC("pvc1"), { nodeName: null })], false],
    ["a pod terminating with its grace period still holds the claim it names", deletedClaim(), [pod(withPVC("pvc1"), { deletion: 30 })], false],
    ["a pod's ephemeral claim, controlled by the pod, is held while the pod runs", deletedClaim("pod1-scratch", "uid1"), [pod(ephemeral)], false],
    ["a pod's ephemeral claim is released once the pod is shut down (deleted with grace 0)", deletedClaim("pod1-scratch", "uid1"), [pod(ephemeral, { deletion: 0 })], true],
    ["a claim named as the pod's ephemeral one but not made for it is not the pod's", deletedClaim("pod1-scratch", "other-uid"), [pod(ephemeral)], true],
  ])("%s", (_name, claim, pods, want) => {
    expect(released(claim, pods)).toBe(want);
  });
});
