// The policybased RBAC storages (pkg/registry/rbac/*/policybased) look up the role a binding names
// only after the bind verb failed to authorize it, and hand GetRoleReferenceRules' error back as it
// is: the registry's 404 for a role that does not exist, a plain error for a roleRef kind it does not
// know (ErrorToAPIStatus: 500, no reason). Only a role that exists and grants more than its binder
// holds is the 403 "attempting to grant RBAC permissions not currently held".

import { describe, expect, it } from "vitest";
import { createCluster } from "../runtime/cluster.js";

const G = "rbac.authorization.k8s.io";

async function withBinder(run: (as: (req: any) => Promise<any>) => Promise<void>): Promise<void> {
  const cluster = createCluster({ nodes: 1, seed: 5, users: [{ name: "eve", groups: [] }] });
  await cluster.settle();
  await cluster.apply([
    { apiVersion: `${G}/v1`, kind: "ClusterRole", metadata: { name: "binding-writer" }, rules: [{ apiGroups: [G], resources: ["rolebindings", "clusterrolebindings"], verbs: ["create", "update"] }] },
    { apiVersion: `${G}/v1`, kind: "ClusterRoleBinding", metadata: { name: "eve-binding-writer" }, roleRef: { apiGroup: G, kind: "ClusterRole", name: "binding-writer" }, subjects: [{ kind: "User", name: "eve", apiGroup: G }] },
  ]);
  const token = cluster.userTokens.get("eve")!;
  try {
    await run((req) => cluster.request({ token, ...req }));
  } finally {
    await cluster.stop();
  }
}

const binding = (kind: string, name: string) => ({
  verb: "create", group: G, resource: "rolebindings", namespace: "default",
  body: { apiVersion: `${G}/v1`, kind: "RoleBinding", metadata: { name: "b" }, roleRef: { apiGroup: G, kind, name }, subjects: [{ kind: "User", name: "eve", apiGroup: G }] },
});

describe("a binding whose role cannot be looked up", () => {
  it("a Role or ClusterRole that does not exist is the registry's 404 NotFound", async () => {
    await withBinder(async (as) => {
      expect(await as(binding("Role", "nope"))).toMatchObject({ ok: false, status: { code: 404, reason: "NotFound", message: 'roles.rbac.authorization.k8s.io "nope" not found', details: { name: "nope", group: G, kind: "roles" } } });
      expect(await as(binding("ClusterRole", "nope"))).toMatchObject({ ok: false, status: { code: 404, reason: "NotFound", message: 'clusterroles.rbac.authorization.k8s.io "nope" not found' } });
    });
  });

  it("a roleRef kind GetRoleReferenceRules does not know is its plain error, before validation: 500 with no reason", async () => {
    await withBinder(async (as) => {
      const r = await as(binding("Foo", "x"));
      expect(r).toMatchObject({ ok: false, status: { code: 500, message: 'unsupported role reference kind: "Foo"' } });
      expect(r.status.reason).toBeUndefined();
    });
  });

  it("an existing role granting more than the binder holds is still the 403", async () => {
    await withBinder(async (as) => {
      expect(await as(binding("ClusterRole", "cluster-admin"))).toMatchObject({ ok: false, status: { code: 403, reason: "Forbidden", message: expect.stringMatching(/^rolebindings\.rbac\.authorization\.k8s\.io "b" is forbidden: user "eve" \(groups=\["system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n/) } });
    });
  });
});
