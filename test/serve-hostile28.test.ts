// The twenty-eighth hostile round, each answer checked against Kubernetes 1.35's source.
// A CRD's pattern was compiled only under properties, items and additionalProperties: apiextensions'
// validateValueValidation also walks allOf, anyOf, oneOf and not (validateNestedValueValidation,
// and the properties, items and additionalProperties under them), so a backreference there is the
// same 422. A list at a resourceVersion of 100,000 digits is the storage versioner's ParseUint error,
// which no handler maps: 500 with no reason, its message whole (field.Error and strconv do not cut it).

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { raw, serve, type Served } from "./serve-helpers.js";

let s: Served;
const send = (method: string, path: string, body?: unknown) => {
  const text = body === undefined ? undefined : JSON.stringify(body);
  return raw(s, method, path, { token: s.cluster.adminToken, ...(text !== undefined ? { body: text } : {}), headers: text !== undefined ? { "Content-Type": "application/json" } : {} });
};
const json = (r: { body: string }) => JSON.parse(r.body);

beforeAll(async () => {
  s = await serve({ nodes: 1, speed: 10 });
}, 40_000);
afterAll(async () => {
  await s?.stop();
});

const crd = (name: string, spec: unknown) => ({
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: `${name}s.h28.example.com` },
  spec: {
    group: "h28.example.com",
    scope: "Namespaced",
    names: { plural: `${name}s`, singular: name, kind: name[0]!.toUpperCase() + name.slice(1) },
    versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", properties: { spec } } } }],
  },
});
const backref = "^(a+)\\1$";
const refused = (at: string) =>
  `spec.versions[0].schema.openAPIV3Schema.properties[spec].${at}.pattern: Invalid value: "^(a+)\\\\1$": must be a valid regular expression, but isn't: error parsing regexp: invalid escape sequence: \`\\1\``;

describe("a CRD's pattern under allOf, anyOf, oneOf and not is compiled as Go's regexp too (validateNestedValueValidation)", () => {
  it("a backreference under each junctor, and under properties, items and additionalProperties nested in one, is the 422 naming its path; nothing is stored", async () => {
    const cases: Array<[string, unknown, string]> = [
      ["allofs", { type: "string", allOf: [{ pattern: backref }] }, "allOf[0]"],
      ["anyofs", { type: "string", anyOf: [{ minLength: 1 }, { pattern: backref }] }, "anyOf[1]"],
      ["oneofs", { type: "string", oneOf: [{ pattern: backref }] }, "oneOf[0]"],
      ["nots", { type: "string", not: { pattern: backref } }, "not"],
      ["props", { type: "object", properties: { s: { type: "string" } }, allOf: [{ properties: { s: { pattern: backref } } }] }, "allOf[0].properties[s]"],
      ["items", { type: "array", items: { type: "string" }, anyOf: [{ items: { pattern: backref } }] }, "anyOf[0].items"],
      ["deeps", { type: "string", not: { allOf: [{ oneOf: [{ pattern: backref }] }] } }, "not.allOf[0].oneOf[0]"],
    ];
    for (const [name, spec, at] of cases) {
      const r = await send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd(name.slice(0, -1), spec));
      expect(r.code, name).toBe(422);
      const st = json(r);
      expect(st.reason).toBe("Invalid");
      expect(st.message).toBe(`CustomResourceDefinition.apiextensions.k8s.io "${name}.h28.example.com" is invalid: ${refused(at)}`);
      expect((await send("GET", `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}.h28.example.com`)).code).toBe(404);
    }
  });

  it("a pattern RE2 compiles, under allOf, is taken: the CRD is created", async () => {
    const r = await send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd("fine", { type: "string", allOf: [{ pattern: "^(a+)+b$" }] }));
    expect(r.code).toBe(201);
  });
});

describe("a list at a resourceVersion of 100,000 digits (the storage versioner's ParseUint)", () => {
  it("is 500 with no reason and the whole value quoted twice: strconv's value out of range", async () => {
    const rv = "9".repeat(100_000);
    const r = await send("GET", `/api/v1/namespaces/default/configmaps?resourceVersion=${rv}`);
    expect(r.code).toBe(500);
    const st = json(r);
    expect(st.reason).toBeUndefined();
    expect(st.message).toBe(`resourceVersion: Invalid value: "${rv}": strconv.ParseUint: parsing "${rv}": value out of range`);
  });

  it("leading zeros are read past as ParseUint reads them: 25 digits that are 1 are no error", async () => {
    const r = await send("GET", `/api/v1/namespaces/default/configmaps?resourceVersion=${"0".repeat(24)}1`);
    expect(r.code).toBe(200);
  });
});
