// A PUT to a name nothing holds, through a live `podflow serve`, as kube-apiserver answers it:
// Store.Update creates the object when the kind's strategy has AllowCreateOnUpdate true (Lease,
// Endpoints, Event, Service, LimitRange, the four RBAC kinds, RuntimeClass), through the create
// path (BeforeCreate's defaults, admission as a Create, validation for create), 201 Created; the
// handler's withAuthorization asks that the user may also create. Every other kind is 404.
// A uid in a PUT's body is a storage precondition (DefaultUpdatedObjectInfo.Preconditions),
// failed as an invalid-object StorageError that InterpretUpdateError makes a 409 Conflict.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { serve, raw, until, type Served } from "./serve-helpers.js";

const leases = "/apis/coordination.k8s.io/v1/namespaces/default/leases";
const cms = "/api/v1/namespaces/default/configmaps";
const roles = "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles";
const clusterRoles = "/apis/rbac.authorization.k8s.io/v1/clusterroles";

describe("create on update", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
    // bob may get and update Leases, not create them
    const admin = { token: s.cluster.adminToken };
    const role = await raw(s, "POST", roles, { ...admin, body: JSON.stringify({ metadata: { name: "lease-updater" }, rules: [{ apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "update"] }] }) });
    expect(role.code).toBe(201);
    const binding = await raw(s, "POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings", {
      ...admin,
      body: JSON.stringify({ metadata: { name: "bob-leases" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "lease-updater" }, subjects: [{ kind: "User", name: "bob", apiGroup: "rbac.authorization.k8s.io" }] }),
    });
    expect(binding.code).toBe(201);
  });
  afterAll(async () => {
    await s.stop();
  });

  const get = (path: string) => raw(s, "GET", path, { token: s.cluster.adminToken });
  const put = (path: string, body: unknown, headers: Record<string, string> = {}) => raw(s, "PUT", path, { token: s.cluster.adminToken, body: JSON.stringify(body), headers });
  const status = (r: { code: number; body: string }) => {
    const j = JSON.parse(r.body);
    return [r.code, j.reason, j.message];
  };

  it("a PUT of a Lease that does not exist creates it: 201, a uid, a creationTimestamp, a resourceVersion", async () => {
    const r = await put(`${leases}/made`, { metadata: { name: "made" }, spec: { holderIdentity: "a", leaseDurationSeconds: 15 } });
    expect(r.code).toBe(201);
    const made = JSON.parse(r.body);
    expect(made.kind).toBe("Lease");
    expect(made.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(made.metadata.creationTimestamp).toBeTruthy();
    expect(made.metadata.resourceVersion).toMatch(/^[0-9]+$/);
    expect(made.metadata.managedFields?.[0]?.operation).toBe("Update");
    const stored = JSON.parse((await get(`${leases}/made`)).body);
    expect(stored.spec).toEqual({ holderIdentity: "a", leaseDurationSeconds: 15 });
    // the next PUT updates it, at its resourceVersion (Lease's AllowUnconditionalUpdate is false)
    const again = await put(`${leases}/made`, { metadata: { name: "made", resourceVersion: stored.metadata.resourceVersion }, spec: { holderIdentity: "b" } });
    expect(again.code).toBe(200);
  });

  it("a creating PUT with dryRun=All answers 201 with what would be created, and nothing is stored", async () => {
    const r = await put(`${leases}/dry?dryRun=All`, { metadata: { name: "dry" }, spec: { holderIdentity: "a" } });
    expect(r.code).toBe(201);
    const would = JSON.parse(r.body);
    expect(would.metadata.uid).toBeTruthy();
    expect(would.metadata.resourceVersion).toBeUndefined();
    expect((await get(`${leases}/dry`)).code).toBe(404);
  });

  it("a stale resourceVersion in a creating PUT is dropped (PrepareObjectForStorage): the object is created", async () => {
    const r = await put(`${leases}/stale`, { metadata: { name: "stale", resourceVersion: "5" }, spec: { holderIdentity: "a" } });
    expect(r.code).toBe(201);
    expect(JSON.parse(r.body).metadata.resourceVersion).not.toBe("5");
  });

  it("a malformed resourceVersion in a creating PUT is ParseUint's plain 500, and nothing is stored", async () => {
    expect(status(await put(`${leases}/badrv`, { metadata: { name: "badrv", resourceVersion: "x1" } }))).toEqual([500, undefined, 'strconv.ParseUint: parsing "x1": invalid syntax']);
    expect((await get(`${leases}/badrv`)).code).toBe(404);
  });

  it("a uid in a creating PUT fails the storage precondition against nothing: 409, and nothing is stored", async () => {
    expect(status(await put(`${leases}/uid`, { metadata: { name: "uid", uid: "abc" } }))).toEqual([
      409, "Conflict",
      'Operation cannot be fulfilled on leases.coordination.k8s.io "uid": StorageError: invalid object, Code: 4, Key: /registry/leases/default/uid, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: abc, UID in object meta: ',
    ]);
    expect((await get(`${leases}/uid`)).code).toBe(404);
  });

  it("a PUT of an existing ConfigMap naming another uid is 409 with the storage precondition's text, and nothing changes", async () => {
    const c = await raw(s, "POST", cms, { token: s.cluster.adminToken, body: JSON.stringify({ metadata: { name: "held" }, data: { a: "1" } }) });
    const uid = JSON.parse(c.body).metadata.uid;
    expect(status(await put(`${cms}/held`, { metadata: { name: "held", uid: "other" }, data: { a: "2" } }))).toEqual([
      409, "Conflict",
      `Operation cannot be fulfilled on configmaps "held": StorageError: invalid object, Code: 4, Key: /registry/configmaps/default/held, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: other, UID in object meta: ${uid}`,
    ]);
    expect(JSON.parse((await get(`${cms}/held`)).body).data).toEqual({ a: "1" });
    // its own uid is no obstacle
    expect((await put(`${cms}/held`, { metadata: { name: "held", uid }, data: { a: "3" } })).code).toBe(200);
  });

  it("a PUT of a ConfigMap that does not exist is 404 (AllowCreateOnUpdate false), and nothing is stored", async () => {
    expect(status(await put(`${cms}/nothing`, { metadata: { name: "nothing" }, data: { a: "1" } }))).toEqual([404, "NotFound", 'configmaps "nothing" not found']);
    expect((await get(`${cms}/nothing`)).code).toBe(404);
  });

  it("a creating PUT is validated as a create: an invalid Lease is 422 and nothing is stored", async () => {
    const r = await put(`${leases}/neg`, { metadata: { name: "neg" }, spec: { leaseDurationSeconds: 0 } });
    const j = JSON.parse(r.body);
    expect([r.code, j.reason, j.message]).toEqual([422, "Invalid", 'Lease.coordination.k8s.io "neg" is invalid: spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']);
    expect((await get(`${leases}/neg`)).code).toBe(404);
  });

  it("a creating PUT by a user who may update but not create is 403 with the authorizer's (empty) reason, and nothing is stored", async () => {
    const r = await put(`${leases}/bobs`, { metadata: { name: "bobs" }, spec: { holderIdentity: "bob" } }, { "Impersonate-User": "bob" });
    expect(status(r)).toEqual([403, "Forbidden", 'leases.coordination.k8s.io "bobs" is forbidden: ']);
    expect(JSON.parse(r.body).details).toEqual({ name: "bobs", group: "coordination.k8s.io", kind: "leases" });
    expect((await get(`${leases}/bobs`)).code).toBe(404);
  });

  it("a ClusterRole created by a PUT is cluster-scoped and answered 201", async () => {
    const r = await put(`${clusterRoles}/put-made`, { metadata: { name: "put-made", namespace: "ignored" }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }] });
    expect(r.code).toBe(201);
    const made = JSON.parse(r.body);
    expect(made.metadata.namespace).toBeUndefined();
    expect(made.rules).toEqual([{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }]);
  });

  it("a kubelet whose node Lease was deleted gets a Conflict for its stale uid, reads nothing, and creates the Lease anew", async () => {
    const path = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-1";
    const before = JSON.parse((await get(path)).body);
    expect(before.metadata.uid).toBeTruthy();
    expect((await raw(s, "DELETE", path, { token: s.cluster.adminToken })).code).toBe(200);
    const again = await until(async () => {
      const r = await get(path);
      return r.code === 200 ? JSON.parse(r.body) : undefined;
    }, 15_000);
    expect(again?.metadata.uid).toBeTruthy();
    expect(again.metadata.uid).not.toBe(before.metadata.uid);
  }, 20_000);

  it.each([
    ["/api/v1/namespaces/default/services/put-svc", { metadata: { name: "put-svc" }, spec: { ports: [{ port: 80 }] } }],
    ["/api/v1/namespaces/default/endpoints/put-ep", { metadata: { name: "put-ep" }, subsets: [{ addresses: [{ ip: "10.1.2.3" }], ports: [{ port: 80 }] }] }],
    ["/api/v1/namespaces/default/events/put-ev", { metadata: { name: "put-ev" }, involvedObject: { kind: "Pod", name: "p", namespace: "default" }, reason: "R", message: "m", type: "Normal" }],
    ["/api/v1/namespaces/default/limitranges/put-lr", { metadata: { name: "put-lr" }, spec: { limits: [{ type: "Container", max: { cpu: "2" } }] } }],
    ["/apis/node.k8s.io/v1/runtimeclasses/put-rc", { metadata: { name: "put-rc" }, handler: "runc" }],
  ])("a PUT to %s, which does not exist, creates it", async (path, object) => {
    const r = await put(path, object);
    expect(r.code).toBe(201);
    const made = JSON.parse(r.body);
    expect(made.metadata.uid).toBeTruthy();
    expect((await get(path)).code).toBe(200);
    if (path.includes("/services/")) expect(made.spec.clusterIP).toMatch(/^10\./);
  });

  it.each([
    ["/api/v1/namespaces/default/secrets/put-secret", { metadata: { name: "put-secret" } }, 'secrets "put-secret" not found'],
    ["/api/v1/namespaces/default/serviceaccounts/put-sa", { metadata: { name: "put-sa" } }, 'serviceaccounts "put-sa" not found'],
    ["/apis/scheduling.k8s.io/v1/priorityclasses/put-pc", { metadata: { name: "put-pc" }, value: 5 }, 'priorityclasses.scheduling.k8s.io "put-pc" not found'],
  ])("a PUT to %s, whose strategy does not create on update, is 404", async (path, object, message) => {
    expect(status(await put(path, object))).toEqual([404, "NotFound", message]);
  });

  it("a creating PUT in a namespace that does not exist is 404 for the namespace", async () => {
    expect(status(await put("/apis/coordination.k8s.io/v1/namespaces/nowhere/leases/x", { metadata: { name: "x" } }))).toEqual([404, "NotFound", 'namespaces "nowhere" not found']);
  });
});
