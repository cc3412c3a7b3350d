// k8s.io/apimachinery v0.35.0 pkg/apis/meta/v1/validation/validation_test.go, row by row, through the
// server's option checks: TestValidDryRun, TestInvalidDryRun (ValidateDryRun), TestValidPatchOptions and
// TestInvalidPatchOptions (ValidatePatchOptions; the two apply patch types are podflow's apply flag).
import { describe, expect, it } from "vitest";
import { type DeleteOptionsGiven, deleteOptionsError, dryRunOf, writeOptionsOf } from "./http.js";

describe("TestValidDryRun / TestInvalidDryRun", () => {
  it.each([[[]], [["All"]], [["All", "All"]]])("%j is a valid dry-run value", (v) => expect("status" in dryRunOf(v, "CreateOptions")).toBe(false));
  it.each([[["False"]], [["All", "False"]]])("%j is not", (v) => expect("status" in dryRunOf(v, "CreateOptions")).toBe(true));
});

describe("TestValidPatchOptions / TestInvalidPatchOptions", () => {
  const q = (o: { force?: boolean; fieldManager?: string }) => {
    const p = new URLSearchParams();
    if (o.force !== undefined) p.set("force", String(o.force));
    if (o.fieldManager !== undefined) p.set("fieldManager", o.fieldManager);
    return p;
  };
  const valid: [string, { force?: boolean; fieldManager?: string }, boolean][] = [
    ["apply (YAML) with force and a manager", { force: true, fieldManager: "kubectl" }, true],
    ["apply (YAML) with a manager", { fieldManager: "kubectl" }, true],
    ["apply (CBOR) with force and a manager", { force: true, fieldManager: "kubectl" }, true],
    ["apply (CBOR) with a manager", { fieldManager: "kubectl" }, true],
    ["merge patch without options", {}, false],
    ["merge patch with a manager", { fieldManager: "patcher" }, false],
  ];
  it.each(valid)("%s is valid", (_n, o, apply) => expect("status" in writeOptionsOf(q(o), "PatchOptions", apply, undefined)).toBe(false));
  const invalid: [string, { force?: boolean; fieldManager?: string }, boolean][] = [
    ["apply (YAML) without a manager", {}, true],
    ["apply (CBOR) without a manager", {}, true],
    ["force on a non-apply patch", { force: true }, false],
    ["a manager and force false on a non-apply patch", { fieldManager: "kubectl", force: false }, false],
  ];
  it.each(invalid)("%s is invalid", (_n, o, apply) => expect("status" in writeOptionsOf(q(o), "PatchOptions", apply, undefined)).toBe(true));
});

describe("TestValidateDeleteOptionsWithIgnoreStoreReadError (v0.35.0)", () => {
  const f = "ignoreStoreReadErrorWithClusterBreakingPotential";
  const with_ = (what: string) => ({ type: "FieldValueInvalid", field: f, badValue: true, detail: `cannot be set together with .${what}` });
  const rows: [string, DeleteOptionsGiven, object[]][] = [
    ["option is nil", { policy: undefined, orphanDependents: false, dryRun: ["All"] }, []],
    ["option is false, PropagationPolicy is set", { policy: "Background", orphanDependents: false, dryRun: ["All"], ignoreStoreReadError: false, gracePeriodSeconds: true, preconditions: true }, []],
    ["option is false, OrphanDependents is set", { policy: undefined, orphanDependents: true, dryRun: ["All"], ignoreStoreReadError: false, gracePeriodSeconds: true, preconditions: true }, []],
    ["option is true, PropagationPolicy is set", { policy: "Background", orphanDependents: false, dryRun: ["All"], ignoreStoreReadError: true, gracePeriodSeconds: true, preconditions: true },
      [with_("dryRun"), with_("propagationPolicy"), with_("gracePeriodSeconds"), with_("preconditions")]],
    ["option is true, OrphanDependents is set", { policy: undefined, orphanDependents: true, dryRun: ["All"], ignoreStoreReadError: true, gracePeriodSeconds: true, preconditions: true },
      [with_("dryRun"), with_("orphanDependents"), with_("gracePeriodSeconds"), with_("preconditions")]],
    ["option is true, no other option is set (the Go row sets it false)", { policy: undefined, orphanDependents: false, dryRun: [], ignoreStoreReadError: false }, []],
  ];
  it.each(rows)("%s", (_n, o, want) => {
    const got = deleteOptionsError(o);
    if (want.length === 0) expect(got).toBeUndefined();
    else expect(got?.details?.causes?.map((c) => ({ type: c.reason, field: c.field }))).toEqual(want.map((w: any) => ({ type: w.type, field: w.field })));
  });
  it("words each cause as field.Invalid with the value true", () => {
    const got = deleteOptionsError({ policy: undefined, orphanDependents: true, dryRun: [], ignoreStoreReadError: true });
    expect(got?.message).toBe('DeleteOptions.meta.k8s.io "" is invalid: ignoreStoreReadErrorWithClusterBreakingPotential: Invalid value: true: cannot be set together with .orphanDependents');
  });
});
