// What the API server makes of a conversion webhook's answer: apiextensions-apiserver v1.35
// pkg/apiserver/conversion/webhook_converter.go (getConvertedObjectsFromResponse, Convert's count and
// groupVersion/kind checks, validateConvertedObject, restoreObjectMeta), its texts word for word.

import { describe, expect, it } from "vitest";
import { conversionReview, gvkString, judgeConversion, reviewVersionOf, type ConversionCall } from "./conversionwebhook.js";

const stored = { apiVersion: "conv.example.com/v1", kind: "Widget", metadata: { name: "w1", namespace: "default", uid: "u-1", resourceVersion: "7", labels: { app: "w1" } }, spec: { count: 3 } };
const call = (over: Partial<ConversionCall> = {}): ConversionCall => ({ id: 1, uid: "req-uid", review: "v1", label: "conv.example.com/v1, Kind=Widget", desiredAPIVersion: "conv.example.com/v2", objects: [stored], isList: false, ...over });
const answer = (response: object, head: object = { apiVersion: "apiextensions.k8s.io/v1", kind: "ConversionReview" }) => ({ body: { ...head, response }, status: 200 });
const ok = (objs: object[], uid = "req-uid") => answer({ uid, result: { status: "Success" }, convertedObjects: objs });
const v2 = (over: object = {}) => ({ ...stored, apiVersion: "conv.example.com/v2", spec: { replicas: 3 }, ...over });

describe("the ConversionReview sent", () => {
  it("is the first review version the server knows, with the request and Go's empty response", () => {
    expect(reviewVersionOf(["v2", "v1beta1", "v1"])).toBe("v1beta1");
    expect(reviewVersionOf(["v2"])).toBeUndefined();
    expect(conversionReview("v1", "u", "g/v2", [stored])).toEqual({
      kind: "ConversionReview", apiVersion: "apiextensions.k8s.io/v1",
      request: { uid: "u", desiredAPIVersion: "g/v2", objects: [stored] }, response: { uid: "", convertedObjects: null, result: { metadata: {} } },
    });
    expect(gvkString("conv.example.com/v1", "Widget")).toBe("conv.example.com/v1, Kind=Widget");
  });
});

describe("the webhook's answer", () => {
  it("converts: the webhook's object with the original's metadata, and the labels and annotations it answered", () => {
    const got = judgeConversion(call(), ok([v2({ metadata: { name: "w1", namespace: "default", uid: "u-1", labels: { app: "w1", v: "2" }, resourceVersion: "999" } })]));
    expect(got).toEqual({ objects: [{ ...v2(), metadata: { ...stored.metadata, labels: { app: "w1", v: "2" } } }] });
    // labels the webhook leaves out are dropped
    expect(judgeConversion(call(), ok([v2({ metadata: { name: "w1", namespace: "default", uid: "u-1" } })]))).toEqual({ objects: [{ ...v2(), metadata: { name: "w1", namespace: "default", uid: "u-1", resourceVersion: "7" } }] });
  });

  it("refuses a call that failed, another uid, another kind of review, and a result other than Success", () => {
    expect(judgeConversion(call(), { error: 'Post "https://h/convert?timeout=30s": context deadline exceeded' })).toEqual({ error: 'conversion webhook for conv.example.com/v1, Kind=Widget failed: Post "https://h/convert?timeout=30s": context deadline exceeded' });
    expect(judgeConversion(call(), ok([v2()], "other"))).toEqual({ error: 'conversion webhook for conv.example.com/v1, Kind=Widget failed: expected response.uid="req-uid", got "other"' });
    expect(judgeConversion(call(), answer({ uid: "req-uid", result: { status: "Success" } }, { apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview" }))).toEqual({ error: "conversion webhook for conv.example.com/v1, Kind=Widget failed: expected webhook response of apiextensions.k8s.io/v1, Kind=ConversionReview, got admission.k8s.io/v1, Kind=AdmissionReview" });
    expect(judgeConversion(call(), { body: { apiVersion: "apiextensions.k8s.io/v1", kind: "ConversionReview" }, status: 200 })).toEqual({ error: "conversion webhook for conv.example.com/v1, Kind=Widget failed: no response provided" });
    expect(judgeConversion(call(), answer({ uid: "req-uid", result: { status: "Failure", message: "cannot convert" } }))).toEqual({ error: "conversion webhook for conv.example.com/v1, Kind=Widget failed: cannot convert" });
    expect(judgeConversion(call(), answer({ uid: "req-uid", result: { status: "Failure" } }))).toEqual({ error: "conversion webhook for conv.example.com/v1, Kind=Widget failed: response.result.status was 'Failure', not 'Success'" });
    // v1beta1 answers are not checked for their uid
    expect("objects" in judgeConversion(call({ review: "v1beta1" }), answer({ uid: "x", result: { status: "Success" }, convertedObjects: [v2()] }, {}))).toBe(true);
  });

  it("refuses another number of objects, another version or kind, and changed identity", () => {
    expect(judgeConversion(call(), ok([]))).toEqual({ error: "conversion webhook for conv.example.com/v1, Kind=Widget returned 0 objects, expected 1" });
    expect(judgeConversion(call(), ok([{ ...stored }]))).toEqual({ error: "conversion webhook for conv.example.com/v1, Kind=Widget returned invalid object at index 0: invalid groupVersion (expected conv.example.com/v2, received conv.example.com/v1)" });
    expect(judgeConversion(call(), ok([v2({ kind: "Gadget" })]))).toEqual({ error: "conversion webhook for conv.example.com/v1, Kind=Widget returned invalid object at index 0: invalid kind (expected Widget, received Gadget)" });
    expect(judgeConversion(call(), ok([v2({ metadata: { ...stored.metadata, name: "w2" } })]))).toEqual({ error: "conversion webhook for conv.example.com/v1, Kind=Widget returned invalid object: must have the same name: w1 != w2" });
    expect(judgeConversion(call(), ok([v2({ metadata: { ...stored.metadata, uid: "u-2" } })]))).toEqual({ error: "conversion webhook for conv.example.com/v1, Kind=Widget returned invalid object: must have the same UID: u-1 != u-2" });
  });

  it("refuses metadata that is missing, or labels that are not strings or not valid", () => {
    const { metadata: _m, ...bare } = v2();
    expect(judgeConversion(call(), ok([{ ...bare }]))).toEqual({ error: "conversion webhook for conv.example.com/v1, Kind=Widget returned invalid object: must have the same name: w1 != " });
    expect(judgeConversion(call(), ok([v2({ metadata: { ...stored.metadata, labels: { app: 1 } } })]))).toEqual({ error: "conversion webhook for conv.example.com/v1, Kind=Widget returned invalid metadata: metadata.labels[app] must be a string, but is int64 in converted object" });
    expect(judgeConversion(call(), ok([v2({ metadata: { ...stored.metadata, labels: "x" } })]))).toEqual({ error: "conversion webhook for conv.example.com/v1, Kind=Widget returned invalid metadata: invalid metadata.labels of type string in converted object" });
    const bad = judgeConversion(call(), ok([v2({ metadata: { ...stored.metadata, labels: { "bad key!": "v" } } })]));
    expect("error" in bad && bad.error.startsWith('conversion webhook for conv.example.com/v1, Kind=Widget returned invalid metadata: metadata.labels: Invalid value: "bad key!": name part must consist of alphanumeric characters')).toBe(true);
  });

  it("names a list's items by their index as the converter counts them", () => {
    const list = call({ label: "conv.example.com/v2, Kind=WidgetList", isList: true, objects: [stored, { ...stored, metadata: { ...stored.metadata, name: "w2", uid: "u-2" } }] });
    expect(judgeConversion(list, ok([v2(), v2()]))).toEqual({ error: "conversion webhook for conv.example.com/v2, Kind=WidgetList returned invalid converted object at index 2: must have the same name: w2 != w1" });
    expect(judgeConversion(list, ok([v2()]))).toEqual({ error: "conversion webhook for conv.example.com/v2, Kind=WidgetList returned 1 objects, expected 2" });
  });
});
