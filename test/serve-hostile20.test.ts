// The twentieth hostile round, each answer checked against kube-apiserver 1.35's source: hostile
// CustomResourceDefinition schemas, judged as apiextensions-apiserver judges them
// (staging/src/k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation/validation.go:
// validateCustomResourceDefinitionValidation, ValidateCustomResourceDefinitionOpenAPISchema and
// specStandardValidatorV3.validate; pkg/apiserver/schema/convert.go: NewStructural).

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { raw, serve, type Served } from "./serve-helpers.js";

let s: Served;
const crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
const send = (method: string, path: string, body?: string) =>
  raw(s, method, path, { token: s.cluster.adminToken, ...(body !== undefined ? { body } : {}) });
const at = "spec.versions[0].schema.openAPIV3Schema";

/** A CRD of kind K in group h20.example.com whose one version has the given schema. */
function crd(kind: string, schema: unknown): string {
  const plural = `${kind.toLowerCase()}s`;
  return JSON.stringify({
    apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: `${plural}.h20.example.com` },
    spec: { group: "h20.example.com", scope: "Namespaced", names: { plural, kind }, versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: schema } }] },
  });
}

/** The CRD's create is refused with exactly these field errors (the aggregate's message), and nothing is stored. */
async function refused(kind: string, schema: unknown, messages: string[]): Promise<void> {
  const r = await send("POST", crds, crd(kind, schema));
  const status = JSON.parse(r.body);
  const name = `${kind.toLowerCase()}s.h20.example.com`;
  const list = messages.length === 1 ? messages[0] : `[${messages.join(", ")}]`;
  expect([r.code, status.reason, status.message]).toEqual([422, "Invalid", `CustomResourceDefinition.apiextensions.k8s.io "${name}" is invalid: ${list}`]);
  expect((await send("GET", `${crds}/${name}`)).code).toBe(404);
}

/** A schema nested `levels` deep under spec (properties a.a.a...), with `extra` at level `at`, written as text: no stack is needed to make it. */
function deepSchema(levels: number, extraAt: number, extra: string): string {
  let open = "";
  let close = "";
  for (let i = 1; i <= levels; i++) {
    open += `{"type":"object",${i === extraAt ? `${extra},` : ""}"properties":{"a":`;
    close += "}}";
  }
  return `{"type":"object","properties":{"spec":${open}{"type":"string"}${close}}}`;
}

beforeAll(async () => {
  s = await serve({ nodes: 1 });
}, 40_000);
afterAll(async () => {
  await s?.stop();
});

describe("x-kubernetes-list-type, -map-type and -list-map-keys misused in a CRD's schema", () => {
  it("a list type on a string, a map type on it that is neither atomic nor granular: each rule's error, in kube's order", async () => {
    const p = `${at}.properties[spec]`;
    await refused("ListOnString", { type: "object", properties: { spec: { type: "string", "x-kubernetes-list-type": "map", "x-kubernetes-map-type": "weird" } } }, [
      `${p}.type: Invalid value: "string": must be object if x-kubernetes-map-type is specified`,
      `${p}.x-kubernetes-map-type: Unsupported value: "weird": supported values: "atomic", "granular"`,
      `${p}.type: Invalid value: "string": must be array if x-kubernetes-list-type is specified`,
      `${p}.x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map`,
      `${p}.items: Required value: must have a schema if x-kubernetes-list-type is map`,
    ]);
  });

  it("a list type with no type at all is Required, and an unknown list type is NotSupported", async () => {
    const p = `${at}.properties[spec]`;
    await refused("ListUntyped", { type: "object", properties: { spec: { "x-kubernetes-preserve-unknown-fields": true, "x-kubernetes-list-type": "bag" } } }, [
      `${p}.type: Required value: must be array if x-kubernetes-list-type is specified`,
      `${p}.x-kubernetes-list-type: Unsupported value: "bag": supported values: "atomic", "set", "map"`,
    ]);
  });

  it("map keys that repeat, name no property or name an object: one error per rule, the keys printed as JSON", async () => {
    const p = `${at}.properties[spec]`;
    const spec = { type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name", "name", "zz"], items: { type: "object", properties: { name: { type: "object" } } } };
    await refused("MapKeys", { type: "object", properties: { spec } }, [
      `${p}.items.properties[name].type: Invalid value: "object": must be a scalar type if parent array's x-kubernetes-list-type is map`,
      `${p}.x-kubernetes-list-map-keys: Invalid value: ["name","name","zz"]: must not contain duplicate entries`,
      `${p}.x-kubernetes-list-map-keys: Invalid value: ["name","name","zz"]: entries must all be names of item properties`,
      // validateMapListKeysMapSet: a key neither required nor defaulted
      `${p}.items.properties[name].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property`,
    ]);
  });

  it("map keys on a list that is no map list, and a map list of strings", async () => {
    const p = `${at}.properties`;
    await refused("KeysNoMap", {
      type: "object",
      properties: {
        a: { type: "array", "x-kubernetes-list-map-keys": ["k"], items: { type: "object", properties: { k: { type: "string" } } } },
        b: { type: "array", "x-kubernetes-list-type": "set", "x-kubernetes-list-map-keys": ["k"], items: { type: "string" } },
        c: { type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["k"], items: { type: "string" } },
      },
    }, [
      `${p}[a].x-kubernetes-list-type: Required value: must be map if x-kubernetes-list-map-keys is non-empty`,
      `${p}[b].x-kubernetes-list-type: Invalid value: "set": must be map if x-kubernetes-list-map-keys is non-empty`,
      `${p}[c].items.type: Invalid value: "string": must be object if parent array's x-kubernetes-list-type is map`,
    ]);
  });

  it("a map list's items and keys may not be nullable", async () => {
    const p = `${at}.properties[spec]`;
    const spec = { type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["k"], items: { type: "object", nullable: true, required: ["k"], properties: { k: { type: "string", nullable: true } } } };
    await refused("NullKeys", { type: "object", properties: { spec } }, [
      `${p}.items.nullable: Forbidden: cannot be nullable when x-kubernetes-list-type is map`,
      `${p}.items.properties[k].nullable: Forbidden: this property is in x-kubernetes-list-map-keys, so it cannot be nullable`,
    ]);
  });

  it("a set of lists must hold atomic lists", async () => {
    const p = `${at}.properties[spec]`;
    await refused("SetOfLists", { type: "object", properties: { spec: { type: "array", "x-kubernetes-list-type": "set", items: { type: "array", "x-kubernetes-list-type": "set", items: { type: "string" } } } } }, [
      `${p}.items.x-kubernetes-list-type: Invalid value: "set": must be atomic as item of a list with x-kubernetes-list-type=set`,
    ]);
  });

  it("an update that makes a map list of a plain list is held to the same rule: the old schema broke none", async () => {
    const list = (mapped: boolean) => ({ type: "object", properties: { spec: { type: "array", ...(mapped ? { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"] } : {}), items: { type: "object", properties: { name: { type: "string" } } } } } });
    const created = await send("POST", crds, crd("Later", list(false)));
    expect(created.code).toBe(201);
    // a merge patch replaces the versions list whole, whatever the controllers wrote to the status meanwhile
    const versions = JSON.parse(crd("Later", list(true))).spec.versions;
    const r = await raw(s, "PATCH", `${crds}/laters.h20.example.com`, { token: s.cluster.adminToken, body: JSON.stringify({ spec: { versions } }), headers: { "Content-Type": "application/merge-patch+json" } });
    expect([r.code, JSON.parse(r.body).message]).toEqual([422, `CustomResourceDefinition.apiextensions.k8s.io "laters.h20.example.com" is invalid: ${at}.properties[spec].items.properties[name].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property`]);
  });

  it("the same keys used rightly are accepted", async () => {
    const spec = { type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"], items: { type: "object", required: ["name"], properties: { name: { type: "string" } } } };
    const r = await send("POST", crds, crd("MapOk", { type: "object", properties: { spec } }));
    expect(r.code).toBe(201);
  });
});

describe("the OpenAPI fields a CRD's schema may not use (specStandardValidatorV3.validate)", () => {
  it("id, definitions, additionalItems, patternProperties, dependencies and type null are each Forbidden; null is no type either", async () => {
    const p = `${at}.properties[spec]`;
    await refused("Unsupported", { type: "object", id: "x", definitions: { d: { type: "string" } }, properties: { spec: { type: "null", patternProperties: { a: {} }, dependencies: { a: ["b"] }, additionalItems: false } } }, [
      `${at}.id: Forbidden: id is not supported`,
      `${at}.definitions: Forbidden: definitions is not supported`,
      `${p}.type: Unsupported value: "null": supported values: "array", "boolean", "integer", "number", "object", "string"`,
      `${p}.additionalItems: Forbidden: additionalItems is not supported`,
      `${p}.patternProperties: Forbidden: patternProperties is not supported`,
      `${p}.dependencies: Forbidden: dependencies is not supported`,
      `${p}.type: Forbidden: type cannot be set to null, use nullable as an alternative`,
    ]);
  });

  it("items given as an array of schemas is Forbidden", async () => {
    await refused("ItemsArray", { type: "object", properties: { spec: { type: "array", items: [{ type: "string" }] } } }, [
      `${at}.properties[spec].items: Forbidden: items must be a schema object and not an array`,
    ]);
  });

  it("$ref is Forbidden alone: NewStructural cannot read the schema, so its structural errors (no type here) are not reported", async () => {
    await refused("Ref", { type: "object", properties: { spec: { $ref: "#/definitions/x" } } }, [`${at}.properties[spec].$ref: Forbidden: $ref is not supported`]);
  });

  it("$schema, which no rule forbids, is refused by NewStructural: its error on the whole schema, Invalid value \"\"", async () => {
    await refused("Dollar", { type: "object", properties: { spec: { type: "object", $schema: "http://json-schema.org/draft-04/schema#" } } }, [
      `${at}: Invalid value: "": OpenAPIV3Schema 'schema' is not supported`,
    ]);
  });

  it("structural errors come before the OpenAPI rules' errors", async () => {
    await refused("Order", { type: "object", properties: { spec: { properties: { n: { type: "string" } }, uniqueItems: true } } }, [
      `${at}.properties[spec].type: Required value: must not be empty for specified object fields`,
      `${at}.properties[spec].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`,
    ]);
  });
});

describe("a CRD schema nested hundreds of levels deep is checked at every level", () => {
  it("a $ref at level 495 of 500 is refused, and nothing is stored", async () => {
    const body = `{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"deeps.h20.example.com"},"spec":{"group":"h20.example.com","scope":"Namespaced","names":{"plural":"deeps","kind":"Deep"},"versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":${deepSchema(500, 495, '"$ref":"#/x"')}}}]}}`;
    const r = await send("POST", crds, body);
    const status = JSON.parse(r.body);
    expect([r.code, status.reason]).toEqual([422, "Invalid"]);
    expect(status.details.causes).toEqual([{ reason: "FieldValueForbidden", message: "Forbidden: $ref is not supported", field: `${at}.properties[spec]${".properties[a]".repeat(494)}.$ref` }]);
    expect((await send("GET", `${crds}/deeps.h20.example.com`)).code).toBe(404);
  });

  it("a list type misused at level 300 too", async () => {
    const body = `{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"deeperss.h20.example.com"},"spec":{"group":"h20.example.com","scope":"Namespaced","names":{"plural":"deeperss","kind":"Deepers"},"versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":${deepSchema(300, 300, '"x-kubernetes-list-type":"atomic"')}}}]}}`;
    const r = await send("POST", crds, body);
    const status = JSON.parse(r.body);
    expect([r.code, status.details.causes.map((c: any) => c.message)]).toEqual([422, ['Invalid value: "object": must be array if x-kubernetes-list-type is specified']]);
  });
});
