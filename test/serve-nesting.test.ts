// Bodies nested as deep as Kubernetes' decoders take them, and deeper, through a live `podflow serve`:
// encoding/json and go-yaml both stop at 10,000 levels (the JSON scanner's maxNestingDepth, go-yaml's
// max_flow_level); up to there a body is decoded, patched and stored as kube-apiserver does (an
// unknown field dropped with a warning), past it refused with the decoder's error, and never a
// JavaScript stack overflow or a dead server.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { serve, raw, type Served } from "./serve-helpers.js";
import { decodeBody, duplicateKeyErrors, yamlFlowDepth } from "../runtime/server/decode.js";
import { mergePatch } from "../machines/apiserver/patch.js";
import { deepCopy, deepEqual } from "../machines/common/equal.js";

const nested = (n: number) => '{"a":'.repeat(n) + "1" + "}".repeat(n);
const cm = (name: string, extra: string) => `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${name}"},"x":${extra}}`;

describe("nesting limits of the decoders", () => {
  it("go-yaml refuses the 10,001st nested flow collection, with the line only past the first", () => {
    expect(yamlFlowDepth(`a: ${"[".repeat(10_000)}${"]".repeat(10_000)}`)).toEqual({ depth: 10_000 });
    expect(yamlFlowDepth(`a: ${"[".repeat(10_001)}`).error).toBe("yaml: exceeded max depth of 10000");
    expect(yamlFlowDepth(`kind: Pod\nx: ${"{a: ".repeat(10_001)}`).error).toBe("yaml: line 2: exceeded max depth of 10000");
  });

  it("brackets in quoted scalars, comments and plain scalars open nothing", () => {
    expect(yamlFlowDepth(`a: "[[{"\nb: '[['\nc: x[0]{1} # [[[\nd: [1, [2, {e: [3]}]]`)).toEqual({ depth: 4 });
  });

  it("a create body in YAML nested past 10,000 levels is go-yaml's error, wrapped by transformDecodeError", () => {
    const body = Buffer.from(`apiVersion: v1\nkind: ConfigMap\nx: ${"[".repeat(10_001)}`);
    expect(decodeBody(body, "application/yaml", "ConfigMap")).toEqual({ status: expect.objectContaining({ code: 400, reason: "BadRequest", message: "the object provided is unrecognized (must be of type ConfigMap): yaml: line 3: exceeded max depth of 10000 (61706956657273696f6e3a2076310a6b696e643a20436f6e6669674d6170 ...)" }) });
  });

  it("an apply configuration nested past 10,000 levels is the apply patcher's YAML error", () => {
    expect(decodeBody(Buffer.from(cm("a", nested(10_001))), "application/apply-patch+yaml", "ConfigMap", "apply")).toEqual({ status: expect.objectContaining({ code: 400, message: "error decoding YAML: error converting YAML to JSON: yaml: exceeded max depth of 10000" }) });
  });

  it("a JSON text 9,000 levels deep sent as YAML decodes (JSON is YAML), and its repeated keys are found", () => {
    const text = `{"kind":"ConfigMap",\n"kind":"ConfigMap","x":${nested(9_000)}}`;
    const got = decodeBody(Buffer.from(text), "application/yaml", "ConfigMap");
    expect("body" in got && got.body.kind).toBe("ConfigMap");
    expect(duplicateKeyErrors(text)).toEqual(['line 2: key "kind" already set in map']);
  });

  // go-yaml reads block and flow collections up to 10,000 levels (max_indents, max_flow_level); the
  // yaml library's composer recurses and would overflow the call stack long before
  it.each([
    ["nested flow sequences", (n: number) => `x: ${"[".repeat(n)}${"]".repeat(n)}`],
    ["nested block mappings", (n: number) => `x:\n${Array.from({ length: n }, (_, i) => `${" ".repeat(i + 1)}a:`).join("\n")} 1`],
    ["compact block sequences", (n: number) => `x:\n${"- ".repeat(n)}1`],
  ])("a YAML body of %s 2,000 deep (not JSON) decodes as go-yaml decodes it", (_what, make) => {
    const got = decodeBody(Buffer.from(`apiVersion: v1\nkind: ConfigMap\n${make(2_000)}\n`), "application/yaml", "ConfigMap");
    let depth = 0;
    let v = "body" in got ? got.body.x : undefined;
    for (; v !== null && typeof v === "object"; v = Array.isArray(v) ? v[0] : v.a) depth++;
    expect(depth).toBe(2_000);
  });

  it("the repeated keys of a deep YAML body are found, and flow collections 9,000 deep decode", () => {
    const text = `kind: ConfigMap\nkind: ConfigMap\nx:\n${"- ".repeat(3_000)}1\ny: ${"[".repeat(9_000)}${"]".repeat(9_000)}\n`;
    expect(duplicateKeyErrors(text)).toEqual(['line 2: key "kind" already set in map']);
    expect("body" in decodeBody(Buffer.from(text), "application/yaml", "ConfigMap")).toBe(true);
  });

  it("collections past 10,000 levels in block and flow style together are refused as the JSON they convert to is", () => {
    const got = decodeBody(Buffer.from(`kind: ConfigMap\nx:\n${"- ".repeat(6_000)}${"[".repeat(5_000)}${"]".repeat(5_000)}\n`), "application/yaml", "ConfigMap");
    expect("status" in got && got.status.message).toMatch(/^the object provided is unrecognized \(must be of type ConfigMap\): couldn't get version\/kind; json parse error: invalid character '\[' exceeded max depth \(6b696e64/);
  });

  it("a merge patch and a deep copy of a value 10,000 deep keep no call stack", () => {
    const deep = JSON.parse(nested(10_000));
    expect(deepEqual(deepCopy(deep), deep)).toBe(true);
    const merged = mergePatch({ b: 1 }, { x: deep, b: null });
    expect(Object.keys(merged)).toEqual(["x"]);
    expect(deepEqual(merged.x, deep)).toBe(true);
  });
});

describe("deeply nested bodies through podflow serve", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
    const r = await raw(s, "POST", "/api/v1/namespaces/default/configmaps", { token: s.cluster.adminToken, body: cm("base", "1") });
    expect(r.code).toBe(201);
  });
  afterAll(async () => {
    await s.stop();
  });

  const patch = (type: string, body: string, query = "") => raw(s, "PATCH", `/api/v1/namespaces/default/configmaps/base${query}`, { token: s.cluster.adminToken, body, headers: { "Content-Type": type } });

  it("an unknown field 9,990 levels deep is dropped with a warning by a create, a merge patch, a strategic merge patch and a JSON patch", async () => {
    const created = await raw(s, "POST", "/api/v1/namespaces/default/configmaps", { token: s.cluster.adminToken, body: cm("deep", nested(9_990)) });
    expect(created.code).toBe(201);
    expect(created.headers.warning).toBe('299 - "unknown field \\"x\\""');
    for (const [type, body] of [
      ["application/merge-patch+json", `{"x":${nested(9_990)}}`],
      ["application/strategic-merge-patch+json", `{"x":${nested(9_990)}}`],
      ["application/json-patch+json", `[{"op":"add","path":"/x","value":${nested(9_990)}}]`],
    ] as const) {
      const r = await patch(type, body);
      expect([type, r.code, r.headers.warning]).toEqual([type, 200, '299 - "unknown field \\"x\\""']);
    }
  });

  it("a YAML body 2,000 levels deep in block style is created with its unknown field dropped, as by kube-apiserver", async () => {
    const body = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep-yaml\nx:\n${"- ".repeat(2_000)}1\n`;
    const created = await raw(s, "POST", "/api/v1/namespaces/default/configmaps", { token: s.cluster.adminToken, body, headers: { "Content-Type": "application/yaml" } });
    expect([created.code, created.headers.warning]).toEqual([201, '299 - "unknown field \\"x\\""']);
  });

  // A RawExtension (ControllerRevision.data) and a FieldsV1 keep what they are given: kube-apiserver
  // stores and serves them up to encoding/json's 10,000 levels. podflow keeps up to maxKeptDepth
  // (its walkers recurse on the call stack) and refuses deeper ones before storing anything.
  it("a ControllerRevision's data 1,990 levels deep is stored and read back whole", async () => {
    const cr = `{"apiVersion":"apps/v1","kind":"ControllerRevision","metadata":{"name":"deep-data"},"revision":1,"data":${nested(1_990)}}`;
    const created = await raw(s, "POST", "/apis/apps/v1/namespaces/default/controllerrevisions", { token: s.cluster.adminToken, body: cr });
    expect(created.code).toBe(201);
    const got = await raw(s, "GET", "/apis/apps/v1/namespaces/default/controllerrevisions/deep-data", { token: s.cluster.adminToken });
    expect(got.body).toContain(`"data":${nested(1_990)}`);
    expect((await raw(s, "GET", "/apis/apps/v1/namespaces/default/controllerrevisions", { token: s.cluster.adminToken })).code).toBe(200);
  });

  // The field manager disregards a request's managedFields when one of them does not decode
  // (fieldpath.Set.FromJSON refuses "a", a path element of no known prefix); kube-apiserver's JSON
  // decoder takes the value up to its 10,000 levels first, so the write goes on with the server's own.
  it.each([2_001, 5_000, 9_990])("a managedFields entry whose FieldsV1 is %i levels deep and unreadable is disregarded: created, then replaced, with the server's managedFields", async (n) => {
    const entry = `{"manager":"m","operation":"Update","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":${nested(n)}}`;
    const body = (rv = "") => `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"mf-deep-${n}"${rv},"managedFields":[${entry}]},"data":{"k":"v"}}`;
    const created = await raw(s, "POST", "/api/v1/namespaces/default/configmaps", { token: s.cluster.adminToken, body: body() });
    expect(created.code).toBe(201);
    const made = JSON.parse(created.body);
    expect(made.metadata.managedFields.map((m: any) => [m.manager, m.fieldsV1])).toEqual([["", { "f:data": { ".": {}, "f:k": {} } }]]);
    const replaced = await raw(s, "PUT", `/api/v1/namespaces/default/configmaps/mf-deep-${n}`, { token: s.cluster.adminToken, body: body() });
    expect(replaced.code).toBe(200);
    expect(JSON.parse(replaced.body).metadata.managedFields).toEqual(made.metadata.managedFields);
  });

  it.each([2_001, 5_000, 9_000])("a RawExtension or FieldsV1 %i levels deep is never a 500, never stored, and lists still answer", async (n) => {
    const bodies: Array<[string, string, string]> = [
      ["/apis/apps/v1/namespaces/default/controllerrevisions", `cr-${n}`, `{"apiVersion":"apps/v1","kind":"ControllerRevision","metadata":{"name":"cr-${n}"},"revision":1,"data":${nested(n)}}`],
      ["/api/v1/namespaces/default/configmaps", `mf-${n}`, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"mf-${n}","managedFields":[{"manager":"m","operation":"Update","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":${nested(n)}}]}}`],
    ];
    for (const [path, name, body] of bodies) {
      const r = await raw(s, "POST", path, { token: s.cluster.adminToken, body });
      expect(r.code).toBeLessThan(500);
      if (r.code !== 201) expect((await raw(s, "GET", `${path}/${name}`, { token: s.cluster.adminToken })).code).toBe(404);
      expect((await raw(s, "GET", path, { token: s.cluster.adminToken })).code).toBe(200);
    }
    const patched = await raw(s, "PATCH", "/apis/apps/v1/namespaces/default/controllerrevisions/deep-data", { token: s.cluster.adminToken, body: `{"data":${nested(n)}}`, headers: { "Content-Type": "application/merge-patch+json" } });
    expect(patched.code).toBeLessThan(500);
    const applied = await raw(s, "PATCH", `/apis/apps/v1/namespaces/default/controllerrevisions/apply-${n}?fieldManager=m`, { token: s.cluster.adminToken, body: `{"apiVersion":"apps/v1","kind":"ControllerRevision","metadata":{"name":"apply-${n}"},"revision":1,"data":${nested(n)}}`, headers: { "Content-Type": "application/apply-patch+yaml" } });
    expect(applied.code).toBeLessThan(500);
    if (applied.code !== 201) expect((await raw(s, "GET", `/apis/apps/v1/namespaces/default/controllerrevisions/apply-${n}`, { token: s.cluster.adminToken })).code).toBe(404);
  });

  it("past 10,000 levels each is the decoder's 400 and nothing changes", async () => {
    const before = await raw(s, "GET", "/api/v1/namespaces/default/configmaps/base", { token: s.cluster.adminToken });
    const created = await raw(s, "POST", "/api/v1/namespaces/default/configmaps", { token: s.cluster.adminToken, body: cm("deeper", nested(10_001)) });
    expect(created.code).toBe(400);
    expect(JSON.parse(created.body).message).toMatch(/^the object provided is unrecognized \(must be of type ConfigMap\): couldn't get version\/kind; json parse error: invalid character '\{' exceeded max depth /);
    const merge = await patch("application/merge-patch+json", `{"x":${nested(10_001)}}`);
    expect([merge.code, JSON.parse(merge.body).message]).toEqual([400, "invalid character '{' exceeded max depth"]);
    const apply = await patch("application/apply-patch+yaml", cm("base", nested(10_001)), "?fieldManager=m");
    expect([apply.code, JSON.parse(apply.body).message]).toEqual([400, "error decoding YAML: error converting YAML to JSON: yaml: exceeded max depth of 10000"]);
    const after = await raw(s, "GET", "/api/v1/namespaces/default/configmaps/base", { token: s.cluster.adminToken });
    expect(JSON.parse(after.body).metadata.resourceVersion).toBe(JSON.parse(before.body).metadata.resourceVersion);
    expect((await raw(s, "GET", "/api/v1/namespaces/default/configmaps/deeper", { token: s.cluster.adminToken })).code).toBe(404);
    expect((await raw(s, "GET", "/version")).code).toBe(200);
  });
});

describe("strings as encoding/json decodes them", () => {
  it("a \\u escape of a lone surrogate is the replacement rune; a pair and an escaped backslash are kept", () => {
    const got = decodeBody(Buffer.from(String.raw`{"a":"\ud800x","b":"\uDC00","c":"\ud83d\ude00","d":"\\ud800","e":"\ud800\ud800"}`), "application/json", "ConfigMap");
    expect(got).toEqual({ body: { a: "\uFFFDx", b: "\uFFFD", c: "😀", d: "\\ud800", e: "\uFFFD\uFFFD" } });
  });
});
