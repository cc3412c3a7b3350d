import { describe, expect, it } from "vitest";
import { canAdoptError } from "./claim.js";
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
