import { describe, expect, it } from "vitest";
import { adoptPatch, canAdoptError, claimAnswer, releasePatch } from "./claim.js";
import { goTimeString } from "./time.js";

// RecheckDeletionTimestamp (pkg/controller/controller_ref_manager.go) over the controllers' getObject,
// which GETs the owner and refuses a different uid ("original %v %v/%v is gone: got uid %v, wanted %v").
const owner = { kind: "ReplicaSet", namespace: "default", name: "web", uid: "u1" };
const ok = (metadata: object) => ({ type: "ApiResponse" as const, id: 1, ok: true as const, code: 200, object: { metadata } });
const notFound = { type: "ApiResponse" as const, id: 1, ok: false as const, code: 404, status: { kind: "Status", apiVersion: "v1", status: "Failure", message: 'replicasets.apps "web" not found', reason: "NotFound", code: 404 } };

describe("canAdoptError", () => {
  const rows: [string, Parameters<typeof canAdoptError>[1], string | undefined][] = [
    ["the owner read live, alive and the same, may adopt", ok({ namespace: "default", name: "web", uid: "u1" }), undefined],
    ["an owner with a deletionTimestamp has just been deleted", ok({ namespace: "default", name: "web", uid: "u1", deletionTimestamp: "2026-12-07T07:00:05Z" }), "default/web has just been deleted at 2026-12-07 07:00:05 +0000 UTC"],
    ["an owner made again under the same name is not the one the sync read", ok({ namespace: "default", name: "web", uid: "u2" }), "can't recheck DeletionTimestamp: original ReplicaSet default/web is gone: got uid u2, wanted u1"],
    ["an owner gone from the API server cannot be rechecked", notFound, `can't recheck DeletionTimestamp: replicasets.apps "web" not found`],
  ];
  for (const [name, res, want] of rows) it(name, () => expect(canAdoptError(owner, res as never)).toBe(want));
});

describe("goTimeString", () => {
  it("prints a whole second as Go's time.Time.String() does in UTC", () => expect(goTimeString(Date.UTC(2026, 11, 7, 7, 0, 5))).toBe("2026-12-07 07:00:05 +0000 UTC"));
  it("prints a fraction of a second without trailing zeros", () => expect(goTimeString(Date.UTC(2026, 0, 2, 3, 4, 5, 120))).toBe("2026-01-02 03:04:05.12 +0000 UTC"));
});

// ClaimObject (pkg/controller/controller_ref_manager.go): an adopt or release that finds the object
// gone (IsNotFound) is no error; ReleasePod, ReleaseReplicaSet and ReleaseControllerRevision also
// swallow IsInvalid (no reference left, or the object made again under its name). Either way the
// sync goes on, with no watch event to bring it: the key is synced again. Anything else fails the
// sync, which is requeued rate-limited.
describe("claimAnswer", () => {
  const answer = (code: number, reason: string) => ({ type: "ApiResponse" as const, id: 1, ok: false as const, code, status: { kind: "Status", apiVersion: "v1", status: "Failure", message: "m", reason, code } });
  const rows: [string, Parameters<typeof claimAnswer>[0], boolean, ReturnType<typeof claimAnswer>][] = [
    ["an adoption that went through", ok({ uid: "p1" }), false, "done"],
    ["a release that went through", ok({ uid: "p1" }), true, "done"],
    ["an adoption of an object deleted meanwhile", answer(404, "NotFound"), false, "resync"],
    ["a release of an object deleted meanwhile", answer(404, "NotFound"), true, "resync"],
    ["a release refused as Invalid", answer(422, "Invalid"), true, "resync"],
    ["an adoption refused as Invalid (another controller reference)", answer(422, "Invalid"), false, "failed"],
    ["an adoption that conflicted", answer(409, "Conflict"), false, "failed"],
    ["a release that conflicted", answer(409, "Conflict"), true, "failed"],
    ["a release the server could not serve", answer(500, "InternalError"), true, "failed"],
  ];
  for (const [name, res, release, want] of rows) it(`${name}: ${want}`, () => expect(claimAnswer(res as never, release)).toBe(want));
});

// ownerRefControllerPatch and GenerateDeleteOwnerRefStrategicMergeBytes: the same strategic merge
// patch for every kind claimed, guarded by the object's uid, never by its resourceVersion.
describe("adopt and release patches of a Deployment's ReplicaSet", () => {
  const rs = { metadata: { namespace: "default", name: "web-abc", uid: "rs-uid", resourceVersion: "7", ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "cm", uid: "cm-uid" }] } };
  const ref = { apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: "d-uid", controller: true, blockOwnerDeletion: true };
  it("adopts with only the controller reference and the uid", () =>
    expect(adoptPatch("replicasets", rs, ref)).toEqual({ verb: "patch", group: "apps", resource: "replicasets", namespace: "default", name: "web-abc", patchType: "strategic", body: { metadata: { ownerReferences: [ref], uid: "rs-uid" } } }));
  it("releases by deleting the reference with the Deployment's uid", () =>
    expect(releasePatch("replicasets", rs, "d-uid")).toEqual({ verb: "patch", group: "apps", resource: "replicasets", namespace: "default", name: "web-abc", patchType: "strategic", body: { metadata: { ownerReferences: [{ $patch: "delete", uid: "d-uid" }], uid: "rs-uid" } } }));
});
