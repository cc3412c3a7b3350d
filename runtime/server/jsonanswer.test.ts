// The json serializer's output as http.ts writes it: json.go's doEncode (json.Encoder: one line and
// a newline; the PrettySerializer's json.MarshalIndent), negotiate.go's isPrettyPrint, and the
// struct field order json.Marshal follows.

import { describe, it, expect } from "vitest";
import { goJsonText, inGoFieldOrder, isPrettyPrint } from "./http.js";
import { acceptAsksPretty } from "./negotiate.js";

describe("isPrettyPrint", () => {
  it.each([
    ["pretty=1", undefined, true],
    ["pretty=T", undefined, true],
    ["pretty=True", undefined, true],
    ["pretty=0", "curl/8.5.0", false],
    ["pretty=F", "curl/8.5.0", false],
    // strconv.ParseBool's error is false, and the User-Agent is not asked
    ["pretty=yes", "curl/8.5.0", false],
    // an empty value is no value: the User-Agent decides
    ["pretty=", "curl/8.5.0", true],
    ["", "Wget/1.21", true],
    ["", "Mozilla/5.0 (Macintosh)", true],
    ["", "Mozilla/4.0", false],
    ["", "kubectl/v1.35.0", false],
    ["watch=1&pretty=true&pretty=false", undefined, true],
  ])("query %j, User-Agent %j: %s", (q, ua, want) => {
    expect(isPrettyPrint(q, ua)).toBe(want);
  });
});

describe("goJsonText", () => {
  it("escapes <, >, &, U+2028 and U+2029 as encoding/json does, and ends json.Encoder's line", () => {
    expect(goJsonText({ a: "<x>&\u2028\u2029" }, false)).toBe('{"a":"\\u003cx\\u003e\\u0026\\u2028\\u2029"}\n');
  });
  it("indents by two spaces without a trailing newline; empty objects and lists stay {} and []", () => {
    expect(goJsonText({ a: {}, b: [], c: [1] }, true)).toBe('{\n  "a": {},\n  "b": [],\n  "c": [\n    1\n  ]\n}');
  });
});

describe("inGoFieldOrder", () => {
  it("puts resourceVersion after uid in an object and in a list's items, and leaves an ordered object as it is", () => {
    const obj = { kind: "Pod", apiVersion: "v1", metadata: { name: "p", uid: "u", creationTimestamp: "t", resourceVersion: "7" } };
    expect(Object.keys((inGoFieldOrder(obj) as any).metadata)).toEqual(["name", "uid", "resourceVersion", "creationTimestamp"]);
    const list = { kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "9" }, items: [obj] };
    expect(Object.keys((inGoFieldOrder(list) as any).items[0].metadata)).toEqual(["name", "uid", "resourceVersion", "creationTimestamp"]);
    const ordered = { kind: "Pod", metadata: { name: "p", uid: "u", resourceVersion: "7" } };
    expect(inGoFieldOrder(ordered)).toBe(ordered);
  });
  it("writes a Status's details before its code, and the details' name, group, kind in StatusDetails' order", () => {
    const st = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "m", reason: "NotFound", code: 404, details: { kind: "pods", name: "x", group: "" } };
    const out = inGoFieldOrder(st) as any;
    expect(Object.keys(out)).toEqual(["kind", "apiVersion", "metadata", "status", "message", "reason", "details", "code"]);
    expect(Object.keys(out.details)).toEqual(["name", "group", "kind"]);
  });
});

// negotiate.go acceptMediaTypeOptions: "pretty": options.Pretty = v == "1", on the clause negotiation chose
describe("acceptAsksPretty", () => {
  it.each([
    ["application/json;pretty=1", true],
    ["application/json; pretty=1", true],
    ["application/json;pretty=true", false],
    ["*/*;pretty=1", true],
    // the higher q wins; among equals a concrete type before a wildcard
    ["application/json;q=0.5;pretty=1, application/yaml", false],
    ["*/*, application/json;pretty=1", true],
    // a clause no served type answers is passed over
    ["text/html;pretty=1, application/json", false],
    ["", false],
  ])("%j: %s", (accept, want) => {
    expect(acceptAsksPretty(accept)).toBe(want);
  });
});
