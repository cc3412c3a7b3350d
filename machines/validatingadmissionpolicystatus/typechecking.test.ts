// Cases of k8s.io/apiserver v0.35 pkg/admission/plugin/policy/validating typechecking_test.go
// (TestExtractTypeNames, TestTypeCheck) and the "Type checking" section of the Validating
// Admission Policy docs page, against podflow's schemas of the built-in kinds and a CRD's.
import { describe, expect, it } from "vitest";
import { typeCheck, typesToCheck } from "./typechecking.js";

const rule = (apiGroups: string[], apiVersions: string[], resources: string[]) => ({ apiGroups, apiVersions, operations: ["CREATE"], resources });
const policy = (rules: object[], spec: object = {}) => ({ metadata: { name: "p" }, spec: { matchConstraints: { resourceRules: rules }, ...spec } });
const deployments = [rule(["apps"], ["v1"], ["deployments"])];
const none = { crds: [] };

describe("typesToCheck: the kinds a policy's resource rules name", () => {
  it.each([
    ["empty", { spec: {} }, []],
    ["specific", policy(deployments), ["apps/v1/Deployment"]],
    ["multiple, sorted by group", policy([...deployments, rule([""], ["v1"], ["pods"])]), ["/v1/Pod", "apps/v1/Deployment"]],
    ["all resources", policy([rule(["apps"], ["v1"], ["*"])]), []],
    ["sub resources", policy([rule(["apps"], ["v1"], ["pods/*"])]), []],
    ["mixtures", policy([...deployments, rule(["apps"], ["*"], ["deployments"])]), ["apps/v1/Deployment"]],
  ])("%s", (_name, p, expected) => {
    expect(typesToCheck(p, none).map((g) => `${g.group}/${g.version}/${g.kind}`)).toEqual(expected);
  });
});

describe("typeCheck: the policy's expression warnings", () => {
  it("reproduces the docs' example: apps/v1 Deployment has no field replicas", () => {
    const p = policy(deployments, { validations: [{ expression: "object.replicas > 1", message: "must be replicated", reason: "Invalid" }] });
    expect(typeCheck(p, none)).toEqual([{ fieldRef: "spec.validations[0].expression", warning: "apps/v1, Kind=Deployment: ERROR: <input>:1:7: undefined field 'replicas'\n | object.replicas > 1\n | ......^\n" }]);
  });

  it("checks every matched kind, one result per kind", () => {
    const p = policy([rule(["apps"], ["v1"], ["deployments", "replicasets"])], { validations: [{ expression: "object.replicas > 1" }] });
    const w = typeCheck(p, none);
    expect(w.map((x) => x.fieldRef)).toEqual(["spec.validations[0].expression"]);
    expect(w[0]!.warning.split("\n").filter((l) => l.includes("Kind="))).toEqual([
      "apps/v1, Kind=Deployment: ERROR: <input>:1:7: undefined field 'replicas'",
      "apps/v1, Kind=ReplicaSet: ERROR: <input>:1:7: undefined field 'replicas'",
    ]);
  });

  it("passes a correct expression and an unresolved kind", () => {
    expect(typeCheck(policy(deployments, { validations: [{ expression: "object.spec.replicas > 1" }] }), none)).toEqual([]);
    expect(typeCheck(policy([rule(["example.com"], ["v1"], ["widgets"])], { validations: [{ expression: "object.foo == 'bar'" }] }), none)).toEqual([]);
  });

  it("finds a type mismatch (found no matching overload)", () => {
    const w = typeCheck(policy(deployments, { validations: [{ expression: "object.spec.replicas == 'bar'" }] }), none);
    expect(w).toHaveLength(1);
    expect(w[0]!.warning).toContain("found no matching overload");
  });

  it("checks messageExpressions apart, and only the expressions that fail", () => {
    const p = policy(deployments, { validations: [{ expression: "object.spec.replicas > 1" }, { expression: "object.bar == 'foo'" }, { expression: "true", messageExpression: "object.metadata.name + 114514" }] });
    expect(typeCheck(p, none).map((x) => x.fieldRef)).toEqual(["spec.validations[1].expression", "spec.validations[2].messageExpression"]);
  });

  // cel-go places an operator's error at the operator
  it("types params by the paramKind's schema; none resolved leaves params undeclared", () => {
    const withParams = (kind: object) => policy(deployments, { paramKind: kind, validations: [{ expression: "object.spec.replicas <= params.data.max" }, { expression: "params.bar == 1" }] });
    expect(typeCheck(withParams({ apiVersion: "v1", kind: "ConfigMap" }), none).map((x) => [x.fieldRef, x.warning.split("\n")[0]])).toEqual([
      ["spec.validations[0].expression", "apps/v1, Kind=Deployment: ERROR: <input>:1:22: found no matching overload for '_<=_' applied to '(int, string)'"],
      ["spec.validations[1].expression", "apps/v1, Kind=Deployment: ERROR: <input>:1:7: undefined field 'bar'"],
    ]);
    expect(typeCheck(withParams({ apiVersion: "v1", kind: "DoesNotExist" }), none)[0]!.warning).toContain("undeclared reference to 'params'");
  });

  it("types variables by what they compile to", () => {
    const p = policy(deployments, { variables: [{ name: "works", expression: "true" }, { name: "name", expression: "'something'" }], validations: [{ expression: "variables.works" }, { expression: "variables.nonExisting" }, { expression: "variables.name == object.spec.replicas" }] });
    const w = typeCheck(p, none);
    expect(w.map((x) => x.fieldRef)).toEqual(["spec.validations[1].expression", "spec.validations[2].expression"]);
    expect(w[0]!.warning).toContain("undefined field 'nonExisting'");
    expect(w[1]!.warning).toContain("found no matching overload for '_==_' applied to '(string, int)'");
  });

  // compile.go BuildRequestType and BuildNamespaceType
  it("types request and namespaceObject as Kubernetes declares them", () => {
    const p = policy(deployments, { validations: [{ expression: "request.userInfo.username != '' && namespaceObject.metadata.labels['a'] == 'b' && namespaceObject.metadata.creationTimestamp < timestamp('2030-01-01T00:00:00Z')" }, { expression: "request.user == 'x'" }, { expression: "namespaceObject.metadata.uid == 'x'" }] });
    expect(typeCheck(p, none).map((x) => [x.fieldRef, x.warning.split("\n")[0]])).toEqual([
      ["spec.validations[1].expression", "apps/v1, Kind=Deployment: ERROR: <input>:1:8: undefined field 'user'"],
      ["spec.validations[2].expression", "apps/v1, Kind=Deployment: ERROR: <input>:1:25: undefined field 'uid'"],
    ]);
  });

  it("accepts the authorizer's checks", () => {
    expect(typeCheck(policy(deployments, { validations: [{ expression: "authorizer.group('').resource('endpoints').check('create').allowed()" }] }), none)).toEqual([]);
  });

  it("types a custom resource by its CRD's structural schema", () => {
    const crd = {
      spec: { group: "example.com", names: { plural: "reproducers", kind: "Reproducer" }, versions: [{ name: "v1alpha1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { text: { type: "string" } } }, status: { type: "object", properties: { problematicProperty: { type: "object", additionalProperties: true } } } } } } }] },
      status: { conditions: [{ type: "Established", status: "True" }] },
    };
    const rules = [rule(["example.com"], ["v1alpha1"], ["reproducers"])];
    expect(typeCheck(policy(rules, { validations: [{ expression: "has(object.spec.text) && object.metadata.name != ''" }] }), { crds: [crd] })).toEqual([]);
    expect(typeCheck(policy(rules, { validations: [{ expression: "object.spec.txt == ''" }] }), { crds: [crd] })[0]!.warning.split("\n")[0]).toBe("example.com/v1alpha1, Kind=Reproducer: ERROR: <input>:1:12: undefined field 'txt'");
  });
});
