// A DELETE of a collection with hostile list options, through a live `podflow serve`, as
// kube-apiserver's DeleteCollection handler answers it: its ListOptions are decoded from the query
// (a bad integer is BadRequest) and validated (422 on meta.k8s.io ListOptions) before anything else,
// whether or not a body carries the DeleteOptions; then the registry lists what to delete with the
// given resourceVersion, which the storage parses (strconv.ParseUint: a plain 500). In every case
// nothing is deleted.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { serve, raw, type Served } from "./serve-helpers.js";

const cms = "/api/v1/namespaces/default/configmaps";

describe("DeleteCollection's list options", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
    for (const name of ["keep-a", "keep-b"]) {
      const r = await raw(s, "POST", cms, { token: s.cluster.adminToken, body: JSON.stringify({ metadata: { name, labels: { app: "keep" } } }) });
      expect(r.code).toBe(201);
    }
  });
  afterAll(async () => {
    await s.stop();
  });

  const names = async () => JSON.parse((await raw(s, "GET", `${cms}?labelSelector=app%3Dkeep`, { token: s.cluster.adminToken })).body).items.map((i: any) => i.metadata.name);

  it.each([
    ["resourceVersion=abc", 500, undefined, 'resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax'],
    ["resourceVersion=18446744073709551616", 500, undefined, 'resourceVersion: Invalid value: "18446744073709551616": strconv.ParseUint: parsing "18446744073709551616": value out of range'],
    ["limit=x", 400, "BadRequest", 'strconv.ParseInt: parsing "x": invalid syntax'],
    ["timeoutSeconds=99999999999999999999", 400, "BadRequest", 'strconv.ParseInt: parsing "99999999999999999999": value out of range'],
    ["resourceVersionMatch=Exact", 422, "Invalid", 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided'],
  ])("DELETE %s on the collection is %i and deletes nothing", async (query, code, reason, message) => {
    const r = await raw(s, "DELETE", `${cms}?labelSelector=app%3Dkeep&${query}`, { token: s.cluster.adminToken });
    const j = JSON.parse(r.body);
    expect([r.code, j.reason, j.message]).toEqual([code, reason, message]);
    expect(await names()).toEqual(["keep-a", "keep-b"]);
  });

  it("a DeleteOptions body does not excuse a bad limit in the query", async () => {
    const r = await raw(s, "DELETE", `${cms}?labelSelector=app%3Dkeep&limit=1.5`, { token: s.cluster.adminToken, body: '{"gracePeriodSeconds":0}', headers: { "Content-Length": "24" } });
    expect([r.code, JSON.parse(r.body).message]).toEqual([400, 'strconv.ParseInt: parsing "1.5": invalid syntax']);
    expect(await names()).toEqual(["keep-a", "keep-b"]);
  });

  it("with a well-formed query the collection is deleted", async () => {
    const r = await raw(s, "DELETE", `${cms}?labelSelector=app%3Dkeep&resourceVersion=0`, { token: s.cluster.adminToken });
    expect(r.code).toBe(200);
    expect(JSON.parse(r.body).items.map((i: any) => i.metadata.name)).toEqual(["keep-a", "keep-b"]);
  });
});
