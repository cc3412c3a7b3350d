// The authorizer chain, NodeRestriction and impersonation against the rules and wording of
// kube-apiserver v1.35: plugin/pkg/auth/authorizer/node/node_authorizer.go,
// plugin/pkg/admission/noderestriction/admission.go, bootstrappolicy/{policy,controller_policy}.go,
// endpoints/filters/impersonation.go and responsewriters/errors.go.

import { describe, expect, it } from "vitest";
import { admitNodeRestriction, authorize, forbidden, impersonate, type Attributes, type NodeGraph, type UserInfo } from "./index.js";
import { resourceFor } from "../resources.js";
import { parseFieldSelector } from "../../common/labels.js";

const pods = new Map<string, any>([
  ["default/web", {
    metadata: { namespace: "default", name: "web", labels: { app: "web" } },
    spec: {
      nodeName: "node-1",
      imagePullSecrets: [{ name: "regcred" }],
      containers: [{ name: "c", envFrom: [{ configMapRef: { name: "web-config" } }], env: [{ name: "P", valueFrom: { secretKeyRef: { name: "web-env", key: "p" } } }] }],
      volumes: [{ name: "tls", secret: { secretName: "web-tls" } }, { name: "p", projected: { sources: [{ configMap: { name: "web-projected" } }] } }],
    },
  }],
  ["default/db", { metadata: { namespace: "default", name: "db" }, spec: { nodeName: "node-2", containers: [{ name: "c" }], volumes: [{ name: "s", secret: { secretName: "db-pass" } }] } }],
  ["other/web-twin", { metadata: { namespace: "other", name: "web-twin" }, spec: { nodeName: "node-1", containers: [{ name: "c" }], volumes: [{ name: "s", secret: { secretName: "twin" } }] } }],
]);
const nodes = new Map<string, any>([["node-1", { metadata: { name: "node-1", uid: "uid-node-1" }, spec: { taints: [] } }], ["node-2", { metadata: { name: "node-2", uid: "uid-node-2" } }]]);
const graph: NodeGraph = {
  pod: (ns, name) => pods.get(`${ns}/${name}`),
  podsOn: (node) => [...pods.values()].filter((p) => p.spec.nodeName === node),
  node: (name) => nodes.get(name),
};

const node1: UserInfo = { name: "system:node:node-1", groups: ["system:nodes", "system:authenticated"] };
const bob: UserInfo = { name: "bob", groups: ["system:authenticated"] };
const anonymous: UserInfo = { name: "system:anonymous", groups: ["system:unauthenticated"] };
const scheduler: UserInfo = { name: "system:kube-scheduler", groups: ["system:authenticated"] };
const proxy: UserInfo = { name: "system:kube-proxy", groups: ["system:authenticated"] };
const coredns: UserInfo = { name: "system:serviceaccount:kube-system:coredns", groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"] };
const kcm: UserInfo = { name: "system:kube-controller-manager", groups: ["system:authenticated"] };
const admin: UserInfo = { name: "admin", groups: ["system:masters", "system:authenticated"] };

/** Attributes of a resource request: "verb group/resource[/sub] ns/name", with an optional field selector. */
function res(user: UserInfo, verb: string, resource: string, where: { ns?: string; name?: string; group?: string; fs?: string } = {}): Attributes {
  const [res, sub = ""] = resource.split("/") as [string, string?];
  const fs = where.fs ? parseFieldSelector(where.fs) : [];
  return { user, verb, resourceRequest: true, apiGroup: where.group ?? "", resource: res, subresource: sub, namespace: where.ns ?? "", name: where.name ?? "", path: "", fieldSelector: Array.isArray(fs) ? fs : [] };
}
function path(user: UserInfo, p: string, verb = "get"): Attributes {
  return { user, verb, resourceRequest: false, apiGroup: "", resource: "", subresource: "", namespace: "", name: "", path: p, fieldSelector: [] };
}

describe("the Node authorizer, for the kubelet of node-1", () => {
  it.each([
    ["reads a Secret a pod bound to it mounts", res(node1, "get", "secrets", { ns: "default", name: "web-tls" }), true, ""],
    ["reads a Secret a pod bound to it takes an env var from", res(node1, "get", "secrets", { ns: "default", name: "web-env" }), true, ""],
    ["reads an image pull Secret of a pod bound to it", res(node1, "get", "secrets", { ns: "default", name: "regcred" }), true, ""],
    ["watches one such Secret by a metadata.name field selector", res(node1, "watch", "secrets", { ns: "default", name: "web-tls" }), true, ""],
    ["may not read the Secret of a pod on another node", res(node1, "get", "secrets", { ns: "default", name: "db-pass" }), false, "no relationship found between node 'node-1' and this object"],
    ["may not read a same-named Secret in another namespace", res(node1, "get", "secrets", { ns: "kube-system", name: "web-tls" }), false, "no relationship found between node 'node-1' and this object"],
    ["may not list all Secrets of a namespace", res(node1, "list", "secrets", { ns: "default" }), false, "No Object name found"],
    ["may not write a Secret", res(node1, "update", "secrets", { ns: "default", name: "web-tls" }), false, "can only read resources of this type"],
    ["reads a ConfigMap a pod bound to it takes env from", res(node1, "get", "configmaps", { ns: "default", name: "web-config" }), true, ""],
    ["reads a ConfigMap a pod bound to it projects", res(node1, "get", "configmaps", { ns: "default", name: "web-projected" }), true, ""],
    ["may not read an unrelated ConfigMap", res(node1, "get", "configmaps", { ns: "default", name: "kube-root-ca.crt" }), false, "no relationship found between node 'node-1' and this object"],
    ["lists pods with spec.nodeName=node-1", res(node1, "list", "pods", { fs: "spec.nodeName=node-1" }), true, ""],
    ["watches pods with spec.nodeName==node-1 among other requirements", res(node1, "watch", "pods", { fs: "status.phase!=Failed,spec.nodeName==node-1" }), true, ""],
    ["may not list pods without that field selector", res(node1, "list", "pods", {}), false, "can only list/watch pods with spec.nodeName field selector"],
    ["may not list another node's pods", res(node1, "list", "pods", { fs: "spec.nodeName=node-2" }), false, "can only list/watch pods with spec.nodeName field selector"],
    ["gets a pod bound to it", res(node1, "get", "pods", { ns: "default", name: "web" }), true, ""],
    ["may not get a pod bound to another node", res(node1, "get", "pods", { ns: "default", name: "db" }), false, "no relationship found between node 'node-1' and this object"],
    ["may not get a pod that does not exist", res(node1, "get", "pods", { ns: "default", name: "gone" }), false, "no relationship found between node 'node-1' and this object"],
    ["creates and deletes pods (NodeRestriction narrows it to its own mirror pods)", res(node1, "delete", "pods", { ns: "default", name: "db" }), true, ""],
    ["updates pod status (NodeRestriction narrows it to its own pods)", res(node1, "update", "pods/status", { ns: "default", name: "db" }), true, ""],
    ["may not bind pods", res(node1, "create", "pods/binding", { ns: "default", name: "db" }), false, ""],
    ["gets its own Node", res(node1, "get", "nodes", { name: "node-1" }), true, ""],
    ["may not get another Node", res(node1, "get", "nodes", { name: "node-2" }), false, "node 'node-1' cannot read 'node-2', only its own Node object"],
    ["may not list all Nodes", res(node1, "list", "nodes"), false, "node 'node-1' cannot read all nodes, only its own Node object"],
    ["updates Nodes (NodeRestriction narrows it to its own)", res(node1, "update", "nodes", { name: "node-2" }), true, ""],
    ["updates Node status", res(node1, "patch", "nodes/status", { name: "node-1" }), true, ""],
    ["may not delete a Node, not even its own", res(node1, "delete", "nodes", { name: "node-1" }), false, ""],
    ["updates its own Lease", res(node1, "update", "leases", { group: "coordination.k8s.io", ns: "kube-node-lease", name: "node-1" }), true, ""],
    ["creates a Lease (NodeRestriction checks the name)", res(node1, "create", "leases", { group: "coordination.k8s.io", ns: "kube-node-lease" }), true, ""],
    ["may not update another node's Lease", res(node1, "update", "leases", { group: "coordination.k8s.io", ns: "kube-node-lease", name: "node-2" }), false, "can only access node lease with the same name as the requesting node"],
    ["may not touch Leases outside kube-node-lease", res(node1, "get", "leases", { group: "coordination.k8s.io", ns: "kube-system", name: "node-1" }), false, 'can only access leases in the "kube-node-lease" system namespace'],
    ["may not list Leases", res(node1, "list", "leases", { group: "coordination.k8s.io", ns: "kube-node-lease" }), false, "can only get, create, update, patch, or delete a node lease"],
    ["lists and watches Services (the node role)", res(node1, "watch", "services"), true, ""],
    ["gets Endpoints but may not list them", res(node1, "list", "endpoints", { ns: "default" }), false, ""],
    ["creates and patches Events", res(node1, "patch", "events", { ns: "default", name: "e" }), true, ""],
    ["may not create Deployments", res(node1, "create", "deployments", { group: "apps", ns: "default" }), false, ""],
  ])("%s", (_name, a, allowed, reason) => {
    expect(authorize(a, graph)).toEqual({ allowed, reason });
  });

  it("a user named system:node:node-1 outside the system:nodes group is not a node: RBAC alone refuses it", () => {
    const notANode: UserInfo = { name: "system:node:node-1", groups: ["system:authenticated"] };
    expect(authorize(res(notANode, "get", "pods", { ns: "default", name: "web" }), graph)).toEqual({ allowed: false, reason: "" });
  });

  it("a node user with no node name gets the authorizer's reason", () => {
    const nameless: UserInfo = { name: "system:node:", groups: ["system:nodes"] };
    expect(authorize(res(nameless, "get", "pods", { ns: "default", name: "web" }), graph)).toEqual({ allowed: false, reason: 'unknown node for user "system:node:"' });
  });

  it("the Forbidden carries the Node authorizer's reason after RBAC's wording", () => {
    const a = res(node1, "get", "secrets", { ns: "default", name: "db-pass" });
    expect(forbidden(a, authorize(a, graph).reason)).toEqual({
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason: "Forbidden", code: 403,
      message: `secrets "db-pass" is forbidden: User "system:node:node-1" cannot get resource "secrets" in API group "" in the namespace "default": no relationship found between node 'node-1' and this object`,
      details: { name: "db-pass", kind: "secrets" },
    });
  });
});

describe("the bootstrap RBAC roles of the components", () => {
  it.each([
    ["the scheduler binds pods", res(scheduler, "create", "pods/binding", { ns: "default", name: "web" }), true],
    ["the scheduler deletes pods (preemption)", res(scheduler, "delete", "pods", { ns: "default", name: "web" }), true],
    ["the scheduler patches pod status", res(scheduler, "patch", "pods/status", { ns: "default", name: "web" }), true],
    ["the scheduler watches PodDisruptionBudgets", res(scheduler, "watch", "poddisruptionbudgets", { group: "policy" }), true],
    ["the scheduler may not update pods", res(scheduler, "update", "pods", { ns: "default", name: "web" }), false],
    ["the scheduler gets its own leader-election Lease", res(scheduler, "get", "leases", { group: "coordination.k8s.io", ns: "kube-system", name: "kube-scheduler" }), true],
    ["the scheduler may not get another Lease", res(scheduler, "get", "leases", { group: "coordination.k8s.io", ns: "kube-system", name: "kube-controller-manager" }), false],
    ["kube-proxy (system:node-proxier) watches EndpointSlices", res(proxy, "watch", "endpointslices", { group: "discovery.k8s.io" }), true],
    ["kube-proxy may list but not get EndpointSlices", res(proxy, "get", "endpointslices", { group: "discovery.k8s.io", ns: "default", name: "web-abc" }), false],
    ["kube-proxy watches Nodes", res(proxy, "watch", "nodes"), true],
    ["kube-proxy may not create Services", res(proxy, "create", "services", { ns: "default" }), false],
    ["CoreDNS lists Services", res(coredns, "list", "services"), true],
    ["CoreDNS watches EndpointSlices", res(coredns, "watch", "endpointslices", { group: "discovery.k8s.io" }), true],
    ["CoreDNS may not get a Service", res(coredns, "get", "services", { ns: "default", name: "web" }), false],
    ["the controller manager creates ReplicaSets (deployment controller)", res(kcm, "create", "replicasets", { group: "apps", ns: "default" }), true],
    ["the controller manager creates pods (ReplicaSet controller)", res(kcm, "create", "pods", { ns: "default" }), true],
    ["the controller manager deletes every kind in a namespace (namespace controller)", res(kcm, "deletecollection", "configmaps", { ns: "team" }), true],
    ["the controller manager finalizes namespaces", res(kcm, "update", "namespaces/finalize", { name: "team" }), true],
    ["the controller manager updates node status (node lifecycle controller)", res(kcm, "update", "nodes/status", { name: "node-1" }), true],
    ["the controller manager may not create Deployments", res(kcm, "create", "deployments", { group: "apps", ns: "default" }), false],
    ["the controller manager may not create Nodes", res(kcm, "create", "nodes"), false],
    ["the controller manager may not create Services", res(kcm, "create", "services", { ns: "default" }), false],
    ["system:masters may do anything", res(admin, "impersonate", "users", { name: "bob" }), true],
  ])("%s", (_name, a, allowed) => {
    expect(authorize(a, graph).allowed).toBe(allowed);
  });
});

describe("non-resource paths: system:public-info-viewer for everyone, system:discovery for authenticated users", () => {
  it.each([
    ["anonymous gets /version", path(anonymous, "/version"), true],
    ["anonymous gets /healthz", path(anonymous, "/healthz"), true],
    ["anonymous gets /readyz", path(anonymous, "/readyz"), true],
    ["anonymous may not get /healthz/etcd (only the exact paths)", path(anonymous, "/healthz/etcd"), false],
    ["anonymous may not discover /api", path(anonymous, "/api"), false],
    ["anonymous may not read /openapi/v2", path(anonymous, "/openapi/v2"), false],
    ["an authenticated user discovers /apis/apps/v1", path(bob, "/apis/apps/v1"), true],
    ["an authenticated user reads /openapi/v3", path(bob, "/openapi/v3"), true],
    ["an authenticated user may not post to /api", path(bob, "/api", "post"), false],
    ["an authenticated user may not get /metrics", path(bob, "/metrics"), false],
    ["an authenticated user may not list pods", res(bob, "list", "pods", { ns: "default" }), false],
  ])("%s", (_name, a, allowed) => {
    expect(authorize(a, graph).allowed).toBe(allowed);
  });

  it("a refused path is worded as kube-apiserver words it, with empty details", () => {
    expect(forbidden(path(anonymous, "/api"), "")).toEqual({
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason: "Forbidden", code: 403, details: {},
      message: 'forbidden: User "system:anonymous" cannot get path "/api"',
    });
  });
});

describe("NodeRestriction, for the kubelet of node-1", () => {
  const podsR = resourceFor("", "pods")!;
  const nodesR = resourceFor("", "nodes")!;
  const leasesR = resourceFor("coordination.k8s.io", "leases")!;
  const mirror = (over: any = {}) => ({
    metadata: { name: "static-web-node-1", namespace: "default", annotations: { "kubernetes.io/config.mirror": "abc" }, ownerReferences: [{ apiVersion: "v1", kind: "Node", name: "node-1", uid: "uid-node-1", controller: true }], ...over.metadata },
    spec: { nodeName: "node-1", containers: [{ name: "c", image: "nginx" }], ...over.spec },
  });
  const create = (obj: any) => ({ user: node1, operation: "CREATE" as const, r: podsR, subresource: "", namespace: "default", name: obj.metadata.name, obj });

  it.each([
    ["may not update another Node", { user: node1, operation: "UPDATE", r: nodesR, subresource: "", namespace: "", name: "node-2", obj: nodes.get("node-2"), old: nodes.get("node-2") }, 'nodes "node-2" is forbidden: node "node-1" is not allowed to modify node "node-2"'],
    ["may not update another Node's status", { user: node1, operation: "UPDATE", r: nodesR, subresource: "status", namespace: "", name: "node-2", obj: nodes.get("node-2"), old: nodes.get("node-2") }, 'nodes "node-2" is forbidden: node "node-1" is not allowed to modify node "node-2"'],
    ["may not register a Node under another name", { user: node1, operation: "CREATE", r: nodesR, subresource: "", namespace: "", name: "node-2", obj: { metadata: { name: "node-2" } } }, 'nodes "node-2" is forbidden: node "node-1" is not allowed to modify node "node-2"'],
    ["may not remove its own taints", { user: node1, operation: "UPDATE", r: nodesR, subresource: "", namespace: "", name: "node-1", obj: { metadata: { name: "node-1" }, spec: {} }, old: { metadata: { name: "node-1" }, spec: { taints: [{ key: "k", effect: "NoSchedule" }] } } }, 'nodes "node-1" is forbidden: node "node-1" is not allowed to modify taints'],
    ["may not create another node's Lease", { user: node1, operation: "CREATE", r: leasesR, subresource: "", namespace: "kube-node-lease", name: "node-2", obj: { metadata: { name: "node-2" } } }, 'leases.coordination.k8s.io "node-2" is forbidden: can only access node lease with the same name as the requesting node'],
    ["may not create a pod that is not a mirror pod", create({ metadata: { name: "x", namespace: "default" }, spec: { nodeName: "node-1" } }), 'pods "x" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "node-1" can only create mirror pods'],
    ["may not create a mirror pod bound to another node", create(mirror({ spec: { nodeName: "node-2" } })), 'pods "static-web-node-1" is forbidden: node "node-1" can only create pods with spec.nodeName set to itself'],
    ["may not create a mirror pod without its Node as owner", create(mirror({ metadata: { ownerReferences: [] } })), 'pods "static-web-node-1" is forbidden: node "node-1" can only create pods with an owner reference set to itself'],
    ["may not create a mirror pod whose owner is not its controller", create(mirror({ metadata: { ownerReferences: [{ apiVersion: "v1", kind: "Node", name: "node-1", uid: "uid-node-1" }] } })), 'pods "static-web-node-1" is forbidden: node "node-1" can only create pods with a controller owner reference set to itself'],
    ["may not create a mirror pod with a stale Node uid", create(mirror({ metadata: { ownerReferences: [{ apiVersion: "v1", kind: "Node", name: "node-1", uid: "old", controller: true }] } })), 'pods "static-web-node-1" is forbidden: node node-1 UID mismatch: expected old got uid-node-1'],
    ["may not create a mirror pod that mounts a Secret", create(mirror({ spec: { nodeName: "node-1", volumes: [{ name: "s", secret: { secretName: "x" } }] } })), 'pods "static-web-node-1" is forbidden: node "node-1" can not create pods that reference secrets'],
    ["may not create a mirror pod that names a service account", create(mirror({ spec: { nodeName: "node-1", serviceAccountName: "default" } })), 'pods "static-web-node-1" is forbidden: node "node-1" can not create pods that reference a service account'],
    ["may not delete a pod bound to another node", { user: node1, operation: "DELETE", r: podsR, subresource: "", namespace: "default", name: "db", old: pods.get("default/db") }, 'pods "db" is forbidden: node "node-1" can only delete pods with spec.nodeName set to itself'],
    ["may not update the status of a pod bound to another node", { user: node1, operation: "UPDATE", r: podsR, subresource: "status", namespace: "default", name: "db", obj: pods.get("default/db"), old: pods.get("default/db") }, 'pods "db" is forbidden: node "node-1" can only update pod status for pods with spec.nodeName set to itself'],
    ["may not relabel its own pod through status", { user: node1, operation: "UPDATE", r: podsR, subresource: "status", namespace: "default", name: "web", obj: { ...pods.get("default/web"), metadata: { name: "web", labels: { app: "evil" } } }, old: pods.get("default/web") }, 'pods "web" is forbidden: node "node-1" cannot update labels through pod status'],
    ["may not evict a pod bound to another node", { user: node1, operation: "CREATE", r: podsR, subresource: "eviction", namespace: "default", name: "db", obj: { metadata: { name: "db" } } }, 'pods "db" is forbidden: node node-1 can only evict pods with spec.nodeName set to itself'],
  ] as const)("%s", (_name, req, message) => {
    expect(admitNodeRestriction(req as any, graph)).toMatchObject({ code: 403, reason: "Forbidden", message });
  });

  it.each([
    ["creates a mirror pod bound to itself, owned by its Node", create(mirror())],
    ["updates its own Node status", { user: node1, operation: "UPDATE", r: nodesR, subresource: "status", namespace: "", name: "node-1", obj: nodes.get("node-1"), old: nodes.get("node-1") }],
    ["updates its own Lease", { user: node1, operation: "UPDATE", r: leasesR, subresource: "", namespace: "kube-node-lease", name: "node-1", obj: {}, old: {} }],
    ["deletes a pod bound to itself", { user: node1, operation: "DELETE", r: podsR, subresource: "", namespace: "default", name: "web", old: pods.get("default/web") }],
    ["updates the status of a pod bound to itself", { user: node1, operation: "UPDATE", r: podsR, subresource: "status", namespace: "default", name: "web", obj: pods.get("default/web"), old: pods.get("default/web") }],
    ["leaves other users alone", { user: bob, operation: "DELETE", r: podsR, subresource: "", namespace: "default", name: "db", old: pods.get("default/db") }],
  ] as const)("%s", (_name, req) => {
    expect(admitNodeRestriction(req as any, graph)).toBeUndefined();
  });
});

describe("impersonation", () => {
  it("system:masters acts as bob, who is then in system:authenticated", () => {
    expect(impersonate(admin, { user: "bob" }, graph)).toEqual({ user: { name: "bob", groups: ["system:authenticated"] } });
  });

  it("given groups come first, then system:authenticated", () => {
    expect(impersonate(admin, { user: "bob", groups: ["devs", "ops"] }, graph)).toEqual({ user: { name: "bob", groups: ["devs", "ops", "system:authenticated"] } });
  });

  it("a service account gets its service-account groups", () => {
    expect(impersonate(admin, { user: "system:serviceaccount:team:builder" }, graph)).toEqual({
      user: { name: "system:serviceaccount:team:builder", groups: ["system:serviceaccounts", "system:serviceaccounts:team", "system:authenticated"] },
    });
  });

  it("system:anonymous is put in system:unauthenticated", () => {
    expect(impersonate(admin, { user: "system:anonymous" }, graph)).toEqual({ user: { name: "system:anonymous", groups: ["system:unauthenticated"] } });
  });

  it("the uid and extras are carried", () => {
    expect(impersonate(admin, { user: "bob", uid: "1234", extra: [["scopes", ["a", "b"]]] }, graph)).toEqual({
      user: { name: "bob", groups: ["system:authenticated"], uid: "1234", extra: [["scopes", ["a", "b"]]] },
    });
  });

  it("a user without the impersonate verb is refused, naming the user it asked to be", () => {
    const r = impersonate(proxy, { user: "bob" }, graph);
    expect(r).toEqual({
      error: {
        kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason: "Forbidden", code: 403, details: { name: "bob", kind: "users" },
        message: 'users "bob" is forbidden: User "system:kube-proxy" cannot impersonate resource "users" in API group "" at the cluster scope',
      },
    });
  });

  it("an impersonated service account is checked in its namespace", () => {
    const r = impersonate(bob, { user: "system:serviceaccount:team:builder" }, graph);
    expect(r).toMatchObject({ error: { message: 'serviceaccounts "builder" is forbidden: User "bob" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "team"' } });
  });

  it("a refused extra names the userextras subresource of authentication.k8s.io", () => {
    const a = res(bob, "impersonate", "userextras/scopes", { group: "authentication.k8s.io", name: "view" });
    expect(authorize(a, graph).allowed).toBe(false);
    expect(forbidden(a, "").message).toBe('userextras.authentication.k8s.io "view" is forbidden: User "bob" cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io" at the cluster scope');
  });
});
