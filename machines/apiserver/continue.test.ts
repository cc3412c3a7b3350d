// Continue tokens as k8s.io/apiserver's storage.EncodeContinue makes them and DecodeContinue reads
// (and refuses) them: a forged token is refused in DecodeContinue's words and never reaches a key
// outside the list's prefix.

import { describe, it, expect } from "vitest";
import { decodeContinue, encodeContinue } from "./continue.js";

const prefix = "/registry/configmaps/default/";
const token = (o: unknown) => Buffer.from(typeof o === "string" ? o : JSON.stringify(o)).toString("base64url");

describe("continue tokens", () => {
  it("a token names the key after the last one returned, relative to the list's prefix, in base64url without padding", () => {
    const t = encodeContinue(`${prefix}b\x00`, prefix, 42);
    expect(t).toBe(token({ v: "meta.k8s.io/v1", rv: 42, start: "b\x00" }));
    expect(t).not.toMatch(/[=+/]/);
    expect(decodeContinue(t, prefix)).toEqual({ fromKey: `${prefix}b\x00`, rv: 42 });
  });

  it.each([
    ["bytes that are no base64url", "a=b", "continue key is not valid: illegal base64 data at input byte 1"],
    ["standard base64 with '+'", "ab+c", "continue key is not valid: illegal base64 data at input byte 2"],
    ["a final quantum of one character", "abcde", "continue key is not valid: illegal base64 data at input byte 4"],
    ["base64 of no JSON", token("xyz"), "continue key is not valid: invalid character 'x' looking for beginning of value"],
    ["a JSON list", token("[1]"), "continue key is not valid: json: cannot unmarshal array into Go value of type storage.continueToken"],
    ["a wrongly typed rv", token({ v: "meta.k8s.io/v1", rv: "7", start: "a" }), "continue key is not valid: json: cannot unmarshal string into Go struct field continueToken.rv of type int64"],
    ["a fractional rv", token('{"v":"meta.k8s.io/v1","rv":1.5,"start":"a"}'), "continue key is not valid: json: cannot unmarshal number 1.5 into Go struct field continueToken.rv of type int64"],
    ["another version", token({ v: "meta.k8s.io/v2", rv: 1, start: "a" }), "continue key is not valid: server does not recognize this encoded version meta.k8s.io/v2"],
    ["no version", token({ rv: 1, start: "a" }), "continue key is not valid: server does not recognize this encoded version "],
    ["rv 0", token({ v: "meta.k8s.io/v1", rv: 0, start: "a" }), "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)"],
    ["no start", token({ v: "meta.k8s.io/v1", rv: 1 }), "continue key is not valid: encoded start key empty (version meta.k8s.io/v1)"],
    ["a start that climbs out of the prefix", token({ v: "meta.k8s.io/v1", rv: 1, start: "../../secrets/kube-system/x" }), "continue key is not valid: ../../secrets/kube-system/x"],
    ["a start with a doubled slash", token({ v: "meta.k8s.io/v1", rv: 1, start: "a//b" }), "continue key is not valid: a//b"],
  ])("%s is refused", (_what, t, error) => {
    expect(decodeContinue(t, prefix)).toEqual({ error });
  });

  it("field names match without regard to case, and null leaves a field unset", () => {
    expect(decodeContinue(token({ V: "meta.k8s.io/v1", RV: 3, Start: "x", other: 1 }), prefix)).toEqual({ fromKey: `${prefix}x`, rv: 3 });
    expect(decodeContinue(token({ v: "meta.k8s.io/v1", rv: 3, start: null }), prefix)).toEqual({ error: "continue key is not valid: encoded start key empty (version meta.k8s.io/v1)" });
  });

  it("a start with a leading slash is the same key", () => {
    expect(decodeContinue(token({ v: "meta.k8s.io/v1", rv: 3, start: "/x" }), prefix)).toEqual({ fromKey: `${prefix}x`, rv: 3 });
  });
});
