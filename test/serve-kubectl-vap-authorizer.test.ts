// ValidatingAdmissionPolicy's `authorizer` and `namespaceObject` variables end to end: the real
// kubectl (impersonating a user, as the admin may) against `podflow serve`, the checks answered by
// the API server's RBAC authorizer. Library: k8s.io/apiserver v0.35 pkg/cel/library/authz.go
// (requestResource, path, group/resource/namespace, check(verb).allowed()); the namespace object:
// pkg/admission/plugin/cel activation (CreateNamespaceObject); the denial's text: dispatcher.go.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();

const policy = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: authz.example.com
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups: [""]
      apiVersions: ["v1"]
      operations: ["CREATE"]
      resources: ["configmaps"]
  validations:
  - expression: "authorizer.requestResource.check('delete').allowed()"
    message: "only those who may delete configmaps may create them"
    reason: Forbidden
  - expression: "authorizer.path('/healthz').check('get').allowed()"
  - expression: "authorizer.group('').resource('secrets').namespace(namespaceObject.metadata.name).check('list').allowed() == authorizer.group('').resource('secrets').namespace(object.metadata.namespace).check('list').allowed()"
  - expression: "!has(namespaceObject.metadata.labels) || !('locked' in namespaceObject.metadata.labels)"
    message: "the namespace is locked"
`;
const binding = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: authz-binding
spec:
  policyName: authz.example.com
  validationActions: [Deny]
  matchResources:
    namespaceSelector:
      matchLabels:
        vap: "on"
`;
const role = (verbs: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: cm, namespace: vap}
rules:
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: [${verbs}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice-cm, namespace: vap}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: cm}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}
`;
const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: vap}\ndata: {a: b}\n`;

describe.skipIf(!bin)("the authorizer and namespaceObject of a ValidatingAdmissionPolicy through kubectl", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 40_000, ...(input !== undefined ? { input } : {}) });

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
    await k(["create", "namespace", "vap"]);
    await k(["label", "namespace", "vap", "vap=on"]);
    await k(["apply", "-f", "-"], role('"create"'));
    await k(["apply", "-f", "-"], `${policy}---\n${binding}`);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("lets a user the authorizer allows to delete configmaps create one", async () => {
    const r = await k(["create", "-f", "-"], configMap("by-admin"));
    expect([r.code, r.out, r.err]).toEqual([0, "configmap/by-admin created\n", ""]);
  });

  it("refuses a user who may create but not delete, with the validation's reason", async () => {
    const r = await k(["create", "-f", "-", "--as", "alice"], configMap("by-alice"));
    expect([r.code, r.err]).toEqual([1, `Error from server (Forbidden): error when creating "STDIN": configmaps "by-alice" is forbidden: ValidatingAdmissionPolicy 'authz.example.com' with binding 'authz-binding' denied request: only those who may delete configmaps may create them\n`]);
    expect((await k(["get", "configmap", "by-alice", "-n", "vap"])).code).toBe(1);
  });

  it("lets her once RBAC grants the delete", async () => {
    await k(["apply", "-f", "-"], role('"create", "delete"'));
    const r = await k(["create", "-f", "-", "--as", "alice"], configMap("by-alice"));
    expect([r.code, r.out]).toEqual([0, "configmap/by-alice created\n"]);
  });

  it("reads the namespace's labels through namespaceObject", async () => {
    await k(["label", "namespace", "vap", "locked=true"]);
    const r = await k(["create", "-f", "-"], configMap("locked"));
    expect([r.code, r.err]).toEqual([1, `The configmaps "locked" is invalid: : ValidatingAdmissionPolicy 'authz.example.com' with binding 'authz-binding' denied request: the namespace is locked\n`]);
  });
});
