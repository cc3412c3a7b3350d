// The checks an update passes before it is written, through a live `podflow serve`, as
// kube-apiserver makes them: the update handler's checkName (handlers/rest.go, before the store
// looks the object up), then Store.Update's precondition on the resourceVersion of the object it
// is given (a PUT's body, a patch's result), read by APIObjectVersioner.ObjectResourceVersion
// (strconv.ParseUint): malformed is a plain error ErrorToAPIStatus answers 500 without a reason;
// none or "0" is an unconditional update unless the strategy's AllowUnconditionalUpdate is false
// (Lease, RuntimeClass: 422 "must be specified for an update"); another number is 409.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { serve, raw, type Served } from "./serve-helpers.js";

const cms = "/api/v1/namespaces/default/configmaps";
const leases = "/apis/coordination.k8s.io/v1/namespaces/default/leases";

describe("update preconditions", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
    const c = await raw(s, "POST", cms, { token: s.cluster.adminToken, body: JSON.stringify({ metadata: { name: "u" }, data: { a: "1" } }) });
    expect(c.code).toBe(201);
    const l = await raw(s, "POST", leases, { token: s.cluster.adminToken, body: JSON.stringify({ metadata: { name: "l" }, spec: { holderIdentity: "a" } }) });
    expect(l.code).toBe(201);
  });
  afterAll(async () => {
    await s.stop();
  });

  const get = async (path: string) => JSON.parse((await raw(s, "GET", path, { token: s.cluster.adminToken })).body);
  const put = (path: string, body: unknown) => raw(s, "PUT", path, { token: s.cluster.adminToken, body: JSON.stringify(body) });
  const patch = (path: string, type: string, body: unknown) => raw(s, "PATCH", path, { token: s.cluster.adminToken, body: JSON.stringify(body), headers: { "Content-Type": `application/${type}+json` } });
  const status = (r: { code: number; body: string }) => {
    const j = JSON.parse(r.body);
    return [r.code, j.reason, j.message];
  };

  it.each([
    ["no metadata", { data: { a: "2" } }, "the name of the object (u based on URL) was undeterminable: name must be provided"],
    ["an empty name", { metadata: { name: "" }, data: { a: "2" } }, "the name of the object (u based on URL) was undeterminable: name must be provided"],
    ["another name", { metadata: { name: "v", resourceVersion: "1" }, data: { a: "2" } }, "the name of the object (v) does not match the name on the URL (u)"],
  ])("a PUT with %s is 400 and nothing changes", async (_what, body, message) => {
    const before = await get(`${cms}/u`);
    expect(status(await put(`${cms}/u`, body))).toEqual([400, "BadRequest", message]);
    expect(await get(`${cms}/u`)).toEqual(before);
  });

  it("a PUT naming another object than its URL's is 400 even when the URL's object does not exist", async () => {
    expect(status(await put(`${cms}/absent`, { metadata: { name: "other" } }))).toEqual([400, "BadRequest", "the name of the object (other) does not match the name on the URL (absent)"]);
  });

  it.each([
    ["abc", 'strconv.ParseUint: parsing "abc": invalid syntax'],
    ["-1", 'strconv.ParseUint: parsing "-1": invalid syntax'],
    ["18446744073709551616", 'strconv.ParseUint: parsing "18446744073709551616": value out of range'],
  ])("a PUT at resourceVersion %j is ParseUint's plain error, 500 without a reason, and nothing changes", async (rv, message) => {
    const before = await get(`${cms}/u`);
    expect(status(await put(`${cms}/u`, { metadata: { name: "u", resourceVersion: rv }, data: { a: "2" } }))).toEqual([500, undefined, message]);
    expect(await get(`${cms}/u`)).toEqual(before);
  });

  it('a PUT of a ConfigMap at resourceVersion "0" is an unconditional update', async () => {
    const r = await put(`${cms}/u`, { metadata: { name: "u", resourceVersion: "0" }, data: { a: "3" } });
    expect(r.code).toBe(200);
    expect((await get(`${cms}/u`)).data).toEqual({ a: "3" });
  });

  it("a PUT at the stored resourceVersion written with leading zeros is that version", async () => {
    const rv = (await get(`${cms}/u`)).metadata.resourceVersion;
    const r = await put(`${cms}/u`, { metadata: { name: "u", resourceVersion: `00${rv}` }, data: { a: "4" } });
    expect(r.code).toBe(200);
  });

  it("a JSON patch replacing the resourceVersion with a stale one is 409, and nothing changes", async () => {
    const before = await get(`${cms}/u`);
    const r = await patch(`${cms}/u`, "json-patch", [{ op: "replace", path: "/metadata/resourceVersion", value: "1" }, { op: "add", path: "/data/b", value: "x" }]);
    expect(status(r)).toEqual([409, "Conflict", 'Operation cannot be fulfilled on configmaps "u": the object has been modified; please apply your changes to the latest version and try again']);
    expect(await get(`${cms}/u`)).toEqual(before);
  });

  // rest.BeforeUpdate keeps the stored uid only when the patched object names none; another is
  // ValidateObjectMetaUpdate's "field is immutable"
  it.each([
    ["a merge patch", () => patch(`${cms}/u`, "merge-patch", { metadata: { uid: "forged" }, data: { z: "1" } })],
    ["a JSON patch", () => patch(`${cms}/u`, "json-patch", [{ op: "replace", path: "/metadata/uid", value: "forged" }])],
    ["a strategic merge patch", () => patch(`${cms}/u`, "strategic-merge-patch", { metadata: { uid: "forged" } })],
  ])("%s giving the object another uid is 422 (immutable), and nothing changes", async (_what, send) => {
    const before = await get(`${cms}/u`);
    const r = await send();
    const j = JSON.parse(r.body);
    expect([r.code, j.reason, j.message]).toEqual([422, "Invalid", 'ConfigMap "u" is invalid: metadata.uid: Invalid value: "forged": field is immutable']);
    expect(await get(`${cms}/u`)).toEqual(before);
  });

  it("a status patch giving the object another uid is 422 (immutable), and nothing changes", async () => {
    const deployments = "/apis/apps/v1/namespaces/default/deployments";
    const d = await raw(s, "POST", deployments, { token: s.cluster.adminToken, body: JSON.stringify({ metadata: { name: "st" }, spec: { replicas: 0, selector: { matchLabels: { app: "st" } }, template: { metadata: { labels: { app: "st" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } } }) });
    expect(d.code).toBe(201);
    const r = await patch(`${deployments}/st/status`, "merge-patch", { metadata: { uid: "forged" }, status: { observedGeneration: 1 } });
    const j = JSON.parse(r.body);
    expect([r.code, j.reason, j.message]).toEqual([422, "Invalid", 'Deployment.apps "st" is invalid: metadata.uid: Invalid value: "forged": field is immutable']);
    expect((await get(`${deployments}/st`)).metadata.uid).toBe(JSON.parse(d.body).metadata.uid);
  });

  it("a merge patch naming the object's own uid is applied", async () => {
    const uid = (await get(`${cms}/u`)).metadata.uid;
    expect((await patch(`${cms}/u`, "merge-patch", { metadata: { uid }, data: { own: "1" } })).code).toBe(200);
  });

  it("a merge patch that removes the resourceVersion is an unconditional update of a ConfigMap", async () => {
    const r = await patch(`${cms}/u`, "merge-patch", { metadata: { resourceVersion: null }, data: { c: "y" } });
    expect(r.code).toBe(200);
  });

  const leaseRefusal = 'leases.coordination.k8s.io "l" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update';

  it.each([
    ["a PUT without a resourceVersion", () => put(`${leases}/l`, { metadata: { name: "l" }, spec: { holderIdentity: "b" } })],
    ['a PUT at resourceVersion "0"', () => put(`${leases}/l`, { metadata: { name: "l", resourceVersion: "0" }, spec: { holderIdentity: "b" } })],
    ["a JSON patch removing the resourceVersion", () => patch(`${leases}/l`, "json-patch", [{ op: "remove", path: "/metadata/resourceVersion" }])],
  ])("%s of a Lease (AllowUnconditionalUpdate false) is 422, and nothing changes", async (_what, send) => {
    const before = await get(`${leases}/l`);
    const r = await send();
    const j = JSON.parse(r.body);
    expect([r.code, j.reason, j.message]).toEqual([422, "Invalid", leaseRefusal]);
    expect(j.details).toEqual({ name: "l", group: "coordination.k8s.io", kind: "leases", causes: [{ reason: "FieldValueInvalid", message: "Invalid value: 0x0: must be specified for an update", field: "metadata.resourceVersion" }] });
    expect(await get(`${leases}/l`)).toEqual(before);
  });

  it("a Lease updated at its resourceVersion, or patched without naming one, is written", async () => {
    const rv = (await get(`${leases}/l`)).metadata.resourceVersion;
    expect((await put(`${leases}/l`, { metadata: { name: "l", resourceVersion: rv }, spec: { holderIdentity: "c" } })).code).toBe(200);
    expect((await patch(`${leases}/l`, "merge-patch", { spec: { holderIdentity: "d" } })).code).toBe(200);
    expect((await get(`${leases}/l`)).spec.holderIdentity).toBe("d");
  });

  it.each([
    ["validatingadmissionpolicies", { metadata: { name: "vap" }, spec: { failurePolicy: "Fail", matchConstraints: { resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["configmaps"] }] }, validations: [{ expression: "true" }] } }],
    ["validatingadmissionpolicybindings", { metadata: { name: "vap" }, spec: { policyName: "vap", validationActions: ["Deny"] } }],
  ])("a PUT of a %s object without a resourceVersion (AllowUnconditionalUpdate false) is 422, and nothing changes", async (resource, object) => {
    const path = `/apis/admissionregistration.k8s.io/v1/${resource}`;
    const made = await raw(s, "POST", path, { token: s.cluster.adminToken, body: JSON.stringify(object) });
    expect(made.code).toBe(201);
    const before = await get(`${path}/vap`);
    const r = await put(`${path}/vap`, { ...object, metadata: { name: "vap", labels: { changed: "yes" } } });
    expect(status(r)).toEqual([422, "Invalid", `${resource}.admissionregistration.k8s.io "vap" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update`]);
    expect(await get(`${path}/vap`)).toEqual(before);
    const at = await put(`${path}/vap`, { ...object, metadata: { name: "vap", resourceVersion: before.metadata.resourceVersion, labels: { changed: "yes" } } });
    expect(at.code).toBe(200);
  });

  describe("the scale subresource (scaleUpdatedObjectInfo moves the Scale's resourceVersion onto the Deployment)", () => {
    const deployments = "/apis/apps/v1/namespaces/default/deployments";
    let uid = "";
    beforeAll(async () => {
      const d = await raw(s, "POST", deployments, {
        token: s.cluster.adminToken,
        body: JSON.stringify({ metadata: { name: "d" }, spec: { replicas: 0, selector: { matchLabels: { app: "d" } }, template: { metadata: { labels: { app: "d" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } } }),
      });
      expect(d.code).toBe(201);
      uid = JSON.parse(d.body).metadata.uid;
    });
    const scale = (body: unknown) => put(`${deployments}/d/scale`, { kind: "Scale", apiVersion: "autoscaling/v1", ...(body as object) });

    it.each([
      ['"0"', { name: "d", resourceVersion: "0" }, 1],
      ["none", { name: "d" }, 2],
    ])("a Scale PUT at resourceVersion %s is an unconditional update", async (_what, metadata, replicas) => {
      const r = await scale({ metadata, spec: { replicas } });
      expect(r.code).toBe(200);
      expect(JSON.parse(r.body).spec.replicas).toBe(replicas);
      expect((await get(`${deployments}/d`)).spec.replicas).toBe(replicas);
    });

    it("a Scale PUT at a stale resourceVersion is 409 on deployments.apps, and nothing changes", async () => {
      const before = await get(`${deployments}/d`);
      expect(status(await scale({ metadata: { name: "d", resourceVersion: "1" }, spec: { replicas: 5 } }))).toEqual([409, "Conflict", 'Operation cannot be fulfilled on deployments.apps "d": the object has been modified; please apply your changes to the latest version and try again']);
      expect((await get(`${deployments}/d`)).spec.replicas).toBe(before.spec.replicas);
    });

    it("a Scale PUT at a malformed resourceVersion is ParseUint's plain 500", async () => {
      expect(status(await scale({ metadata: { name: "d", resourceVersion: "zz" }, spec: { replicas: 5 } }))).toEqual([500, undefined, 'strconv.ParseUint: parsing "zz": invalid syntax']);
    });

    it("a Scale naming another uid fails the storage precondition on the Deployment: 409, and nothing changes", async () => {
      const before = await get(`${deployments}/d`);
      expect(status(await scale({ metadata: { name: "d", uid: "not-it" }, spec: { replicas: 7 } }))).toEqual([
        409, "Conflict",
        `Operation cannot be fulfilled on deployments.apps "d": StorageError: invalid object, Code: 4, Key: /registry/deployments/default/d, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: not-it, UID in object meta: ${uid}`,
      ]);
      expect((await get(`${deployments}/d`)).spec.replicas).toBe(before.spec.replicas);
    });
  });
});
