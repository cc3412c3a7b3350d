// Merge and strategic merge patches whose root is no object, through a live `podflow serve`, as
// the patch handler answers them: the patch is unmarshalled into a map first (kjson.UnmarshalStrict
// under Warn and Strict, always for a strategic patch), json-patch's MergePatch refuses a null root
// ("Invalid JSON Patch"), and a strategic patch of null is a nil map that patches nothing.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { serve, raw, type Served } from "./serve-helpers.js";

describe("patches whose root is no object", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
    const r = await raw(s, "POST", "/api/v1/namespaces/default/configmaps", { token: s.cluster.adminToken, body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "p" }, data: { a: "b" } }) });
    expect(r.code).toBe(201);
  });
  afterAll(async () => {
    await s.stop();
  });

  const patch = (type: string, body: string, query = "") => raw(s, "PATCH", `/api/v1/namespaces/default/configmaps/p${query}`, { token: s.cluster.adminToken, body, headers: { "Content-Type": `application/${type}-patch+json` } });
  const version = async () => JSON.parse((await raw(s, "GET", "/api/v1/namespaces/default/configmaps/p", { token: s.cluster.adminToken })).body).metadata.resourceVersion;

  it.each([
    ["merge", "null", "", "Invalid JSON Patch"],
    ["merge", "null", "?fieldValidation=Ignore", "Invalid JSON Patch"],
    ["merge", "5", "", "error decoding patch: json: cannot unmarshal number into Go value of type map[string]interface {}"],
    ["merge", '"s"', "?fieldValidation=Strict", "error decoding patch: json: cannot unmarshal string into Go value of type map[string]interface {}"],
    ["merge", "[1,2]", "", "error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}"],
    ["merge", "true", "?fieldValidation=Ignore", "Invalid JSON Patch"],
    ["strategic-merge", "5", "", "json: cannot unmarshal number into Go value of type map[string]interface {}"],
    ["strategic-merge", "[1,2]", "?fieldValidation=Ignore", "json: cannot unmarshal array into Go value of type map[string]interface {}"],
  ])("a %s patch of %s%s is 400 %j, and nothing changes", async (type, body, query, message) => {
    const before = await version();
    const r = await patch(type, body, query);
    expect([r.code, JSON.parse(r.body).reason, JSON.parse(r.body).message]).toEqual([400, "BadRequest", message]);
    expect(await version()).toBe(before);
  });

  it("a merge patch that is a list under Ignore replaces the object, which does not decode: 422", async () => {
    const r = await patch("merge", "[1,2]", "?fieldValidation=Ignore");
    expect(r.code).toBe(422);
  });

  it("a strategic merge patch of null patches nothing: 200, the object as it was", async () => {
    const before = await version();
    const r = await patch("strategic-merge", "null");
    expect(r.code).toBe(200);
    expect(JSON.parse(r.body).data).toEqual({ a: "b" });
    expect(await version()).toBe(before);
  });

  it("a patch of a missing object is 404 whatever its root", async () => {
    const r = await raw(s, "PATCH", "/api/v1/namespaces/default/configmaps/missing", { token: s.cluster.adminToken, body: "null", headers: { "Content-Type": "application/merge-patch+json" } });
    expect(r.code).toBe(404);
  });
});
