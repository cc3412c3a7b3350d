// The eleventh hostile round, each fault checked through podflow serve against kube-apiserver
// 1.35's answer: patches nested as deep as Go's decoders take them, JSON patch array indices as
// gopkg.in/evanphx/json-patch.v4 reads them, generateName cut as names.SimpleNameGenerator cuts
// it, a write's options judged together and in the handlers' order, and pods/log's 405.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { jsonPatch, PatchError } from "../machines/apiserver/patch.js";
import { goFormatValue, goJsonMarshal } from "../machines/apiserver/schema/decode.js";
import { serve, raw, type Served } from "./serve-helpers.js";

let s: Served;
const admin = (method: string, path: string, body?: unknown, contentType = "application/json") =>
  raw(s, method, path, { token: s.cluster.adminToken, ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}), headers: { "Content-Type": contentType } });
const cm = "/api/v1/namespaces/default/configmaps";

beforeAll(async () => {
  s = await serve({ nodes: 1 });
}, 60_000);
afterAll(async () => {
  await s?.stop();
});

/** `depth` levels of {"a": ...} around 1, as JSON text. */
const nestedMaps = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;

describe("a patch nested as deep as encoding/json takes (10,000 levels) is answered, not a 500", () => {
  beforeAll(async () => {
    expect((await admin("POST", cm, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "deep" } })).code).toBe(201);
  });

  it("json.Marshal and fmt's %v of a value 10,000 levels deep are written whole", () => {
    let v: unknown = 1;
    for (let i = 0; i < 10_000; i++) v = { a: v };
    expect(goJsonMarshal(v)).toBe(nestedMaps(10_000));
    expect(goFormatValue(v)).toBe(`${"map[a:".repeat(10_000)}1${"]".repeat(10_000)}`);
    expect(goJsonMarshal({ b: [1, "x<", null, { z: 1.5, a: true }], a: {}, c: [] })).toBe('{"a":{},"b":[1,"x\\u003c",null,{"a":true,"z":1.5}],"c":[]}');
    expect(goFormatValue({ b: [1, "x", null, { z: 1.5, a: true }], a: {} })).toBe("map[a:map[] b:[1 x <nil> map[a:true z:1.5]]]");
  });

  it("a merge patch whose labels nest 9,000 maps deep: the decoder's 422 quoting the patched object, and nothing changes", async () => {
    const r = await admin("PATCH", `${cm}/deep`, `{"metadata":{"labels":${nestedMaps(9_000)}}}`, "application/merge-patch+json");
    expect(r.code).toBe(422);
    const st = JSON.parse(r.body);
    expect(st.reason).toBe("Invalid");
    expect(st.message.startsWith(' "" is invalid: patch: Invalid value: "{\\"apiVersion\\":\\"v1\\",\\"kind\\":\\"ConfigMap\\",\\"metadata\\":{')).toBe(true);
    expect(st.message.endsWith('": json: cannot unmarshal object into Go struct field ObjectMeta.metadata.labels of type string')).toBe(true);
    expect(st.message).toContain(`\\"labels\\":${nestedMaps(9_000).replaceAll('"', '\\"')}`);
    const got = JSON.parse((await admin("GET", `${cm}/deep`)).body);
    expect(got.metadata.labels).toBeUndefined();
  });

  it("a JSON patch adding that value, and a strategic merge of a 9,000-deep list, are 422s too", async () => {
    const jp = await admin("PATCH", `${cm}/deep`, `[{"op":"add","path":"/metadata/labels","value":${nestedMaps(9_000)}}]`, "application/json-patch+json");
    expect(jp.code).toBe(422);
    expect(JSON.parse(jp.body).message.endsWith("json: cannot unmarshal object into Go struct field ObjectMeta.metadata.labels of type string")).toBe(true);
    const smp = await admin("PATCH", `${cm}/deep`, `{"data":${"[".repeat(9_000)}${"]".repeat(9_000)}}`, "application/strategic-merge-patch+json");
    expect(smp.code).toBe(422);
    // the strategic patch map as %v prints it
    expect(JSON.parse(smp.body).message).toBe(` "" is invalid: patch: Invalid value: "map[data:${"[".repeat(9_000)}${"]".repeat(9_000)}]": cannot restore map from slice`);
  });
});

describe("JSON patch array indices as gopkg.in/evanphx/json-patch.v4 reads them (SupportNegativeIndices left at true)", () => {
  // rows of json-patch v4's own patch_test.go
  it("a negative index counts from the end: add inserts before that element of the grown array, remove and replace take it", () => {
    expect(jsonPatch({ foo: ["bar", "baz"] }, [{ op: "add", path: "/foo/-1", value: "qux" }])).toEqual({ foo: ["bar", "baz", "qux"] });
    expect(jsonPatch({ foo: [] }, [{ op: "add", path: "/foo/-1", value: "qux" }])).toEqual({ foo: ["qux"] });
    expect(jsonPatch({ foo: ["bar", "qux", "baz"] }, [{ op: "remove", path: "/foo/-2" }])).toEqual({ foo: ["bar", "baz"] });
    expect(jsonPatch({ foo: ["a", "b"] }, [{ op: "replace", path: "/foo/-1", value: "c" }])).toEqual({ foo: ["a", "c"] });
    expect(jsonPatch({ foo: [{ x: 1 }, { x: 2 }] }, [{ op: "test", path: "/foo/-2/x", value: 1 }, { op: "move", from: "/foo/-1", path: "/foo/0" }])).toEqual({ foo: [{ x: 2 }, { x: 1 }] });
  });

  it("an index before the first element is refused", () => {
    expect(() => jsonPatch({ foo: ["bar", "baz"] }, [{ op: "add", path: "/foo/-4", value: "bum" }])).toThrow(PatchError);
    expect(() => jsonPatch({ foo: [] }, [{ op: "remove", path: "/foo/-1" }])).toThrow(PatchError);
    expect(() => jsonPatch({ foo: ["bar"] }, [{ op: "remove", path: "/foo/-2" }])).toThrow(PatchError);
    expect(() => jsonPatch({ foo: ["bar"] }, [{ op: "replace", path: "/foo/-2", value: "x" }])).toThrow(PatchError);
  });

  it("through podflow serve: a finalizer added at /metadata/finalizers/-1 is stored, one removed at -1 is gone", async () => {
    expect((await admin("POST", cm, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "negative", finalizers: ["example.com/a"] } })).code).toBe(201);
    const add = await admin("PATCH", `${cm}/negative`, [{ op: "add", path: "/metadata/finalizers/-1", value: "example.com/b" }], "application/json-patch+json");
    expect(add.code, add.body).toBe(200);
    expect(JSON.parse(add.body).metadata.finalizers).toEqual(["example.com/a", "example.com/b"]);
    const remove = await admin("PATCH", `${cm}/negative`, [{ op: "remove", path: "/metadata/finalizers/-1" }, { op: "replace", path: "/metadata/finalizers/-1", value: "example.com/c" }], "application/json-patch+json");
    expect(remove.code, remove.body).toBe(200);
    expect(JSON.parse(remove.body).metadata.finalizers).toEqual(["example.com/c"]);
    const past = await admin("PATCH", `${cm}/negative`, [{ op: "remove", path: "/metadata/finalizers/-2" }], "application/json-patch+json");
    expect([past.code, JSON.parse(past.body).message]).toEqual([422, "the server rejected our request due to an error in our request"]);
    expect((await admin("PATCH", `${cm}/negative`, [{ op: "remove", path: "/metadata/finalizers" }], "application/json-patch+json")).code).toBe(200);
  });
});

describe("generateName cut as names.SimpleNameGenerator cuts it (58 bytes, then 5 random characters)", () => {
  const prefix = "a".repeat(100);

  it("a ConfigMap whose generateName is 100 characters gets a name of 63: its first 58 and five of utilrand's alphabet", async () => {
    const r = await admin("POST", cm, { apiVersion: "v1", kind: "ConfigMap", metadata: { generateName: prefix } });
    expect(r.code, r.body).toBe(201);
    expect(JSON.parse(r.body).metadata.name).toMatch(/^a{58}[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it("a Service's too long generateName is refused for itself only: the name made from it is a valid DNS-1035 label", async () => {
    const r = await admin("POST", "/api/v1/namespaces/default/services", { apiVersion: "v1", kind: "Service", metadata: { generateName: prefix }, spec: { ports: [{ port: 80 }] } });
    expect(r.code).toBe(422);
    const st = JSON.parse(r.body);
    expect(st.details.name).toMatch(/^a{58}[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(st.message).toBe(`Service "${st.details.name}" is invalid: metadata.generateName: Invalid value: "${prefix}": must be no more than 63 characters`);
    expect(st.details.causes).toEqual([{ reason: "FieldValueInvalid", message: `Invalid value: "${prefix}": must be no more than 63 characters`, field: "metadata.generateName" }]);
  });
});

describe("a write's options judged as the REST handlers judge them", () => {
  const long = "m".repeat(129);
  const allThree = (kind: string) =>
    `${kind}.meta.k8s.io "" is invalid: [fieldManager: Too long: may not be more than 128 bytes, dryRun: Unsupported value: ["Bogus"]: supported values: "All", fieldValidation: Unsupported value: "Nope": supported values: "", "Ignore", "Strict", "Warn"]`;
  const bad = `fieldManager=${long}&dryRun=Bogus&fieldValidation=Nope`;

  it("ValidateCreateOptions lists the fieldManager, dryRun and fieldValidation errors together, in that order", async () => {
    const r = await admin("POST", `${cm}?${bad}`, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "opts" } });
    expect(r.code).toBe(422);
    const st = JSON.parse(r.body);
    expect(st.message).toBe(allThree("CreateOptions"));
    expect(st.details.causes.map((c: { field: string }) => c.field)).toEqual(["fieldManager", "dryRun", "fieldValidation"]);
    expect((await admin("GET", `${cm}/opts`)).code).toBe(404);
  });

  it("a create negotiates its body's media type first: form data with a bad dryRun is 415", async () => {
    const r = await admin("POST", `${cm}?dryRun=Bogus`, JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "opts" } }), "application/x-www-form-urlencoded");
    expect(r.code).toBe(415);
    expect(JSON.parse(r.body).reason).toBe("UnsupportedMediaType");
  });

  it("an update judges its options first: the same request as a PUT is the options' 422, all three errors", async () => {
    expect((await admin("POST", cm, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "opts-put" } })).code).toBe(201);
    const form = await admin("PUT", `${cm}/opts-put?dryRun=Bogus`, JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "opts-put" } }), "application/x-www-form-urlencoded");
    expect([form.code, JSON.parse(form.body).message]).toEqual([422, 'UpdateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["Bogus"]: supported values: "All"']);
    const all = await admin("PUT", `${cm}/opts-put?${bad}`, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "opts-put" }, data: { a: "b" } });
    expect([all.code, JSON.parse(all.body).message]).toEqual([422, allThree("UpdateOptions")]);
    expect(JSON.parse((await admin("GET", `${cm}/opts-put`)).body).data).toBeUndefined();
  });

  it("ValidatePatchOptions: an apply with no fieldManager and a bad dryRun names both", async () => {
    const r = await admin("PATCH", `${cm}/opts-put?dryRun=Bogus&fieldValidation=Nope`, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "opts-put" }, data: { a: "b" } }, "application/apply-patch+yaml");
    expect(r.code).toBe(422);
    expect(JSON.parse(r.body).message).toBe(
      'PatchOptions.meta.k8s.io "" is invalid: [fieldManager: Required value: is required for apply patch, dryRun: Unsupported value: ["Bogus"]: supported values: "All", fieldValidation: Unsupported value: "Nope": supported values: "", "Ignore", "Strict", "Warn"]',
    );
  });
});

describe("pods/log serves GET only (LogREST is a Getter): any other method is go-restful's 405", () => {
  it("PUT, POST, PATCH and DELETE are the service error handler's MethodNotAllowed, not MethodNotSupported's words", async () => {
    for (const method of ["PUT", "POST", "PATCH", "DELETE"]) {
      // (Node's client frames no body for a DELETE: it is sent without one)
      const r = await admin(method, "/api/v1/namespaces/default/pods/any/log", method === "DELETE" ? undefined : {}, method === "PATCH" ? "application/merge-patch+json" : "application/json");
      expect([method, r.code, JSON.parse(r.body)]).toEqual([method, 405, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "the server does not allow this method on the requested resource", reason: "MethodNotAllowed", details: {}, code: 405 }]);
    }
  });
});
