// pkg/apis/rbac/validation/validation_test.go, row by row: TestValidateClusterRoleBinding,
// TestValidateRoleBinding, TestValidateRoleBindingUpdate and the Role/ClusterRole tests
// (TestValidateRoleZeroLengthNamespace ... TestValidateRoleNoResources). The Go tests ask that every cause
// has the row's type and field.

import { describe, expect, it } from "vitest";
import type { FieldError } from "../status.js";
import { validateCreate, validateUpdate } from "./index.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
const G = "rbac.authorization.k8s.io";
const every = (errs: FieldError[], type: string, field: string) => {
  expect(errs.length).toBeGreaterThan(0);
  for (const e of errs) expect([e.type, e.field]).toEqual([type, field]);
};
const NotSupported = "FieldValueNotSupported";
const Required = "FieldValueRequired";
const Invalid = "FieldValueInvalid";

describe("TestValidateClusterRoleBinding", () => {
  const crb = (metadata: any, roleRef: any, subjects?: any[]) => ({ kind: "ClusterRoleBinding", metadata, roleRef, ...(subjects ? { subjects } : {}) });
  it("a valid binding", () => expect(validateCreate(crb({ name: "master" }, { apiGroup: G, kind: "ClusterRole", name: "valid" }, [
    { name: "validsaname", apiGroup: "", namespace: "foo", kind: "ServiceAccount" }, { name: "valid@username", apiGroup: G, kind: "User" }, { name: "valid@groupname", apiGroup: G, kind: "Group" },
  ]))).toEqual([]));
  const rows: [string, any, string, string][] = [
    ["bad group", crb({ name: "default" }, { apiGroup: "rbac.GroupName", kind: "ClusterRole", name: "valid" }), NotSupported, "roleRef.apiGroup"],
    ["bad kind", crb({ name: "default" }, { apiGroup: G, kind: "Type", name: "valid" }), NotSupported, "roleRef.kind"],
    ["reference role", crb({ name: "default" }, { apiGroup: G, kind: "Role", name: "valid" }), NotSupported, "roleRef.kind"],
    ["zero-length name", crb({}, { apiGroup: G, kind: "ClusterRole", name: "valid" }), Required, "metadata.name"],
    ["bad role", crb({ name: "default" }, { apiGroup: G, kind: "ClusterRole" }), Required, "roleRef.name"],
    ["bad subject kind", crb({ name: "master" }, { apiGroup: G, kind: "ClusterRole", name: "valid" }, [{ name: "subject" }]), NotSupported, "subjects[0].kind"],
    ["bad subject name", crb({ name: "master" }, { apiGroup: G, kind: "ClusterRole", name: "valid" }, [{ namespace: "foo", name: "subject:bad", kind: "ServiceAccount" }]), Invalid, "subjects[0].name"],
    ["missing SA namespace", crb({ name: "master" }, { apiGroup: G, kind: "ClusterRole", name: "valid" }, [{ name: "good", kind: "ServiceAccount" }]), Required, "subjects[0].namespace"],
    ["missing subject name", crb({ name: "master" }, { apiGroup: G, kind: "ClusterRole", name: "valid" }, [{ namespace: "foo", kind: "ServiceAccount" }]), Required, "subjects[0].name"],
  ];
  for (const [name, obj, type, field] of rows) it(name, () => every(validateCreate(obj), type, field));
});

describe("TestValidateRoleBinding", () => {
  const rb = (metadata: any, roleRef: any, subjects?: any[]) => ({ kind: "RoleBinding", metadata, roleRef, ...(subjects ? { subjects } : {}) });
  const ns = (name?: string) => ({ namespace: "default", ...(name ? { name } : {}) });
  it("a valid binding", () => expect(validateCreate(rb(ns("master"), { apiGroup: G, kind: "Role", name: "valid" }, [
    { name: "validsaname", apiGroup: "", kind: "ServiceAccount" }, { name: "valid@username", apiGroup: G, kind: "User" }, { name: "valid@groupname", apiGroup: G, kind: "Group" },
  ]))).toEqual([]));
  const rows: [string, any, string, string][] = [
    ["bad group", rb(ns("default"), { apiGroup: "rbac.GroupName", kind: "ClusterRole", name: "valid" }), NotSupported, "roleRef.apiGroup"],
    ["bad kind", rb(ns("default"), { apiGroup: G, kind: "Type", name: "valid" }), NotSupported, "roleRef.kind"],
    ["zero-length namespace", rb({ name: "default" }, { apiGroup: G, kind: "Role", name: "valid" }), Required, "metadata.namespace"],
    ["zero-length name", rb(ns(), { apiGroup: G, kind: "Role", name: "valid" }), Required, "metadata.name"],
    ["bad role", rb(ns("default"), { apiGroup: G, kind: "Role" }), Required, "roleRef.name"],
    ["bad subject kind", rb(ns("master"), { apiGroup: G, kind: "Role", name: "valid" }, [{ name: "subject" }]), NotSupported, "subjects[0].kind"],
    ["bad subject name", rb(ns("master"), { apiGroup: G, kind: "Role", name: "valid" }, [{ name: "subject:bad", kind: "ServiceAccount" }]), Invalid, "subjects[0].name"],
    ["missing subject name", rb(ns("master"), { apiGroup: G, kind: "Role", name: "valid" }, [{ kind: "ServiceAccount" }]), Required, "subjects[0].name"],
  ];
  for (const [name, obj, type, field] of rows) it(name, () => every(validateCreate(obj), type, field));
});

describe("TestValidateRoleBindingUpdate", () => {
  const rb = (roleName: string) => ({ kind: "RoleBinding", metadata: { namespace: "default", name: "master", resourceVersion: "1" }, roleRef: { apiGroup: G, kind: "Role", name: roleName } });
  it("an unchanged roleRef", () => expect(validateUpdate(rb("valid"), rb("valid"))).toEqual([]));
  it("changedRef", () => every(validateUpdate(rb("changed"), rb("valid")), Invalid, "roleRef"));
});

describe("the Role and ClusterRole tests", () => {
  const role = (metadata: any, rules?: any[]) => ({ kind: "Role", metadata, ...(rules ? { rules } : {}) });
  const clusterRole = (rules?: any[]) => ({ kind: "ClusterRole", metadata: { name: "default" }, ...(rules ? { rules } : {}) });
  const both = { namespace: "default", name: "default" };
  const rows: [string, any, [string, string] | undefined][] = [
    ["TestValidateRoleZeroLengthNamespace", role({ name: "default" }), [Required, "metadata.namespace"]],
    ["TestValidateRoleZeroLengthName", role({ namespace: "default" }), [Required, "metadata.name"]],
    ["TestValidateRoleValidRole", role(both), undefined],
    ["TestValidateRoleValidRoleNoNamespace", clusterRole(), undefined],
    ["TestValidateRoleNonResourceURL", clusterRole([{ verbs: ["get"], nonResourceURLs: ["/*"] }]), undefined],
    ["TestValidateRoleNamespacedNonResourceURL", role(both, [{ verbs: ["get"], nonResourceURLs: ["/*"] }]), [Invalid, "rules[0].nonResourceURLs"]],
    ["TestValidateRoleNonResourceURLNoVerbs", clusterRole([{ verbs: [], nonResourceURLs: ["/*"] }]), [Required, "rules[0].verbs"]],
    ["TestValidateRoleMixedNonResourceAndResource", role(both, [{ verbs: ["get"], nonResourceURLs: ["/*"], apiGroups: ["v1"], resources: ["pods"] }]), [Invalid, "rules[0].nonResourceURLs"]],
    ["TestValidateRoleValidResource", role(both, [{ verbs: ["get"], apiGroups: ["v1"], resources: ["pods"] }]), undefined],
    ["TestValidateRoleNoAPIGroup", role(both, [{ verbs: ["get"], resources: ["pods"] }]), [Required, "rules[0].apiGroups"]],
    ["TestValidateRoleNoResources", role(both, [{ verbs: ["get"], apiGroups: ["v1"] }]), [Required, "rules[0].resources"]],
  ];
  for (const [name, obj, want] of rows) {
    it(name, () => {
      const errs = validateCreate(obj);
      if (want === undefined) expect(errs).toEqual([]);
      else every(errs, want[0], want[1]);
    });
  }
});
