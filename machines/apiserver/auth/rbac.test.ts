// The RBAC authorizer over the API server's watch cache keeps each user's rules per version of the
// stored policy (as kube-apiserver's authorizer reads informer-backed listers): a change to a
// binding or a role must still decide the very next request, as it does on Kubernetes once its
// informer has the change.

import { describe, expect, it } from "vitest";
import { Fx } from "../../common/effects.js";
import { rbacObjects } from "../apiserver.logic.js";
import { applyEtcdEvents, newWatchCache, type WatchCache } from "../cache.js";
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from "./bootstrap.js";
import type { Attributes, UserInfo } from "./index.js";
import { rbacAuthorize } from "./rbac.js";

const G = "rbac.authorization.k8s.io";
const jane: UserInfo = { name: "jane", groups: ["system:authenticated"] };
const keyOf = (o: any) => {
  const plural = `${o.kind.toLowerCase()}s`;
  return o.metadata.namespace ? `/registry/${plural}/${o.metadata.namespace}/${o.metadata.name}` : `/registry/${plural}/${o.metadata.name}`;
};

let revision = 1;
function put(c: WatchCache, ...objs: any[]): WatchCache {
  return applyEtcdEvents(c, objs.map((value) => ({ type: "PUT", kv: { key: keyOf(value), value, createRevision: ++revision, modRevision: revision, version: 1 } }) as any), new Fx());
}
function del(c: WatchCache, o: any): WatchCache {
  return applyEtcdEvents(c, [{ type: "DELETE", kv: { key: keyOf(o), createRevision: 2, modRevision: ++revision, version: 0 } } as any], new Fx());
}

const withBootstrap = () => put(newWatchCache(), ...bootstrapClusterRoles(), ...bootstrapClusterRoleBindings());
const role = (rules: object[]) => ({ kind: "Role", metadata: { namespace: "default", name: "pod-reader" }, rules });
const roleBinding = { kind: "RoleBinding", metadata: { namespace: "default", name: "jane-reads" }, roleRef: { apiGroup: G, kind: "Role", name: "pod-reader" }, subjects: [{ kind: "User", apiGroup: G, name: "jane" }] };
const clusterRole = (verbs: string[]) => ({ kind: "ClusterRole", metadata: { name: "node-reader" }, rules: [{ verbs, apiGroups: [""], resources: ["nodes"] }] });
const clusterBinding = { kind: "ClusterRoleBinding", metadata: { name: "readers" }, roleRef: { apiGroup: G, kind: "ClusterRole", name: "node-reader" }, subjects: [{ kind: "Group", apiGroup: G, name: "readers" }] };
const attrs = (user: UserInfo, verb: string, resource: string, namespace: string): Attributes =>
  ({ user, verb, resourceRequest: true, apiGroup: "", resource, subresource: "", namespace, name: "", path: "", fieldSelector: [] });
const allowed = (c: WatchCache, a: Attributes) => rbacAuthorize(a, rbacObjects(c)).allowed;

describe("a change to the stored policy decides the next request", () => {
  it("a RoleBinding created after a refusal allows the same request next", () => {
    let c = put(withBootstrap(), role([{ verbs: ["list"], apiGroups: [""], resources: ["pods"] }]));
    expect(allowed(c, attrs(jane, "list", "pods", "default"))).toBe(false);
    c = put(c, roleBinding);
    expect(allowed(c, attrs(jane, "list", "pods", "default"))).toBe(true);
    // a RoleBinding grants only in its namespace
    expect(allowed(c, attrs(jane, "list", "pods", "other"))).toBe(false);
  });

  it("a Role's rules changed under an unchanged binding take effect at once", () => {
    let c = put(withBootstrap(), role([{ verbs: ["list"], apiGroups: [""], resources: ["pods"] }]), roleBinding);
    expect(allowed(c, attrs(jane, "list", "pods", "default"))).toBe(true);
    c = put(c, role([{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }]));
    expect(allowed(c, attrs(jane, "list", "pods", "default"))).toBe(false);
    expect(allowed(c, attrs(jane, "get", "pods", "default"))).toBe(true);
  });

  it("a ClusterRole's rules changed, then its ClusterRoleBinding deleted", () => {
    const reader: UserInfo = { name: "jane", groups: ["readers", "system:authenticated"] };
    let c = put(withBootstrap(), clusterRole(["get"]), clusterBinding);
    expect(allowed(c, attrs(reader, "get", "nodes", ""))).toBe(true);
    expect(allowed(c, attrs(reader, "list", "nodes", ""))).toBe(false);
    c = put(c, clusterRole(["get", "list"]));
    expect(allowed(c, attrs(reader, "list", "nodes", ""))).toBe(true);
    c = del(c, clusterBinding);
    expect(allowed(c, attrs(reader, "get", "nodes", ""))).toBe(false);
  });

  it("the same name in other groups holds other rules", () => {
    const c = put(withBootstrap(), clusterRole(["get"]), clusterBinding);
    expect(allowed(c, attrs({ name: "jane", groups: ["readers", "system:authenticated"] }, "get", "nodes", ""))).toBe(true);
    expect(allowed(c, attrs(jane, "get", "nodes", ""))).toBe(false);
  });

  it("an earlier version of the policy still decides as it did", () => {
    const before = put(withBootstrap(), clusterRole(["get"]));
    const after = put(before, clusterBinding);
    const reader: UserInfo = { name: "jane", groups: ["readers", "system:authenticated"] };
    expect(allowed(after, attrs(reader, "get", "nodes", ""))).toBe(true);
    expect(allowed(before, attrs(reader, "get", "nodes", ""))).toBe(false);
  });
});
