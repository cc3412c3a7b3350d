// apimachinery v0.35.0's ObjectMeta tables (pkg/api/validation/objectmeta_test.go) and the metav1
// ones for labels and managed fields (pkg/apis/meta/v1/validation/validation_test.go), read from the
// kubernetes/apimachinery tag v0.35.0. Rows run against podflow's validateObjectMeta(Update) with the
// tables' root path "field".

import { describe, expect, it } from "vitest";
import { fieldErrorMessage } from "../status.js";
import { validateAnnotations, validateLabels, validateManagedFields, validateObjectMeta, validateObjectMetaUpdate, TOTAL_ANNOTATION_SIZE_LIMIT_B } from "./meta.js";
import { nameIsDNSSubdomain, type NameFn } from "./names.js";
import { brief } from "./testing.js";

/* eslint-disable @typescript-eslint/no-explicit-any */

describe("TestValidateObjectMetaCustomName (the name function runs on name and generateName)", () => {
  const fn: NameFn = (s) => (s === "test" ? [] : ["wrong value"]);
  const rows: [string, any, number][] = [
    ["valid name, empty generateName", { name: "test", generateName: "" }, 0],
    ["valid name and generateName", { name: "test", generateName: "test" }, 0],
    ["invalid name, empty generateName", { name: "invalid", generateName: "" }, 1],
    ["invalid name, valid generateName", { name: "invalid", generateName: "test" }, 1],
    ["invalid name, invalid generateName", { name: "invalid", generateName: "invalid" }, 2],
  ];
  for (const [name, meta, n] of rows) {
    it(name, () => {
      const errs = validateObjectMeta(meta, false, fn, "field");
      expect(errs).toHaveLength(n);
      if (n > 0) expect(fieldErrorMessage(errs[0]!)).toContain("wrong value");
    });
  }
  it("TestValidateObjectMetaTrimsTrailingDash: a generateName may end in a dash", () => {
    expect(validateObjectMeta({ name: "test", generateName: "foo-" }, false, nameIsDNSSubdomain, "field")).toEqual([]);
  });
});

describe("TestValidateObjectMetaNamespaces", () => {
  it("a namespace with a dot is one Invalid cause", () => {
    const errs = validateObjectMeta({ name: "test", namespace: "foo.bar" }, true, nameIsDNSSubdomain, "field");
    expect(errs).toHaveLength(1);
    expect(fieldErrorMessage(errs[0]!)).toContain('Invalid value: "foo.bar"');
  });
  it("a 64-character namespace of mixed case is too long and not a label: two Invalid causes", () => {
    const ns = "aB3".repeat(21) + "z";
    expect(brief(validateObjectMeta({ name: "test", namespace: ns }, true, nameIsDNSSubdomain, "field"))).toEqual(["FieldValueInvalid field.namespace", "FieldValueInvalid field.namespace"]);
  });
});

describe("TestValidateObjectMetaOwnerReferences", () => {
  const ref = (kind: string, uid: string, controller?: boolean, apiVersion = "customresourceVersion") => ({ apiVersion, kind, name: "name", uid, ...(controller === undefined ? {} : { controller }) });
  const rows: [string, any[], string | undefined][] = [
    ["simple success - third party extension.", [ref("customresourceKind", "1")], undefined],
    ["simple failures - event shouldn't be set as an owner", [ref("Event", "1", undefined, "v1")], "is disallowed from being an owner"],
    ["simple controller ref success - one reference with Controller set", [ref("customresourceKind", "1", false), ref("customresourceKind", "2", true), ref("customresourceKind", "3", false), ref("customresourceKind", "4")], undefined],
    ["simple controller ref failure - two references with Controller set", [ref("customresourceKind1", "1", false), ref("customresourceKind2", "2", true), ref("customresourceKind3", "3", true), ref("customresourceKind4", "4")],
      'Only one reference can have Controller set to true. Found "true" in references for customresourceKind2/name and customresourceKind3/name'],
  ];
  for (const [name, refs, want] of rows) {
    it(name, () => {
      const errs = validateObjectMeta({ name: "test", namespace: "test", ownerReferences: refs }, true, nameIsDNSSubdomain, "field");
      if (want === undefined) expect(errs).toEqual([]);
      else expect(fieldErrorMessage(errs[0]!)).toContain(want);
    });
  }
});

describe("TestValidateObjectMetaUpdateIgnoresCreationTimestamp (it does not: each change is one cause)", () => {
  const t10 = "1970-01-01T00:00:10Z";
  const t11 = "1970-01-01T00:00:11Z";
  const m = (creationTimestamp?: string) => ({ name: "test", resourceVersion: "1", ...(creationTimestamp ? { creationTimestamp } : {}) });
  it("dropped", () => expect(validateObjectMetaUpdate(m(), m(t10), "field")).toHaveLength(1));
  it("added", () => expect(validateObjectMetaUpdate(m(t10), m(), "field")).toHaveLength(1));
  it("changed", () => expect(validateObjectMetaUpdate(m(t10), m(t11), "field")).toHaveLength(1));
});

describe("TestValidateFinalizersUpdate and TestValidateFinalizersPreventConflictingFinalizers", () => {
  const deleting = "1970-01-01T00:00:00Z";
  const m = (finalizers: string[], deletionTimestamp?: string) => ({ name: "test", resourceVersion: "1", finalizers, ...(deletionTimestamp ? { deletionTimestamp } : {}) });
  const rows: [string, any, any, string][] = [
    ["invalid adding finalizers", m(["x/a"], deleting), m(["x/a", "y/b"], deleting), "y/b"],
    ["invalid changing finalizers", m(["x/a"], deleting), m(["x/b"], deleting), "x/b"],
    ["valid removing finalizers", m(["x/a", "y/b"], deleting), m(["x/a"], deleting), ""],
    ["valid adding finalizers for objects not being deleted", m(["x/a"]), m(["x/a", "y/b"]), ""],
  ];
  for (const [name, old, next, want] of rows) {
    it(name, () => {
      const errs = validateObjectMetaUpdate(next, old, "field");
      if (want === "") expect(errs).toEqual([]);
      else expect(errs.map(fieldErrorMessage).join(", ")).toContain(want);
    });
  }
  it("conflicting finalizers", () => {
    const errs = validateObjectMeta({ name: "test", resourceVersion: "1", finalizers: ["orphan", "foregroundDeletion"] }, false, nameIsDNSSubdomain, "field");
    expect(errs.map(fieldErrorMessage).join(", ")).toContain("cannot be both set");
  });
});

describe("TestValidateObjectMetaUpdatePreventsDeletionFieldMutation", () => {
  const now = "1970-01-01T00:16:40Z";
  const later = "1970-01-01T00:33:20Z";
  const m = (extra: any = {}) => ({ name: "test", resourceVersion: "1", ...extra });
  const rows: [string, any, any, string[]][] = [
    ["valid without deletion fields", m(), m(), []],
    ["valid with deletion fields", m({ deletionTimestamp: now, deletionGracePeriodSeconds: 30 }), m({ deletionTimestamp: now, deletionGracePeriodSeconds: 30 }), []],
    ["invalid set deletionTimestamp", m(), m({ deletionTimestamp: now }), ['field.deletionTimestamp: Invalid value: "1970-01-01T00:16:40Z": field is immutable']],
    ["invalid clear deletionTimestamp", m({ deletionTimestamp: now }), m(), ["field.deletionTimestamp: Invalid value: null: field is immutable"]],
    ["invalid change deletionTimestamp", m({ deletionTimestamp: now }), m({ deletionTimestamp: later }), ['field.deletionTimestamp: Invalid value: "1970-01-01T00:33:20Z": field is immutable']],
    ["invalid set deletionGracePeriodSeconds", m(), m({ deletionGracePeriodSeconds: 30 }), ["field.deletionGracePeriodSeconds: Invalid value: 30: field is immutable"]],
    ["invalid clear deletionGracePeriodSeconds", m({ deletionGracePeriodSeconds: 30 }), m(), ["field.deletionGracePeriodSeconds: Invalid value: null: field is immutable"]],
    ["invalid change deletionGracePeriodSeconds", m({ deletionGracePeriodSeconds: 30 }), m({ deletionGracePeriodSeconds: 40 }), ["field.deletionGracePeriodSeconds: Invalid value: 40: field is immutable"]],
  ];
  for (const [name, old, next, want] of rows) it(name, () => expect(validateObjectMetaUpdate(next, old, "field").map(fieldErrorMessage)).toEqual(want));
});

describe("TestObjectMetaGenerationUpdate", () => {
  const m = (generation: number) => ({ name: "test", resourceVersion: "1", generation });
  it("invalid generation change - decremented", () => expect(validateObjectMetaUpdate(m(4), m(5), "field").map(fieldErrorMessage)).toEqual(["field.generation: Invalid value: 4: must not be decremented"]));
  it("valid generation change - incremented by one", () => expect(validateObjectMetaUpdate(m(2), m(1), "field")).toEqual([]));
  it("valid generation field - not updated", () => expect(validateObjectMetaUpdate(m(5), m(5), "field")).toEqual([]));
});

const keyRows = ["simple", "now-with-dashes", "1-starts-with-num", "1234", "simple/simple", "now-with-dashes/simple", "now-with-dashes/now-with-dashes", "now.with.dots/simple", "now-with.dashes-and.dots/simple", "1-num.2-num/3-num", "1234/5678", "1.2.3.4/5678"];
const keyErrors: [Record<string, string>, string][] = [
  [{ "nospecialchars^=@": "bar" }, "name part must consist of"],
  [{ "cantendwithadash-": "bar" }, "name part must consist of"],
  [{ "only/one/slash": "bar" }, "a valid label key must consist of"],
  [{ ["a".repeat(254)]: "bar" }, "must be no more than"],
];

describe("TestValidateAnnotations", () => {
  const L = TOTAL_ANNOTATION_SIZE_LIMIT_B;
  const success: Record<string, string>[] = [...keyRows.map((k) => ({ [k]: "bar" })), { UpperCase123: "bar" }, { a: "b".repeat(L - 1) }, { a: "b".repeat(L / 2 - 1), c: "d".repeat(L / 2 - 1) }];
  success.forEach((a, i) => it(`case[${i}] is valid`, () => expect(validateAnnotations(a, "field")).toEqual([])));
  keyErrors.forEach(([a, want], i) => it(`name error case[${i}] is one cause saying "${want}"`, () => {
    const errs = validateAnnotations(a, "field");
    expect(errs).toHaveLength(1);
    expect(errs[0]!.detail).toContain(want);
  }));
  const tooBig: Record<string, string>[] = [{ a: "b".repeat(L) }, { a: "b".repeat(L / 2), c: "d".repeat(L / 2) }];
  tooBig.forEach((a, i) => it(`total size error case[${i}] is one cause`, () => expect(brief(validateAnnotations(a, "field"))).toEqual(["FieldValueTooLong field"])));
});

describe("TestValidateLabels", () => {
  const success: Record<string, string>[] = [...keyRows.map((k) => ({ [k]: "bar" })), { UpperCaseAreOK123: "bar" }, { goodvalue: "123_-.BaR" }];
  success.forEach((l, i) => it(`case[${i}] is valid`, () => expect(validateLabels(l, "field")).toEqual([])));
  const valueErrors: [Record<string, string>, string][] = [
    [{ toolongvalue: "a".repeat(64) }, "must be no more than"],
    [{ backslashesinvalue: "some\\bad\\value" }, "a valid label must be an empty string or consist of"],
    [{ nocommasallowed: "bad,value" }, "a valid label must be an empty string or consist of"],
    [{ strangecharsinvalue: "?#$notsogood" }, "a valid label must be an empty string or consist of"],
  ];
  [...keyErrors, ...valueErrors].forEach(([l, want], i) => it(`error case[${i}] is one cause saying "${want}"`, () => {
    const errs = validateLabels(l, "field");
    expect(errs).toHaveLength(1);
    expect(errs[0]!.detail).toContain(want);
  }));
});

describe("TestValidateManagedFieldsInvalid and TestValidateMangedFieldsValid", () => {
  const invalid: [string, any, string[]][] = [
    ["an unknown fieldsType", { operation: "Update", fieldsType: "RandomVersion", apiVersion: "v1" }, ["FieldValueInvalid managedFields[0].fieldsType"]],
    ["an unknown operation", { operation: "RandomOperation", fieldsType: "FieldsV1", apiVersion: "v1" }, ["FieldValueInvalid managedFields[0].operation"]],
    ["no operation", { fieldsType: "FieldsV1", apiVersion: "v1" }, ["FieldValueInvalid managedFields[0].operation"]],
    ["a manager with a newline", { operation: "Update", fieldsType: "FieldsV1", manager: "field\nmanager", apiVersion: "v1" }, ["FieldValueInvalid managedFields[0].manager"]],
    ["a subresource over 256 bytes", { operation: "Apply", fieldsType: "FieldsV1", apiVersion: "v1", subresource: "TooLong".repeat(37) }, ["FieldValueTooLong managedFields[0].subresource"]],
  ];
  for (const [name, e, want] of invalid) it(`refuses ${name}`, () => expect(brief(validateManagedFields([e], "managedFields"))).toEqual(want));
  it("names the unprintable character as fmt's %#U does", () => {
    expect(validateManagedFields([invalid[3]![1]], "managedFields").map(fieldErrorMessage)).toEqual(['managedFields[0].manager: Invalid value: "field\\nmanager": invalid character U+000A (at position 5)']);
  });
  const valid: any[] = [
    { operation: "Update", apiVersion: "v1" },
    { operation: "Update", fieldsType: "FieldsV1", apiVersion: "v1" },
    { operation: "Apply", fieldsType: "FieldsV1", apiVersion: "v1", subresource: "scale" },
    { operation: "Apply", fieldsType: "FieldsV1", apiVersion: "v1", manager: "🍔" },
  ];
  valid.forEach((e, i) => it(`accepts valid entry ${i}`, () => expect(validateManagedFields([e], "managedFields")).toEqual([])));
});

// Valid entries (printable ASCII managers) are passed over without per-character checks: mixed lists
// must still report each bad entry at its own index, and non-ASCII managers are still looked at.
describe("managedFields lists mixing valid and invalid entries", () => {
  const ok = { operation: "Update", fieldsType: "FieldsV1", manager: "kube-controller-manager", apiVersion: "v1" };
  it("reports the bad entries at their indexes, in order", () => {
    const list = [ok, { ...ok, manager: "tab\there" }, ok, { ...ok, operation: "Nope", manager: "x".repeat(129) }, { ...ok, manager: "café ü 🍔" }];
    expect(validateManagedFields(list, "metadata.managedFields").map(fieldErrorMessage)).toEqual([
      'metadata.managedFields[1].manager: Invalid value: "tab\\there": invalid character U+0009 (at position 3)',
      'metadata.managedFields[3].operation: Invalid value: "Nope": must be `Apply` or `Update`',
      "metadata.managedFields[3].manager: Too long: may not be more than 128 bytes",
    ]);
  });
  it("a non-ASCII control character or separator is refused; printable ASCII and letters are not", () => {
    expect(validateManagedFields([{ ...ok, manager: "a\u0085b" }], "m").map(fieldErrorMessage)).toEqual(['m[0].manager: Invalid value: "a\\u0085b": invalid character U+0085 (at position 1)']);
    expect(validateManagedFields([{ ...ok, manager: " !~AZaz09" }, { ...ok, manager: "ñandú" }], "m")).toEqual([]);
  });
});

describe("path-segment names (path.ValidatePathSegmentName)", () => {
  it("names each illegal character, '/' before '%', and '.' or '..' alone", async () => {
    const { nameIsPathSegment } = await import("./meta.js");
    expect(nameIsPathSegment("a%b/c", false)).toEqual(["may not contain '/'", "may not contain '%'"]);
    expect(nameIsPathSegment("a%b", false)).toEqual(["may not contain '%'"]);
    expect(nameIsPathSegment("ok-name", false)).toEqual([]);
    expect(nameIsPathSegment("..", false)).toEqual(["may not be '..'"]);
    expect(nameIsPathSegment("..", true)).toEqual([]);
  });
});
