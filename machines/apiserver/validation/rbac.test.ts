// Role, ClusterRole and binding defaulting and validation: rows after
// pkg/apis/rbac/validation/validation_test.go (TestValidateRoleBinding*, TestValidateClusterRole*,
// TestValidatePolicyRule*) with v1.35's messages, defaults from pkg/apis/rbac/v1/defaults.go.

import { describe, expect, it } from "vitest";
import { validateCreate, validateUpdate } from "./index.js";
import { brief, defaulted, messages } from "./testing.js";

const G = "rbac.authorization.k8s.io";
const roleOf = (kind: string, rules: object[], name = "r"): any => defaulted({ apiVersion: `${G}/v1`, kind, metadata: kind === "Role" ? { name, namespace: "ns" } : { name }, rules });
const bindingOf = (kind: string, roleRef: object, subjects: object[], name = "b"): any =>
  defaulted({ apiVersion: `${G}/v1`, kind, metadata: kind === "RoleBinding" ? { name, namespace: "ns" } : { name }, roleRef, subjects });

describe("defaults (SetDefaults_Subject, SetDefaults_RoleBinding)", () => {
  it("User and Group subjects and the roleRef are in the RBAC group; a ServiceAccount's group is empty", () => {
    const b = bindingOf("RoleBinding", { kind: "Role", name: "r" }, [{ kind: "User", name: "u" }, { kind: "Group", name: "g" }, { kind: "ServiceAccount", name: "s" }]);
    expect(b.roleRef.apiGroup).toBe(G);
    expect(b.subjects.map((s: any) => s.apiGroup)).toEqual([G, G, ""]);
  });
});

describe("rules (ValidatePolicyRule)", () => {
  it.each([
    ["a rule without verbs", "Role", [{ apiGroups: [""], resources: ["pods"] }], ["FieldValueRequired rules[0].verbs"]],
    ["a resource rule without groups or resources", "Role", [{ verbs: ["get"] }], ["FieldValueRequired rules[0].apiGroups", "FieldValueRequired rules[0].resources"]],
    ["a namespaced rule naming URLs", "Role", [{ verbs: ["get"], nonResourceURLs: ["/healthz"] }], ["FieldValueInvalid rules[0].nonResourceURLs"]],
    ["a cluster rule naming URLs", "ClusterRole", [{ verbs: ["get"], nonResourceURLs: ["/healthz"] }], []],
    ["a rule with both resources and URLs", "ClusterRole", [{ verbs: ["get"], resources: ["pods"], nonResourceURLs: ["/healthz"] }], ["FieldValueInvalid rules[0].nonResourceURLs"]],
  ])("%s", (_name, kind, rules, want) => {
    expect(brief(validateCreate(roleOf(kind, rules)))).toEqual(want);
  });
  it("names are URL path segments (ValidateRBACName): a colon is fine, a slash is not", () => {
    expect(validateCreate(roleOf("ClusterRole", [], "system:thing"))).toEqual([]);
    expect(messages(validateCreate(roleOf("ClusterRole", [], "a/b")))).toEqual(["metadata.name: Invalid value: \"a/b\": may not contain '/'"]);
  });
  it("an aggregation rule needs a selector", () => {
    const r = { ...roleOf("ClusterRole", []), aggregationRule: {} };
    expect(messages(validateCreate(r))).toEqual(["aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil"]);
  });
});

describe("bindings (ValidateRoleBinding, ValidateClusterRoleBinding, ValidateRoleBindingSubject)", () => {
  it("a ClusterRoleBinding binds only ClusterRoles; a RoleBinding also Roles", () => {
    expect(messages(validateCreate(bindingOf("ClusterRoleBinding", { kind: "Role", name: "r" }, [])))).toEqual(['roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"']);
    expect(validateCreate(bindingOf("RoleBinding", { kind: "Role", name: "r" }, []))).toEqual([]);
  });
  it("the roleRef's group and name", () => {
    expect(brief(validateCreate(bindingOf("RoleBinding", { apiGroup: "other", kind: "Role" }, [])))).toEqual(["FieldValueNotSupported roleRef.apiGroup", "FieldValueRequired roleRef.name"]);
  });
  it("subjects: a kind of the three, a name, a cluster binding's ServiceAccount has a namespace", () => {
    const subjects = [{ kind: "Robot", name: "r2" }, { kind: "User", name: "" }, { kind: "ServiceAccount", name: "s" }, { kind: "Group", apiGroup: "x", name: "g" }];
    expect(messages(validateCreate(bindingOf("ClusterRoleBinding", { kind: "ClusterRole", name: "c" }, subjects)))).toEqual([
      'subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
      "subjects[1].name: Required value",
      "subjects[2].namespace: Required value",
      'subjects[3].apiGroup: Unsupported value: "x": supported values: "rbac.authorization.k8s.io"',
    ]);
    expect(validateCreate(bindingOf("RoleBinding", { kind: "Role", name: "r" }, [{ kind: "ServiceAccount", name: "s" }]))).toEqual([]);
  });
  it("the roleRef never changes on update", () => {
    const old = { ...bindingOf("RoleBinding", { kind: "Role", name: "r" }, []), metadata: { name: "b", namespace: "ns", resourceVersion: "1" } };
    const moved = { ...old, roleRef: { ...old.roleRef, name: "other" } };
    expect(messages(validateUpdate(moved, old))).toEqual(['roleRef: Invalid value: {"APIGroup":"rbac.authorization.k8s.io","Kind":"Role","Name":"other"}: cannot change roleRef']);
    expect(validateUpdate({ ...old, subjects: [{ kind: "User", apiGroup: G, name: "u" }] }, old)).toEqual([]);
  });
  it("the roleRef's kind never changes either: a Role swapped for the ClusterRole of its name is refused (RoleRef compared whole)", () => {
    const old = { ...bindingOf("RoleBinding", { kind: "Role", name: "r" }, []), metadata: { name: "b", namespace: "ns", resourceVersion: "1" } };
    const swapped = { ...old, roleRef: { ...old.roleRef, kind: "ClusterRole" } };
    expect(messages(validateUpdate(swapped, old))).toEqual(['roleRef: Invalid value: {"APIGroup":"rbac.authorization.k8s.io","Kind":"ClusterRole","Name":"r"}: cannot change roleRef']);
  });
});
