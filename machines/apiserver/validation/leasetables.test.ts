// pkg/apis/coordination/validation/validation_test.go (the stored copy after v1.35), row by row:
// TestValidateLease, TestValidateLeaseSpec (through a Lease create) and TestValidateLeaseSpecUpdate.
// The Go tests count errors. TestValidateCoordinatedLeaseStrategy and the LeaseCandidate tables are left
// out: CoordinatedLeaderElection is off in v1.35, so the Lease strategy drops strategy/preferredHolder
// and LeaseCandidate is not served.

import { describe, expect, it } from "vitest";
import { validateCreate, validateUpdate } from "./index.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
const lease = (spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: "holder", namespace: "holder-namespace" }): any => ({ kind: "Lease", metadata, spec });

describe("TestValidateLease", () => {
  it("an invalid name and namespace are two errors", () => expect(validateCreate(lease({}, { name: "invalidName++", namespace: "==invalid_Namespace==" }))).toHaveLength(2));
});

describe("TestValidateLeaseSpec", () => {
  const rows: [string, Record<string, unknown>, boolean][] = [
    ["valid", { holderIdentity: "holder", leaseDurationSeconds: 10, leaseTransitions: 1 }, false],
    ["valid with PreferredHolder", { holderIdentity: "holder", leaseDurationSeconds: 10, leaseTransitions: 1, strategy: "OldestEmulationVersion", preferredHolder: "someotherholder" }, false],
    ["zero duration and negative transitions", { holderIdentity: "holder", leaseDurationSeconds: 0, leaseTransitions: -1 }, true],
    ["zero duration and negative transitions, with a preferred holder", { holderIdentity: "holder", leaseDurationSeconds: 0, leaseTransitions: -1, preferredHolder: "holder2" }, true],
  ];
  for (const [name, spec, err] of rows) it(name, () => expect(validateCreate(lease(spec)).length > 0).toBe(err));
});

describe("TestValidateLeaseSpecUpdate", () => {
  const old = lease({ holderIdentity: "oldHolder", leaseDurationSeconds: 3, leaseTransitions: 3 });
  // The Go row counts three: the two spec errors and ValidateObjectMetaUpdate's "must be specified for an
  // update" for the missing resourceVersion. Through the API genericregistry Store.Update handles a
  // missing resourceVersion before validation (it fills the stored one in for an unconditional update,
  // or answers that same Invalid itself), and podflow's validateUpdate takes the object after that step.
  it("an invalid spec is two errors (the row's third, a missing resourceVersion, is the registry's)", () =>
    expect(validateUpdate(lease({ holderIdentity: "holder", leaseDurationSeconds: 0, leaseTransitions: -1 }, { name: "holder", namespace: "holder-namespace", resourceVersion: "2" }), old).map((e) => e.field))
      .toEqual(["spec.leaseDurationSeconds", "spec.leaseTransitions"]));
  it("a valid update", () => expect(validateUpdate(lease({ holderIdentity: "holder", leaseDurationSeconds: 10, leaseTransitions: 20 }, { name: "holder", namespace: "holder-namespace", resourceVersion: "2" }), old)).toEqual([]));
});
