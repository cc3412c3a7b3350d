// The three patch types treat every key as data, as Go maps do: no key reaches through a prototype.

import { describe, it, expect, afterEach } from "vitest";
import { jsonPatch, mergePatch, PatchDecodeError, PatchError, strategicMergePatch } from "./patch.js";

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

describe("JSON patch test compares values, not key order", () => {
  it("an object equal but written in another key order passes the test (evanphx/json-patch compares decoded values)", () => {
    const doc = { metadata: { labels: { a: "1", b: "2" } } };
    expect(jsonPatch(doc, [{ op: "test", path: "/metadata/labels", value: { b: "2", a: "1" } }])).toEqual(doc);
    expect(() => jsonPatch(doc, [{ op: "test", path: "/metadata/labels", value: { a: "1" } }])).toThrow(PatchError);
  });
});
