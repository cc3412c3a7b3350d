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

// rbacAuthorize remembers decisions with the rules they came from, and a user's rules by the user
// value under the last policy version: asked again, in any order, across versions, it must answer
// as the rules say. The expectations here are worked out from the objects, independently.
describe("remembered decisions answer as the rules do", () => {
  const named = (names: string[]) => ({ kind: "Role", metadata: { namespace: "default", name: "pod-reader" }, rules: [{ verbs: ["get"], apiGroups: [""], resources: ["pods"], resourceNames: names }] });
  const nameAttrs = (user: UserInfo, name: string, subresource = ""): Attributes => ({ ...attrs(user, "get", "pods", "default"), name, subresource });

  it("a rule with resourceNames decides each name (the name is part of what is remembered)", () => {
    const c = put(withBootstrap(), named(["a", "b"]), roleBinding);
    for (let round = 0; round < 3; round++) {
      expect(allowed(c, nameAttrs(jane, "a"))).toBe(true);
      expect(allowed(c, nameAttrs(jane, "c"))).toBe(false);
      expect(allowed(c, nameAttrs(jane, "b"))).toBe(true);
      expect(allowed(c, nameAttrs(jane, ""))).toBe(false);
      // a subresource is another resource ("pods/status"), whatever the name
      expect(allowed(c, nameAttrs(jane, "a", "status"))).toBe(false);
    }
  });

  it("parts that run together differently are different questions", () => {
    // "*/log" is the log subresource of any resource: "pods" with subresource "log" only, not a resource named "pods/log"
    const c = put(withBootstrap(), role([{ verbs: ["get"], apiGroups: [""], resources: ["*/log"] }]), roleBinding);
    const ask = (resource: string, subresource: string) => allowed(c, { ...attrs(jane, "get", resource, "default"), subresource });
    expect(ask("pods", "log")).toBe(true);
    expect(ask("pods/log", "")).toBe(false);
    expect(ask("pods", "log")).toBe(true);
    expect(ask("pods/log", "")).toBe(false);
  });

  it("alternating policy versions, and equal users that are different values, each get their version's answer", () => {
    const v1 = put(withBootstrap(), clusterRole(["get"]), clusterBinding);
    const v2 = put(v1, clusterRole(["list"]));
    const reader = () => ({ name: "jane", groups: ["readers", "system:authenticated"] });
    const same = reader();
    for (let round = 0; round < 3; round++) {
      for (const u of [same, reader()]) {
        expect(allowed(v1, attrs(u, "get", "nodes", ""))).toBe(true);
        expect(allowed(v2, attrs(u, "get", "nodes", ""))).toBe(false);
        expect(allowed(v2, attrs(u, "list", "nodes", ""))).toBe(true);
        expect(allowed(v1, attrs(u, "list", "nodes", ""))).toBe(false);
        // the same user in a namespace: its namespace's bindings (none here) and the cluster's
        expect(allowed(v2, attrs(u, "list", "nodes", "default"))).toBe(true);
      }
    }
  });

  it("the reason names the binding that allowed it, each time it is asked", () => {
    const c = put(withBootstrap(), clusterRole(["get"]), clusterBinding);
    const reader: UserInfo = { name: "jane", groups: ["readers", "system:authenticated"] };
    const want = { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "readers" of ClusterRole "node-reader" to Group "readers"' };
    const first = rbacAuthorize(attrs(reader, "get", "nodes", ""), rbacObjects(c));
    const again = rbacAuthorize(attrs(reader, "get", "nodes", ""), rbacObjects(c));
    expect(first).toEqual(want);
    expect(again).toEqual(want);
    // each answer is the caller's own
    expect(again).not.toBe(first);
  });
});
