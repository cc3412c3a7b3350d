// The review APIs against kube-apiserver v1.35: pkg/registry/authorization/{selfsubjectaccessreview,
// subjectaccessreview,selfsubjectrulesreview}/rest.go, pkg/registry/authorization/util/helpers.go
// (BuildEvaluationError), pkg/apis/authorization/validation (and its test table's messages),
// pkg/registry/authentication/selfsubjectreview/rest.go, and RBAC's allow reason (rbac.go,
// clusterRoleBindingDescriber).

import { describe, expect, it } from "vitest";
import { answerReview, type NodeGraph, type TokenReviewer, type UserInfo } from "./index.js";
import { goAggregate } from "./reviews.js";
import { resourceFor } from "../resources.js";

const web = { metadata: { namespace: "default", name: "web" }, spec: { nodeName: "node-1", containers: [{ name: "c" }], volumes: [{ name: "s", secret: { secretName: "web-tls" } }] } };
const graph: NodeGraph = {
  pod: (ns, name) => (ns === "default" && name === "web" ? web : undefined),
  podsOn: (node) => (node === "node-1" ? [web] : []),
  node: () => undefined,
};
const admin: UserInfo = { name: "admin", groups: ["system:masters", "system:authenticated"] };
const bob: UserInfo = { name: "bob", groups: ["system:authenticated"] };
const node1: UserInfo = { name: "system:node:node-1", groups: ["system:nodes", "system:authenticated"] };
const ssar = resourceFor("authorization.k8s.io", "selfsubjectaccessreviews")!;
const sar = resourceFor("authorization.k8s.io", "subjectaccessreviews")!;
const lsar = resourceFor("authorization.k8s.io", "localsubjectaccessreviews")!;
const ssrr = resourceFor("authorization.k8s.io", "selfsubjectrulesreviews")!;
const ssr = resourceFor("authentication.k8s.io", "selfsubjectreviews")!;
const now = "2026-12-02T10:00:00Z";

const status = (r: ReturnType<typeof answerReview>) => ("object" in r ? r.object.status : r.error);
const causes = (r: ReturnType<typeof answerReview>) => ("error" in r ? (r.error.details?.causes ?? []).map((c) => `${c.field}: ${c.message}`) : []);

describe("SelfSubjectAccessReview asks the authorizer chain about the requester", () => {
  it("system:masters may create pods: allowed with no reason (the privileged-group authorizer gives none)", () => {
    const r = answerReview(ssar, { spec: { resourceAttributes: { namespace: "default", verb: "create", resource: "pods" } } }, admin, graph, now);
    expect(r).toEqual({
      object: {
        kind: "SelfSubjectAccessReview", apiVersion: "authorization.k8s.io/v1", metadata: { creationTimestamp: null },
        spec: { resourceAttributes: { namespace: "default", verb: "create", resource: "pods" } },
        status: { allowed: true },
      },
    });
  });

  it("an authenticated user without bindings may not: allowed false and no reason (RBAC gives none when it has no opinion)", () => {
    expect(status(answerReview(ssar, { spec: { resourceAttributes: { namespace: "default", verb: "get", resource: "pods" } } }, bob, graph, now))).toEqual({ allowed: false });
  });

  it("RBAC's allow names the binding, its role and the subject that matched", () => {
    const r = answerReview(ssar, { spec: { resourceAttributes: { verb: "create", group: "authorization.k8s.io", resource: "selfsubjectrulesreviews" } } }, bob, graph, now);
    expect(status(r)).toEqual({ allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "system:basic-user" of ClusterRole "system:basic-user" to Group "system:authenticated"' });
  });

  it("a non-resource URL: /healthz is public, /metrics is not", () => {
    expect(status(answerReview(ssar, { spec: { nonResourceAttributes: { path: "/healthz", verb: "get" } } }, bob, graph, now))).toMatchObject({ allowed: true });
    expect(status(answerReview(ssar, { spec: { nonResourceAttributes: { path: "/metrics", verb: "get" } } }, bob, graph, now))).toEqual({ allowed: false });
  });

  it("a kubelet gets the Node authorizer's reason, and a field selector reaches it", () => {
    expect(status(answerReview(ssar, { spec: { resourceAttributes: { verb: "list", resource: "pods" } } }, node1, graph, now))).toEqual({ allowed: false, reason: "can only list/watch pods with spec.nodeName field selector" });
    const withSelector = { spec: { resourceAttributes: { verb: "list", resource: "pods", fieldSelector: { rawSelector: "spec.nodeName=node-1" } } } };
    expect(status(answerReview(ssar, withSelector, node1, graph, now))).toEqual({ allowed: true });
    const structured = { spec: { resourceAttributes: { verb: "list", resource: "pods", fieldSelector: { requirements: [{ key: "spec.nodeName", operator: "In", values: ["node-1"] }] } } } };
    expect(status(answerReview(ssar, structured, node1, graph, now))).toEqual({ allowed: true });
    expect(status(answerReview(ssar, { spec: { resourceAttributes: { verb: "get", resource: "secrets", namespace: "default", name: "web-tls" } } }, node1, graph, now))).toEqual({ allowed: true });
  });

  it("a selector that does not parse is ignored, and the evaluation error says so (BuildEvaluationError)", () => {
    const bad = { spec: { resourceAttributes: { verb: "list", resource: "pods", fieldSelector: { rawSelector: "spec.nodeName" }, labelSelector: { rawSelector: "a in (" } } } };
    expect(status(answerReview(ssar, bad, node1, graph, now))).toEqual({
      allowed: false, reason: "can only list/watch pods with spec.nodeName field selector",
      evaluationError: "spec.resourceAttributes.fieldSelector ignored due to parse error; spec.resourceAttributes.labelSelector ignored due to parse error",
    });
    const partly = { spec: { resourceAttributes: { verb: "list", resource: "pods", fieldSelector: { requirements: [{ key: "spec.nodeName", operator: "In", values: ["node-1"] }, { key: "x", operator: "Exists" }] } } } };
    expect(status(answerReview(ssar, partly, node1, graph, now))).toEqual({ allowed: true, evaluationError: "spec.resourceAttributes.fieldSelector partially ignored due to parse error" });
  });

  it.each([
    ["neither attributes", { spec: {} }, ['spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified']],
    [
      "both attributes",
      { spec: { resourceAttributes: { verb: "get" }, nonResourceAttributes: { path: "/x", verb: "get" } } },
      ['spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/x", Verb:"get"}: cannot be specified in combination with resourceAttributes'],
    ],
    ["a field selector with both forms", { spec: { resourceAttributes: { fieldSelector: { rawSelector: "foo", requirements: [{ key: "k", operator: "In", values: ["v"] }] } } } }, ['spec.resourceAttributes.fieldSelector.rawSelector: Invalid value: "foo": may not specified at the same time as requirements']],
    ["a field selector with neither", { spec: { resourceAttributes: { fieldSelector: {} } } }, ["spec.resourceAttributes.fieldSelector.requirements: Required value: when spec.resourceAttributes.fieldSelector is specified, requirements or rawSelector is required"]],
    ["a requirement without a key", { spec: { resourceAttributes: { fieldSelector: { requirements: [{ key: "", operator: "In", values: ["v"] }] } } } }, ["spec.resourceAttributes.fieldSelector.requirements[0].key: Required value: must be specified"]],
    ["In without values", { spec: { resourceAttributes: { labelSelector: { requirements: [{ key: "k", operator: "In" }] } } } }, ["spec.resourceAttributes.labelSelector.requirements[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"]],
  ])("is Invalid with %s", (_name, body, expected) => {
    const r = answerReview(ssar, body, bob, graph, now);
    expect("error" in r && r.error.code).toBe(422);
    expect(causes(r)).toEqual(expected);
  });

  it("metadata must be empty", () => {
    const r = answerReview(ssar, { metadata: { name: "n" }, spec: { resourceAttributes: { verb: "get" } } }, bob, graph, now);
    expect("error" in r && r.error.message).toMatch(/^SelfSubjectAccessReview\.authorization\.k8s\.io "" is invalid: metadata: Invalid value: v1\.ObjectMeta\{Name:"n", .*\}: must be empty$/);
  });
});

describe("SubjectAccessReview asks about the user, groups and extras of its spec", () => {
  it("the scheduler may bind pods, by its ClusterRoleBinding", () => {
    const r = answerReview(sar, { spec: { user: "system:kube-scheduler", resourceAttributes: { verb: "create", resource: "pods", subresource: "binding", namespace: "default" } } }, admin, graph, now);
    expect(status(r)).toEqual({ allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "system:kube-scheduler" of ClusterRole "system:kube-scheduler" to User "system:kube-scheduler"' });
  });

  it("a user named in the spec has no groups but those listed: system:masters must be listed to count", () => {
    const r = answerReview(sar, { spec: { user: "admin", resourceAttributes: { verb: "delete", resource: "nodes" } } }, admin, graph, now);
    expect(status(r)).toEqual({ allowed: false });
    const g = answerReview(sar, { spec: { groups: ["system:masters"], resourceAttributes: { verb: "delete", resource: "nodes" } } }, admin, graph, now);
    expect(status(g)).toEqual({ allowed: true });
  });

  it("CoreDNS's service account matches its ServiceAccount subject, described as name/namespace", () => {
    const r = answerReview(sar, { spec: { user: "system:serviceaccount:kube-system:coredns", resourceAttributes: { verb: "watch", group: "discovery.k8s.io", resource: "endpointslices" } } }, admin, graph, now);
    expect(status(r)).toEqual({ allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "system:coredns" of ClusterRole "system:coredns" to ServiceAccount "coredns/kube-system"' });
  });

  it("without a user or a group it is Invalid (the validation test table's message)", () => {
    const r = answerReview(sar, { spec: { resourceAttributes: {} } }, admin, graph, now);
    expect(causes(r)).toEqual(['spec.user: Invalid value: "": at least one of user or group must be specified']);
    expect("error" in r && r.error.message).toBe('SubjectAccessReview.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified');
  });
});

describe("LocalSubjectAccessReview is a SubjectAccessReview within the namespace of its request", () => {
  it("answers for the namespace it is posted in, which the object carries back", () => {
    const r = answerReview(lsar, { spec: { user: "system:kube-scheduler", resourceAttributes: { namespace: "team", verb: "delete", resource: "pods" } } }, admin, graph, now, "team");
    expect("object" in r && r.object.metadata).toEqual({ namespace: "team", creationTimestamp: null });
    expect(status(r)).toEqual({ allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "system:kube-scheduler" of ClusterRole "system:kube-scheduler" to User "system:kube-scheduler"' });
  });

  it("the resource attributes must name that namespace, and non-resource attributes are refused", () => {
    const other = answerReview(lsar, { spec: { user: "u", resourceAttributes: { namespace: "default", verb: "get", resource: "pods" } } }, admin, graph, now, "team");
    expect(causes(other)).toEqual(['spec.resourceAttributes.namespace: Invalid value: "default": must match metadata.namespace']);
    const nonResource = answerReview(lsar, { spec: { user: "u", nonResourceAttributes: { path: "/x", verb: "get" } } }, admin, graph, now, "team");
    expect(causes(nonResource)).toEqual(['spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/x", Verb:"get"}: disallowed on this kind of request']);
  });
});

describe("SelfSubjectRulesReview lists the RBAC rules that apply to the requester", () => {
  it("an authenticated user: system:basic-user's resource rules, then the discovery and public-info paths, in binding-name order", () => {
    const r = answerReview(ssrr, { spec: { namespace: "default" } }, bob, graph, now);
    expect("object" in r && r.object.spec).toEqual({});
    const st = status(r) as any;
    expect(st.incomplete).toBe(false);
    expect(st.evaluationError).toBeUndefined();
    expect(st.resourceRules).toEqual([
      { verbs: ["create"], apiGroups: ["authorization.k8s.io"], resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"] },
      { verbs: ["create"], apiGroups: ["authentication.k8s.io"], resources: ["selfsubjectreviews"] },
    ]);
    expect(st.nonResourceRules.map((x: any) => x.nonResourceURLs)).toContainEqual(["/livez", "/readyz", "/healthz", "/version", "/version/"]);
  });

  it("a node: the Node authorizer cannot enumerate its rules, so the list is incomplete, with its error", () => {
    const st = status(answerReview(ssrr, { spec: { namespace: "default" } }, node1, graph, now)) as any;
    expect(st.incomplete).toBe(true);
    expect(st.evaluationError).toBe("node authorizer does not support user rule resolution");
  });

  it("without a namespace it is a BadRequest", () => {
    expect(answerReview(ssrr, { spec: {} }, bob, graph, now)).toEqual({ error: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "no namespace on request", reason: "BadRequest", code: 400 } });
  });
});

describe("SelfSubjectReview tells the requester who it is", () => {
  it("username, uid, groups and extras, with a creation time", () => {
    const user: UserInfo = { name: "jane", uid: "u-1", groups: ["devs", "system:authenticated"], extra: [["scopes", ["view"]]] };
    expect(answerReview(ssr, {}, user, graph, now)).toEqual({
      object: {
        kind: "SelfSubjectReview", apiVersion: "authentication.k8s.io/v1", metadata: { creationTimestamp: now },
        status: { userInfo: { username: "jane", uid: "u-1", groups: ["devs", "system:authenticated"], extra: { scopes: ["view"] } } },
      },
    });
  });
});

describe("TokenReview's status.error is the request authenticator's error (pkg/registry/authentication/tokenreview/storage.go)", () => {
  const tr = resourceFor("authentication.k8s.io", "tokenreviews")!;
  const review = (answer: ReturnType<TokenReviewer>) => answerReview(tr, { spec: { token: "a.b.c" } }, admin, graph, now, "", () => answer, ["https://kubernetes.default.svc.cluster.local"]);

  // genericapiserver's AuthorizeClientBearerToken puts the loopback token's bearertoken first in the
  // union: its "invalid bearer token" leads utilerrors.NewAggregate's "[a, b]"
  it("a service account token the validator refuses: the loopback authenticator's error, then the validator's", () => {
    expect(status(review({ error: "service account token has been invalidated" }))).toEqual({ user: {}, error: "[invalid bearer token, service account token has been invalidated]" });
  });

  it("a token no authenticator claims: both bearertoken authenticators say invalid bearer token, printed once", () => {
    expect(status(review(undefined))).toEqual({ user: {}, error: "invalid bearer token" });
  });

  it.each([
    ["one message is itself", ["a"], "a"],
    ["a repeated message is printed once, without brackets", ["a", "a"], "a"],
    ["distinct messages are joined in brackets in order", ["a", "b", "a"], "[a, b]"],
  ])("NewAggregate's Error(): %s", (_n, messages, want) => {
    expect(goAggregate(messages)).toBe(want);
  });
});
