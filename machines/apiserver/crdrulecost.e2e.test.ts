// A CRD whose x-kubernetes-validations are estimated too costly is refused when written, as
// apiextensions-apiserver's validation.go does: per expression (StaticEstimatedCostLimit 10,000,000,
// a rule's worst case times how often it can run) and for the whole schema
// (StaticEstimatedCRDCostLimit 100,000,000), with getCostErrorMessage's texts; on update a version
// whose schema is unchanged keeps its rules (the per-expression limit is not applied to it).

import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";
import { validateCustomResourceDefinitionUpdate } from "./validation/crd.js";

const crd = (specProps: object, name = "widgets") => ({
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: `${name}.example.com` },
  spec: {
    group: "example.com",
    scope: "Namespaced",
    names: { plural: name, singular: name.slice(0, -1), kind: "Widget" },
    versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: specProps } } } } }],
  },
});

const pairs = (maxItems?: number) => ({
  items: { type: "array", ...(maxItems === undefined ? {} : { maxItems }), items: { type: "integer" }, "x-kubernetes-validations": [{ rule: "self.all(x, self.all(y, x == y))" }] },
});

async function refusal(objs: object): Promise<{ code: number; message: string }> {
  const c = createCluster({ nodes: 1, seed: 7, clock: "simulated" });
  try {
    await c.apply(objs);
  } catch (e: any) {
    return { code: e.status?.code, message: e.status?.message };
  } finally {
    await c.stop();
  }
  throw new Error("the CRD was accepted");
}

const AT = "spec.versions[0].schema.openAPIV3Schema";
const HINT = "(try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)";

describe("the estimated cost of a CRD's validation rules", () => {
  it("refuses an O(n^2) rule over an unbounded list, per expression and for the whole schema", async () => {
    const f = await refusal(crd(pairs()));
    expect(f.code).toBe(422);
    const rule = `${AT}.properties[spec].properties[items].x-kubernetes-validations[0].rule`;
    expect(f.message).toBe(
      'CustomResourceDefinition.apiextensions.k8s.io "widgets.example.com" is invalid: [' +
        `${rule}: Forbidden: estimated rule cost exceeds budget by factor of more than 100x ${HINT}, ` +
        `${rule}: Forbidden: contributed to estimated rule & messageExpression cost total exceeding cost limit for entire OpenAPIv3 schema, ` +
        `${AT}: Forbidden: x-kubernetes-validations estimated rule & messageExpression cost total for entire OpenAPIv3 schema exceeds budget by factor of more than 100x ${HINT}]`,
    );
  });

  it("accepts the same rule once maxItems bounds the list", async () => {
    const c = createCluster({ nodes: 1, seed: 7, clock: "simulated" });
    await c.apply(crd(pairs(10)));
    await c.settle();
    expect(c.get("CustomResourceDefinition", "widgets.example.com")?.metadata.name).toBe("widgets.example.com");
    await c.stop();
  });

  it("multiplies a rule under an unbounded list by how many of its nodes fit in a request, and names the costliest rules over the schema total", async () => {
    // apiextensions validation_test.go's "cost total exceeds total limit" row
    const f = await refusal(
      crd({
        array: { type: "array", items: { type: "string", maxLength: 500000, "x-kubernetes-validations": [{ rule: "self.contains('keyword')" }] } },
        map: { type: "object", maxProperties: 10000, additionalProperties: { type: "string", maxLength: 2048, "x-kubernetes-validations": [{ rule: "self.contains('keyword')" }] } },
        field: { type: "integer", "x-kubernetes-validations": [{ rule: "self > 50 && self < 100" }] },
      }),
    );
    const array = `${AT}.properties[spec].properties[array].items.x-kubernetes-validations[0].rule`;
    const map = `${AT}.properties[spec].properties[map].additionalProperties.x-kubernetes-validations[0].rule`;
    expect(f.message).toBe(
      'CustomResourceDefinition.apiextensions.k8s.io "widgets.example.com" is invalid: [' +
        `${array}: Forbidden: estimated rule cost exceeds budget by factor of more than 100x ${HINT}, ` +
        `${array}: Forbidden: contributed to estimated rule & messageExpression cost total exceeding cost limit for entire OpenAPIv3 schema, ` +
        `${map}: Forbidden: contributed to estimated rule & messageExpression cost total exceeding cost limit for entire OpenAPIv3 schema, ` +
        `${AT}: Forbidden: x-kubernetes-validations estimated rule & messageExpression cost total for entire OpenAPIv3 schema exceeds budget by factor of more than 100x ${HINT}]`,
    );
  });

  it("prints a factor under 1.5 with six decimals, and refuses a messageExpression over its own budget", async () => {
    // 1.3x: maxLength 32,500,000 code points (130,000,000 bytes) at 0.1 per byte, times a 1-character literal
    const near = await refusal(crd({ s: { type: "string", maxLength: 32_500_000, "x-kubernetes-validations": [{ rule: "self.contains('k')" }] } }));
    expect(near.message).toBe(
      `CustomResourceDefinition.apiextensions.k8s.io "widgets.example.com" is invalid: ${AT}.properties[spec].properties[s].x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget by factor of 1.300000x ${HINT}`,
    );
    const msg = await refusal(crd({ names: { type: "array", items: { type: "string" }, "x-kubernetes-validations": [{ rule: "self.size() < 5", messageExpression: "self.join(', ')" }] } }));
    const at = `${AT}.properties[spec].properties[names].x-kubernetes-validations[0].messageExpression`;
    expect(msg.message).toBe(
      'CustomResourceDefinition.apiextensions.k8s.io "widgets.example.com" is invalid: [' +
        `${at}: Forbidden: estimated messageExpression cost exceeds budget by factor of more than 100x ${HINT}, ` +
        `${at}: Forbidden: contributed to estimated rule & messageExpression cost total exceeding cost limit for entire OpenAPIv3 schema, ` +
        `${AT}: Forbidden: x-kubernetes-validations estimated rule & messageExpression cost total for entire OpenAPIv3 schema exceeds budget by factor of more than 100x ${HINT}]`,
    );
  });
});

describe("a messageExpression concatenating string(int)", () => {
  it("is refused: a converted value's size is unknown (kubernetes/kubernetes#124234)", async () => {
    const config = { type: "object", "x-kubernetes-validations": [{ messageExpression: "'invalid attempts: ' + string(self.attempts)", rule: "self.attempts >= 0" }], properties: { attempts: { type: "integer" } } };
    const f = await refusal(crd({ config }));
    const at = `${AT}.properties[spec].properties[config].x-kubernetes-validations[0].messageExpression`;
    expect(f.message).toBe(
      'CustomResourceDefinition.apiextensions.k8s.io "widgets.example.com" is invalid: [' +
        `${at}: Forbidden: estimated messageExpression cost exceeds budget by factor of more than 100x ${HINT}, ` +
        `${at}: Forbidden: contributed to estimated rule & messageExpression cost total exceeding cost limit for entire OpenAPIv3 schema, ` +
        `${AT}: Forbidden: x-kubernetes-validations estimated rule & messageExpression cost total for entire OpenAPIv3 schema exceeds budget by factor of more than 100x ${HINT}]`,
    );
  });
});

describe("updating a CRD whose stored rules are over the per-expression budget", () => {
  const over = crd({ items: { type: "array", maxItems: 2000, items: { type: "integer" }, "x-kubernetes-validations": [{ rule: "self.all(x, self.all(y, x == y))" }] } });
  const rule = `${AT}.properties[spec].properties[items].x-kubernetes-validations[0].rule`;

  it("keeps a version whose schema did not change (only the whole-schema limit still holds)", () => {
    // 2000 items: ~20,000,000 per evaluation, over the 10,000,000 per expression, under the 100,000,000 total
    const edited = { ...over, metadata: { ...over.metadata, labels: { team: "a" } } };
    expect(validateCustomResourceDefinitionUpdate(edited, over).filter((e) => e.field === rule)).toEqual([]);
  });

  it("applies the per-expression limit to a version whose schema changed", () => {
    const changed = structuredClone(over);
    (changed.spec.versions[0]!.schema.openAPIV3Schema.properties.spec.properties as any).extra = { type: "string" };
    const errs = validateCustomResourceDefinitionUpdate(changed, over).filter((e) => e.field === rule);
    expect(errs.map((e) => e.type)).toEqual(["FieldValueForbidden"]);
    expect(errs[0]!.detail).toMatch(/^estimated rule cost exceeds budget by factor of 2\.0x /);
  });
});
