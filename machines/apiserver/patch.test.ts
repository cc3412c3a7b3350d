// The three patch types treat every key as data, as Go maps do: no key reaches through a prototype.

import { describe, it, expect, afterEach } from "vitest";
import { jsonPatch, jsonPatchMaxCopyBytes, maxJsonPatchOperations, mergePatch, PatchDecodeError, PatchError, PatchTooLargeError, strategicMergePatch } from "./patch.js";

const prototypeNames = ["__proto__", "constructor", "toString", "valueOf", "hasOwnProperty", "prototype"];
const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

function pod(): any {
  return { apiVersion: "v1", kind: "Pod", metadata: { name: "web", labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx" }] } };
}

afterEach(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
  expect(({} as any).groups).toBeUndefined();
});

describe("JSON patch pointers address own keys only", () => {
  it.each(prototypeNames)("adding under /%s/groups is a missing path, as in a Go map, and Object.prototype is untouched", (name) => {
    expect(() => jsonPatch(pod(), [{ op: "add", path: `/${name}/groups`, value: ["system:masters"] }])).toThrow(PatchError);
    expect(() => jsonPatch(pod(), [{ op: "add", path: `/metadata/${name}/groups`, value: ["system:masters"] }])).toThrow(PatchError);
  });

  it.each(prototypeNames)("removing, replacing, moving or copying /%s of an object that lacks it is a missing path", (name) => {
    expect(() => jsonPatch(pod(), [{ op: "remove", path: `/metadata/${name}` }])).toThrow(PatchError);
    expect(() => jsonPatch(pod(), [{ op: "replace", path: `/metadata/${name}`, value: 1 }])).toThrow(PatchError);
    expect(() => jsonPatch(pod(), [{ op: "move", from: `/metadata/${name}`, path: "/metadata/x" }])).toThrow(PatchError);
    expect(() => jsonPatch(pod(), [{ op: "copy", from: `/metadata/${name}`, path: "/metadata/x" }])).toThrow(PatchError);
  });

  it.each(prototypeNames)("a label named %s is an ordinary key: added, read back, removed", (name) => {
    const added = jsonPatch(pod(), [{ op: "add", path: `/metadata/labels/${name}`, value: "v" }]);
    expect(Object.getOwnPropertyDescriptor(added.metadata.labels, name)?.value).toBe("v");
    expect(Object.getPrototypeOf(added.metadata.labels)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(added.metadata.labels))).toEqual(JSON.parse(`{"app":"web","${name}":"v"}`));
    const tested = jsonPatch(added, [{ op: "test", path: `/metadata/labels/${name}`, value: "v" }]);
    expect(tested).toEqual(added);
    const removed = jsonPatch(added, [{ op: "remove", path: `/metadata/labels/${name}` }]);
    expect(JSON.stringify(removed.metadata.labels)).toBe('{"app":"web"}');
  });

  it("a string has no children: /metadata/name/length is a missing path", () => {
    expect(() => jsonPatch(pod(), [{ op: "test", path: "/metadata/name/length", value: 3 }])).toThrow(PatchError);
  });

  it("a patch that is not a list of operations does not decode (the API server answers 400)", () => {
    expect(() => jsonPatch(pod(), { op: "add" })).toThrow(new PatchDecodeError("json: cannot unmarshal object into Go value of type jsonpatch.Patch"));
    expect(() => jsonPatch(pod(), ["add"])).toThrow(new PatchDecodeError("json: cannot unmarshal string into Go value of type jsonpatch.Operation"));
  });

  it("an operation without a known op is refused", () => {
    expect(() => jsonPatch(pod(), [{ path: "/metadata/name" }])).toThrow(PatchError);
  });
});

describe("merge patches keep a key named __proto__ as an ordinary own field", () => {
  it("a merge patch {\"__proto__\": {...}} leaves the object's prototype alone", () => {
    const out = mergePatch(pod(), JSON.parse('{"__proto__": {"groups": ["system:masters"]}, "metadata": {"labels": {"constructor": "x"}}}'));
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out.groups).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(out, "__proto__")?.value).toEqual({ groups: ["system:masters"] });
    expect(out.metadata.labels).toEqual({ app: "web", constructor: "x" });
  });

  it("a strategic merge patch {\"__proto__\": {...}} leaves the object's prototype alone", () => {
    const out = strategicMergePatch(pod(), JSON.parse('{"__proto__": {"groups": ["system:masters"]}, "spec": {"containers": [{"name": "c", "image": "busybox"}]}}'));
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out.groups).toBeUndefined();
    expect(out.spec.containers).toEqual([{ name: "c", image: "busybox" }]);
  });

  it.each(prototypeNames)("a list under a field named %s is replaced, not merged by a key looked up through a prototype", (name) => {
    const base = { spec: JSON.parse(`{"${name}": [{"name": "a"}]}`) };
    const out = strategicMergePatch(base, JSON.parse(`{"spec": {"${name}": [{"name": "b"}]}}`));
    expect(Object.getOwnPropertyDescriptor(out.spec, name)?.value).toEqual([{ name: "b" }]);
  });
});

// RFC 7396 (JSON Merge Patch) Appendix A's examples whose patch is an object, as kube-apiserver applies
// an application/merge-patch+json body (evanphx/json-patch MergePatch): null removes a member.
describe("a merge patch merges objects and removes the members it sets to null (RFC 7396 Appendix A)", () => {
  it.each([
    ['{"a":"b"}', '{"a":"c"}', '{"a":"c"}'],
    ['{"a":"b"}', '{"b":"c"}', '{"a":"b","b":"c"}'],
    ['{"a":"b"}', '{"a":null}', "{}"],
    ['{"a":"b","b":"c"}', '{"a":null}', '{"b":"c"}'],
    ['{"a":["b"]}', '{"a":"c"}', '{"a":"c"}'],
    ['{"a":"c"}', '{"a":["b"]}', '{"a":["b"]}'],
    ['{"a":{"b":"c"}}', '{"a":{"b":"d","c":null}}', '{"a":{"b":"d"}}'],
    ['{"a":[{"b":"c"}]}', '{"a":[1]}', '{"a":[1]}'],
    ['{"e":null}', '{"a":1}', '{"e":null,"a":1}'],
    ["[1,2]", '{"a":"b","c":null}', '{"a":"b"}'],
    ["{}", '{"a":{"bb":{"ccc":null}}}', '{"a":{"bb":{}}}'],
  ])("%s merged with %s is %s", (target, patch, want) => expect(mergePatch(JSON.parse(target), JSON.parse(patch))).toEqual(JSON.parse(want)));
});

describe("JSON patch test compares values, not key order", () => {
  it("an object equal but written in another key order passes the test (evanphx/json-patch compares decoded values)", () => {
    const doc = { metadata: { labels: { a: "1", b: "2" } } };
    expect(jsonPatch(doc, [{ op: "test", path: "/metadata/labels", value: { b: "2", a: "1" } }])).toEqual(doc);
    expect(() => jsonPatch(doc, [{ op: "test", path: "/metadata/labels", value: { a: "1" } }])).toThrow(PatchError);
  });
});

// handlers/patch.go refuses more than maxJSONPatchOperations (10,000) with NewRequestEntityTooLargeError,
// and kube-apiserver sets json-patch's AccumulatedCopySizeLimit to JSONPatchMaxCopyBytes (3 MiB):
// without both, one request of a few KiB doubles a subtree into itself until the heap is gone.
describe("a JSON patch is bounded as kube-apiserver bounds it", () => {
  it("10,001 operations are refused before any is applied; 10,000 are applied", () => {
    const test = { op: "test", path: "/metadata/name", value: "web" };
    expect(maxJsonPatchOperations).toBe(10_000);
    expect(() => jsonPatch(pod(), Array.from({ length: 10_001 }, () => test))).toThrow(new PatchTooLargeError("The allowed maximum operations in a JSON patch is 10000, got 10001"));
    expect(jsonPatch(pod(), Array.from({ length: 10_000 }, () => test))).toEqual(pod());
  });

  it("copies that double a subtree stop once they have added more than 3 MiB, with json-patch's AccumulatedCopySizeError", () => {
    const doc = { metadata: { name: "web", annotations: { a: "x".repeat(1017) } } }; // {"a":"x...x"} is 1,025 bytes
    // each copy of /metadata/annotations into itself doubles it: 1 KiB, 2 KiB, ... the 12th copies 2 MiB (4 MiB in all)
    const doubling = Array.from({ length: 12 }, (_, i) => ({ op: "copy", from: "/metadata/annotations", path: `/metadata/annotations/c${i}` }));
    expect(jsonPatchMaxCopyBytes).toBe(3 * 1024 * 1024);
    expect(() => jsonPatch(doc, doubling)).toThrow(PatchError);
    const sizes = [1025];
    for (let i = 1; i < 12; i++) sizes.push(sizes[i - 1]! * 2 + `,"c${i - 1}":`.length);
    const accumulated = sizes.reduce((a, b) => a + b, 0);
    expect(() => jsonPatch(doc, doubling)).toThrow(`Unable to complete the copy, the accumulated size increase of copy is ${accumulated}, exceeding the limit 3145728`);
    // eleven of them add 2 MiB and are applied
    expect(Object.keys(jsonPatch(doc, doubling.slice(0, 11)).metadata.annotations)).toHaveLength(12);
  });

  it("a copied value counts the bytes Go's encoder writes: <, > and & as \\u003c", () => {
    const big = "<".repeat(600 * 1024); // 600 KiB of text, 3.5 MiB as Go writes it
    expect(() => jsonPatch({ a: big }, [{ op: "copy", from: "/a", path: "/b" }])).toThrow(PatchError);
    expect(jsonPatch({ a: "x".repeat(600 * 1024) }, [{ op: "copy", from: "/a", path: "/b" }]).b).toHaveLength(600 * 1024);
  });
});
