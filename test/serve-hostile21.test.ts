// Custom resources nested deep, through a live `podflow serve`. kube-apiserver decodes, prunes,
// validates and field-manages a custom resource at any depth its JSON decoder takes (10,000 levels:
// encoding/json's maxNestingDepth; fieldpath.Set.FromJSON reads FieldsV1 as deep), so a deep object
// is created, patched, applied and replaced like a shallow one, and a schema's rule 150 levels
// down is enforced. podflow keeps a custom resource up to maxCustomDepth levels and refuses a deeper
// one with the decoder's max-depth 400, storing nothing: never a 500.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { serve, raw, until, type Served } from "./serve-helpers.js";
import { maxCustomDepth } from "../machines/apiserver/schema/depth.js";

const nested = (n: number, leaf = "1") => '{"a":'.repeat(n) + leaf + "}".repeat(n);
const widget = (name: string, specDepth: number) => `{"apiVersion":"ex.com/v1","kind":"Widget","metadata":{"name":"${name}"},"spec":${nested(specDepth)}}`;
const base = "/apis/ex.com/v1/namespaces/default/widgets";

/** A CRD whose spec.a.a... is an object `levels` deep with an integer at the bottom. */
function gadgetCrd(levels: number): string {
  let s: Record<string, unknown> = { type: "integer" };
  for (let i = 0; i < levels; i++) s = { type: "object", properties: { a: s } };
  return JSON.stringify({
    apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "gadgets.ex.com" },
    spec: { group: "ex.com", scope: "Namespaced", names: { plural: "gadgets", singular: "gadget", kind: "Gadget", listKind: "GadgetList" }, versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", properties: { spec: s } } } }] },
  });
}

describe("custom resources nested deep through podflow serve", () => {
  let s: Served;
  const req = (method: string, path: string, body?: string, type = "application/json") => raw(s, method, path, { token: s.cluster.adminToken, ...(body !== undefined ? { body, headers: { "Content-Type": type } } : {}) });
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
    const crd = `{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.ex.com"},"spec":{"group":"ex.com","scope":"Namespaced","names":{"plural":"widgets","singular":"widget","kind":"Widget","listKind":"WidgetList"},"versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}`;
    expect((await req("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)).code).toBe(201);
    expect((await req("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", gadgetCrd(150))).code).toBe(201);
    expect(await until(async () => (await req("GET", base)).code === 200 && (await req("GET", "/apis/ex.com/v1/namespaces/default/gadgets")).code === 200, 20_000)).toBe(true);
  }, 60_000);
  afterAll(async () => {
    await s.stop();
  });

  // the object's root is level 1, so its spec may nest maxCustomDepth - 1 levels
  const deepest = maxCustomDepth - 1;

  it("a preserved field nested far past 64 levels is created and kept whole, with the FieldsV1 that owns it", async () => {
    const created = await req("POST", base, widget("w65", 65));
    expect(created.code).toBe(201);
    const got = JSON.parse((await req("GET", `${base}/w65`)).body);
    expect(JSON.stringify(got.spec)).toBe(nested(65));
    let fv = got.metadata.managedFields[0].fieldsV1["f:spec"];
    let depth = 0;
    for (; Object.hasOwn(fv, "f:a"); fv = fv["f:a"]) depth++;
    expect(depth).toBe(65);
  });

  it("an object at podflow's bound is created, then merge-patched, JSON-patched, applied and replaced shallower and as deep again", async () => {
    expect((await req("POST", base, widget("deep", deepest))).code).toBe(201);
    const answers: Array<[string, number]> = [];
    for (const n of [Math.floor(deepest / 2), 1, deepest]) {
      answers.push([`merge ${n}`, (await req("PATCH", `${base}/deep`, `{"spec":${nested(n)}}`, "application/merge-patch+json")).code]);
      answers.push([`json ${n}`, (await req("PATCH", `${base}/deep`, `[{"op":"add","path":"/spec","value":${nested(n)}}]`, "application/json-patch+json")).code]);
      answers.push([`apply ${n}`, (await req("PATCH", `${base}/deep?fieldManager=m&force=true`, widget("deep", n), "application/apply-patch+yaml")).code]);
      answers.push([`put ${n}`, (await req("PUT", `${base}/deep`, widget("deep", n))).code]);
    }
    expect(answers.filter(([, code]) => code !== 200)).toEqual([]);
    expect(JSON.stringify(JSON.parse((await req("GET", `${base}/deep`)).body).spec)).toBe(nested(deepest));
    expect((await req("PATCH", `${base}/applied?fieldManager=m`, widget("applied", deepest), "application/apply-patch+yaml")).code).toBe(201);
  });

  it("past the bound each write is the decoder's max-depth 400 and nothing is stored or changed", async () => {
    const created = await req("POST", base, widget("deeper", deepest + 1));
    expect(created.code).toBe(400);
    const st = JSON.parse(created.body);
    expect([st.reason, st.message]).toEqual(["BadRequest", expect.stringMatching(/^the object provided is unrecognized \(must be of type Widget\): couldn't get version\/kind; json parse error: invalid character '\{' exceeded max depth \(/)]);
    expect((await req("GET", `${base}/deeper`)).code).toBe(404);
    expect((await req("PATCH", `${base}/deeper?fieldManager=m`, widget("deeper", deepest + 1), "application/apply-patch+yaml")).code).toBe(400);
    expect((await req("GET", `${base}/deeper`)).code).toBe(404);

    expect((await req("POST", base, widget("kept", 3))).code).toBe(201);
    const before = JSON.parse((await req("GET", `${base}/kept`)).body).metadata.resourceVersion;
    for (const [type, body] of [
      ["application/merge-patch+json", `{"spec":${nested(deepest + 1)}}`],
      ["application/json-patch+json", `[{"op":"add","path":"/spec","value":${nested(deepest + 1)}}]`],
      ["application/apply-patch+yaml", widget("kept", deepest + 1)],
    ] as const) {
      const r = await req("PATCH", `${base}/kept?fieldManager=m${type.startsWith("application/apply") ? "&force=true" : ""}`, body, type);
      expect([type, r.code, JSON.parse(r.body).message]).toEqual([type, 400, "invalid character '{' exceeded max depth"]);
    }
    const put = await req("PUT", `${base}/kept`, widget("kept", 9_000));
    expect(put.code).toBe(400);
    expect(JSON.parse((await req("GET", `${base}/kept`)).body).metadata.resourceVersion).toBe(before);
    expect((await req("GET", base)).code).toBe(200);
  });

  it("a schema's type 150 levels down is enforced, as kube-openapi's validator walks every level", async () => {
    const gadget = (leaf: string) => `{"apiVersion":"ex.com/v1","kind":"Gadget","metadata":{"name":"g"},"spec":${nested(150, leaf)}}`;
    const refused = await req("POST", "/apis/ex.com/v1/namespaces/default/gadgets", gadget('"x"'));
    expect(refused.code).toBe(422);
    const path = `spec${".a".repeat(150)}`;
    expect(JSON.parse(refused.body).details.causes).toEqual([{ reason: "FieldValueInvalid", message: `Invalid value: "string": ${path} in body must be of type integer: "string"`, field: path }]);
    expect((await req("GET", "/apis/ex.com/v1/namespaces/default/gadgets/g")).code).toBe(404);
    expect((await req("POST", "/apis/ex.com/v1/namespaces/default/gadgets", gadget("7"))).code).toBe(201);
  });
});

// A custom resource is decoded as unstructured JSON (sigs.k8s.io/json preserving ints): a number
// written without "." that fits an int64 stays that int64, any other becomes the nearest float64,
// and one past float64's range is the decoder's UnmarshalTypeError. kube-openapi then types an int64
// as an integer and a float64 past 2^53 as a number (swag.IsFloat64AJSONInteger).
describe("numbers in custom resources through podflow serve", () => {
  let s: Served;
  const req = (method: string, path: string, body?: string) => raw(s, method, path, { token: s.cluster.adminToken, ...(body !== undefined ? { body } : {}) });
  const things = "/apis/ex.com/v1/namespaces/default/things";
  const thing = (name: string, spec: string) => `{"apiVersion":"ex.com/v1","kind":"Thing","metadata":{"name":"${name}"},"spec":${spec}}`;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
    const crd = `{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"things.ex.com"},"spec":{"group":"ex.com","scope":"Namespaced","names":{"plural":"things","singular":"thing","kind":"Thing","listKind":"ThingList"},"versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","properties":{"n":{"type":"integer","maximum":5},"big":{"type":"integer"},"free":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}}}}}]}}`;
    expect((await req("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)).code).toBe(201);
    expect(await until(async () => (await req("GET", things)).code === 200, 20_000)).toBe(true);
  }, 60_000);
  afterAll(async () => {
    await s.stop();
  });

  it("int64s are kept exact and typed integer, other numbers are float64s, and a number past float64 is refused", async () => {
    const created = await req("POST", things, thing("ints", `{"big":-9223372036854775808,"free":{"i":9223372036854775807,"f":99999999999999999999,"one":1.0,"hundred":1e2}}`));
    expect(created.code).toBe(201);
    const body = (await req("GET", `${things}/ints`)).body.replace(/\s+/g, "");
    for (const kept of ['"big":-9223372036854775808', '"f":100000000000000000000', '"hundred":100', '"i":9223372036854775807', '"one":1']) expect(body).toContain(kept);

    const bounded = JSON.parse((await req("POST", things, thing("max", `{"n":9223372036854775807}`))).body);
    expect([bounded.code, bounded.details.causes]).toEqual([422, [{ reason: "FieldValueInvalid", message: "Invalid value: 9223372036854775807: spec.n in body should be less than or equal to 5", field: "spec.n" }]]);
    const float = JSON.parse((await req("POST", things, thing("float", `{"big":99999999999999999999}`))).body);
    expect([float.code, float.details.causes]).toEqual([422, [{ reason: "FieldValueInvalid", message: 'Invalid value: "number": spec.big in body must be of type integer: "number"', field: "spec.big" }]]);
    const huge = JSON.parse((await req("POST", things, thing("huge", `{"free":{"x":1e400}}`))).body);
    expect([huge.code, huge.reason, huge.message]).toEqual([400, "BadRequest", 'Thing in version "v1" cannot be handled as a Thing: json: cannot unmarshal number 1e400 into Go value of type float64']);
    for (const name of ["max", "float", "huge"]) expect((await req("GET", `${things}/${name}`)).code).toBe(404);
  });
});
