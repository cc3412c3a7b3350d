// CRD validation rules (x-kubernetes-validations) through createCluster, as kube-apiserver runs them:
// compiled when the CRD is written, evaluated at each schema node when a custom resource is written.
// Expectations from the "Validation rules" section of the Kubernetes docs page "Extend the
// Kubernetes API with CustomResourceDefinitions" and apiextensions-apiserver's schema/cel/validation.go
// (field.Invalid(path, <schema type>, <message>), "failed rule: <rule>", transition rules, ratcheting).

import { describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";

const crd = (spec: object, extraRules: object[] = [], rootRules: object[] = []) => ({
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "crontabs.stable.example.com" },
  spec: {
    group: "stable.example.com",
    scope: "Namespaced",
    names: { plural: "crontabs", singular: "crontab", kind: "CronTab" },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: "object", ...(rootRules.length ? { "x-kubernetes-validations": rootRules } : {}), properties: { spec: { ...spec, ...(extraRules.length ? { "x-kubernetes-validations": extraRules } : {}) } } } },
      },
    ],
  },
});

// the docs' CronTab: minReplicas <= replicas <= maxReplicas
const replicasSpec = {
  type: "object",
  "x-kubernetes-validations": [
    { rule: "self.minReplicas <= self.replicas", message: "replicas should be greater than or equal to minReplicas." },
    { rule: "self.replicas <= self.maxReplicas", message: "replicas should be smaller than or equal to maxReplicas." },
  ],
  properties: {
    cronSpec: { type: "string" },
    image: { type: "string" },
    minReplicas: { type: "integer" },
    replicas: { type: "integer" },
    maxReplicas: { type: "integer" },
  },
  required: ["minReplicas", "replicas", "maxReplicas"],
};

const cronTab = (spec: object, name = "my-new-cron-object") => ({ apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name }, spec });

async function cluster(...objs: object[]): Promise<Cluster> {
  const c = createCluster({ nodes: 1, seed: 7, clock: "simulated" });
  for (const o of objs) await c.apply(o);
  await c.settle();
  return c;
}

async function failure(p: Promise<unknown>): Promise<{ code: number; message: string; causes: unknown }> {
  try {
    await p;
  } catch (e: any) {
    return { code: e.status?.code, message: e.status?.message, causes: e.status?.details?.causes };
  }
  throw new Error("the request succeeded");
}

describe("x-kubernetes-validations on a custom resource", () => {
  it("rejects the docs' CronTab whose replicas exceed maxReplicas, with the rule's message at the rule's node", async () => {
    const c = await cluster(crd(replicasSpec));
    const f = await failure(c.apply(cronTab({ cronSpec: "* * * * */5", image: "my-awesome-cron-image", minReplicas: 0, replicas: 20, maxReplicas: 10 })));
    expect(f.code).toBe(422);
    expect(f.message).toBe('CronTab.stable.example.com "my-new-cron-object" is invalid: spec: Invalid value: "object": replicas should be smaller than or equal to maxReplicas.');
    expect(f.causes).toEqual([{ reason: "FieldValueInvalid", message: 'Invalid value: "object": replicas should be smaller than or equal to maxReplicas.', field: "spec" }]);
    await c.apply(cronTab({ minReplicas: 0, replicas: 5, maxReplicas: 10 }));
    expect(c.get("CronTab", "my-new-cron-object", "default").spec.replicas).toBe(5);
    await c.stop();
  });

  it("reports a rule without a message as 'failed rule: <rule>', and a root rule at <nil>", async () => {
    const c = await cluster(crd({ type: "object", properties: { a: { type: "integer" } } }, [{ rule: "self.a > 1" }], [{ rule: "self.metadata.name.startsWith('x')" }]));
    const f = await failure(c.apply(cronTab({ a: 1 })));
    expect(f.message).toBe('CronTab.stable.example.com "my-new-cron-object" is invalid: [<nil>: Invalid value: "object": failed rule: self.metadata.name.startsWith(\'x\'), spec: Invalid value: "object": failed rule: self.a > 1]');
    await c.stop();
  });

  it("keeps a field immutable with the transition rule self == oldSelf, checked only on update", async () => {
    const c = await cluster(crd({ type: "object", properties: { name: { type: "string", "x-kubernetes-validations": [{ rule: "self == oldSelf", message: "Value is immutable" }] }, other: { type: "string" } } }));
    await c.apply(cronTab({ name: "a", other: "x" }));
    await c.apply(cronTab({ name: "a", other: "y" }));
    const f = await failure(c.apply(cronTab({ name: "b", other: "y" })));
    expect(f.message).toBe('CronTab.stable.example.com "my-new-cron-object" is invalid: spec.name: Invalid value: "string": Value is immutable');
    await c.stop();
  });

  it("uses messageExpression, reason and fieldPath for the error it reports", async () => {
    // format, not '...' + string(self.maxX): a concatenation with string(int), of unknown size, is refused for its
    // estimated cost (kubernetes/kubernetes#124234)
    const rules = [{ rule: "self.x <= self.maxX", messageExpression: "'x exceeds %d'.format([self.maxX])", reason: "FieldValueForbidden", fieldPath: ".x" }];
    const c = await cluster(crd({ type: "object", properties: { x: { type: "integer" }, maxX: { type: "integer" } } }, rules));
    const f = await failure(c.apply(cronTab({ x: 5, maxX: 3 })));
    expect(f.message).toBe('CronTab.stable.example.com "my-new-cron-object" is invalid: spec.x: Forbidden: x exceeds 3');
    expect(f.causes).toEqual([{ reason: "FieldValueForbidden", message: "Forbidden: x exceeds 3", field: "spec.x" }]);
    await c.stop();
  });

  it("reports a runtime error with ' evaluating rule: ', and stops an expensive rule at the per-call cost limit", async () => {
    const c = await cluster(
      crd({
        type: "object",
        properties: {
          m: { type: "object", additionalProperties: { type: "string" }, "x-kubernetes-validations": [{ rule: "self['k'] == 'v'" }] },
          // maxItems 100 keeps the estimate (9,050,502) under the 10,000,000 a CRD may declare; evaluating it runs past the per-call limit
          l: { type: "array", maxItems: 100, items: { type: "integer" }, "x-kubernetes-validations": [{ rule: "self.all(x, self.all(y, self.all(z, x + y + z >= 0)))" }] },
        },
      }),
    );
    const f = await failure(c.apply(cronTab({ m: { other: "v" } })));
    expect(f.message).toBe('CronTab.stable.example.com "my-new-cron-object" is invalid: spec.m: Invalid value: "object": no such key: k evaluating rule: self[\'k\'] == \'v\'');
    const g = await failure(c.apply(cronTab({ l: Array.from({ length: 100 }, (_, i) => i) }, "big")));
    expect(g.message).toBe('CronTab.stable.example.com "big" is invalid: spec.l: Invalid value: "array": \'operation cancelled: actual cost limit exceeded\': no further validation rules will be run due to call cost exceeds limit for rule: self.all(x, self.all(y, self.all(z, x + y + z >= 0)))');
    await c.stop();
  });

  it("does not run the rules of an object that fails its schema's types or required fields", async () => {
    const c = await cluster(crd(replicasSpec));
    const f = await failure(c.apply(cronTab({ minReplicas: 0, replicas: 20 })));
    expect(f.message).toBe('CronTab.stable.example.com "my-new-cron-object" is invalid: [spec.maxReplicas: Required value, <nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation]');
    await c.stop();
  });

  it("ratchets: an unchanged value that breaks a rule added later may stay while other fields change", async () => {
    const open = { type: "object", properties: { a: { type: "integer" }, b: { type: "string" } } };
    const c = await cluster(crd(open));
    await c.apply(cronTab({ a: 0, b: "x" }));
    await c.apply(crd({ ...open, properties: { a: { type: "integer", "x-kubernetes-validations": [{ rule: "self > 0" }] }, b: { type: "string" } } }));
    await c.settle();
    const [ratcheted] = await c.apply(cronTab({ a: 0, b: "y" }));
    expect(c.get("CronTab", "my-new-cron-object", "default").spec.b).toBe("y");
    // the failure let through is written as a warning (validation.go's warning.AddWarning(ctx, "", e.Error()))
    expect(ratcheted!.warnings).toEqual(['spec.a: Invalid value: "integer": failed rule: self > 0']);
    const f = await failure(c.apply(cronTab({ a: -1, b: "y" })));
    expect(f.message).toBe('CronTab.stable.example.com "my-new-cron-object" is invalid: spec.a: Invalid value: "integer": failed rule: self > 0');
    await c.stop();
  });
});

describe("x-kubernetes-validations on the CRD", () => {
  it("refuses a rule that does not compile, or is not a bool, with cel-go's message", async () => {
    const c = await cluster();
    const f = await failure(c.apply(crd({ type: "object", properties: { a: { type: "integer" } } }, [{ rule: "self.b > 1" }, { rule: "self.a + 1" }])));
    expect(f.code).toBe(422);
    expect(f.message).toBe(
      'CustomResourceDefinition.apiextensions.k8s.io "crontabs.stable.example.com" is invalid: [spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: Invalid value: {"rule":"self.b \\u003e 1"}: compilation failed: ERROR: <input>:1:5: undefined field \'b\'\n | self.b > 1\n | ....^, spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[1].rule: Invalid value: {"rule":"self.a + 1"}: cel expression must evaluate to a bool]',
    );
    await c.stop();
  });

  it("refuses oldSelf under the items of a list that is not a map list", async () => {
    const c = await cluster();
    const f = await failure(c.apply(crd({ type: "object", properties: { l: { type: "array", items: { type: "string", "x-kubernetes-validations": [{ rule: "self == oldSelf" }] } } } })));
    expect(f.message).toContain("x-kubernetes-validations[0].rule: Invalid value: \"self == oldSelf\": oldSelf cannot be used on the uncorrelatable portion of the schema within spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[l].items");
    await c.stop();
  });
});
