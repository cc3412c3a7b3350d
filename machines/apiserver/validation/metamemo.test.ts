// The identity memo of clean labels, annotations, owner references and managed fields: a frozen value found clean
// answers [] again without a recheck; anything that could still change (or was not clean) is checked every time.

import { describe, expect, it } from "vitest";
import { deepFreeze } from "../../common/equal.js";
import { validateAnnotations, validateCommonObjectMeta, validateLabels, validateManagedFields, validateObjectMeta, validateObjectMetaUpdate, withMetadataMemo } from "./meta.js";
import { nameIsDNSSubdomain } from "./names.js";
import { brief } from "./testing.js";

/* eslint-disable @typescript-eslint/no-explicit-any */

const entry = (manager: string) => ({ manager, operation: "Update", apiVersion: "v1", fieldsType: "FieldsV1", fieldsV1: { "f:metadata": {} } });

describe("metadata validation memo", () => {
  it("a frozen clean metadata stays clean on every check, under any path", () => {
    const meta = deepFreeze({
      name: "p", namespace: "ns", uid: "u", labels: { app: "web" }, annotations: { "a.io/b": "c" },
      ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: "r", controller: true }],
      managedFields: [entry("kubelet")],
    });
    for (let i = 0; i < 3; i++) {
      expect(validateObjectMeta(meta, true, nameIsDNSSubdomain)).toEqual([]);
      expect(validateObjectMetaUpdate(meta, meta)).toEqual([]);
      expect(validateLabels(meta.labels, `spec.template.metadata.labels${i}`)).toEqual([]);
    }
  });

  it("a frozen invalid value reports the same errors every time", () => {
    const labels = deepFreeze({ "bad key!": "v", ok: "-bad-" });
    const want = ["FieldValueInvalid l", "FieldValueInvalid l"];
    expect(brief(validateLabels(labels, "l"))).toEqual(want);
    expect(brief(validateLabels(labels, "l"))).toEqual(want);
    const big = deepFreeze({ k: "x".repeat(256 * 1024) });
    expect(brief(validateAnnotations(big, "a"))).toEqual(["FieldValueTooLong a"]);
    expect(brief(validateAnnotations(big, "a"))).toEqual(["FieldValueTooLong a"]);
  });

  it("a map or list that can still change is checked afresh after it changed", () => {
    const labels: Record<string, string> = { app: "web" };
    expect(validateLabels(labels, "l")).toEqual([]);
    labels["bad key!"] = "v";
    expect(brief(validateLabels(labels, "l"))).toEqual(["FieldValueInvalid l"]);

    const annotations: Record<string, string> = { a: "b" };
    expect(validateAnnotations(annotations, "a")).toEqual([]);
    annotations["bad key!"] = "v";
    expect(brief(validateAnnotations(annotations, "a"))).toEqual(["FieldValueInvalid a"]);

    // A frozen list whose entries are not: an entry may still turn invalid.
    const e: any = entry("m");
    const list = Object.freeze([e]);
    expect(validateManagedFields(list, "mf")).toEqual([]);
    e.operation = "Nope";
    expect(brief(validateManagedFields(list, "mf"))).toEqual(["FieldValueInvalid mf[0].operation"]);

    const ref: any = { apiVersion: "v1", kind: "Pod", name: "n", uid: "u" };
    const refs = Object.freeze([ref]);
    const meta = { name: "p", namespace: "ns", ownerReferences: refs };
    expect(validateObjectMeta(meta, true, nameIsDNSSubdomain)).toEqual([]);
    ref.uid = "";
    expect(brief(validateObjectMeta(meta, true, nameIsDNSSubdomain))).toEqual(["FieldValueInvalid metadata.ownerReferences.uid"]);
  });

  it("a frozen map holding a value that is not a string is checked every time", () => {
    const inner: any = { toString: () => "ok" };
    const labels = Object.freeze({ app: inner });
    expect(validateLabels(labels as any, "l")).toEqual([]);
    inner.toString = () => "-bad-";
    expect(brief(validateLabels(labels as any, "l"))).toEqual(["FieldValueInvalid l"]);
  });

  it("within one validation unfrozen metadata is checked once; after it, afresh", () => {
    const meta: any = { name: "p", namespace: "ns", labels: { app: "web" }, annotations: { a: "b" }, ownerReferences: [{ apiVersion: "v1", kind: "Pod", name: "n", uid: "u" }], managedFields: [entry("m")] };
    const old = { ...meta };
    expect(withMetadataMemo(() => [...validateCommonObjectMeta(meta, true, old), ...validateObjectMetaUpdate(meta, old), ...validateObjectMeta(meta, true, nameIsDNSSubdomain)])).toEqual([]);
    meta.labels["bad key!"] = "v";
    meta.annotations["bad key!"] = "v";
    meta.ownerReferences[0].uid = "";
    meta.managedFields[0].operation = "Nope";
    const want = ["FieldValueInvalid metadata.labels", "FieldValueInvalid metadata.annotations", "FieldValueInvalid metadata.ownerReferences.uid", "FieldValueInvalid metadata.managedFields[0].operation"];
    expect(brief(validateObjectMeta(meta, true, nameIsDNSSubdomain))).toEqual(want);
    // a fresh validation does not trust what an earlier one found
    expect(withMetadataMemo(() => brief(validateObjectMeta(meta, true, nameIsDNSSubdomain)))).toEqual(want);
  });

  it("invalid metadata reports the same errors on every check of one validation", () => {
    const meta: any = { name: "p", namespace: "ns", labels: { "bad key!": "v" }, managedFields: [{ operation: "Nope" }] };
    const want = ["FieldValueInvalid metadata.labels", "FieldValueInvalid metadata.managedFields[0].operation"];
    withMetadataMemo(() => {
      expect(brief(validateObjectMeta(meta, true, nameIsDNSSubdomain))).toEqual(want);
      expect(brief(validateObjectMeta(meta, true, nameIsDNSSubdomain))).toEqual(want);
    });
  });
});
