// Paginated lists through a live `podflow serve`: continue tokens in storage.EncodeContinue's
// format walk a list page by page, and a forged one is the list's 400 "invalid continue token: ..."
// in DecodeContinue's words.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { serve, raw, type Served } from "./serve-helpers.js";

describe("continue tokens through podflow serve", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
    for (const name of ["c1", "c2", "c3", "c4", "c5"]) {
      const r = await raw(s, "POST", "/api/v1/namespaces/default/configmaps", { token: s.cluster.adminToken, body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name } }) });
      expect(r.code).toBe(201);
    }
  });
  afterAll(async () => {
    await s.stop();
  });
  const list = (query: string) => raw(s, "GET", `/api/v1/namespaces/default/configmaps?${query}`, { token: s.cluster.adminToken });

  it("pages of two walk the whole list, each token base64url without padding", async () => {
    const all = JSON.parse((await list("")).body).items.map((o: any) => o.metadata.name);
    const seen: string[] = [];
    let cont = "";
    for (let i = 0; i < 10; i++) {
      const page = JSON.parse((await list(`limit=2${cont ? `&continue=${cont}` : ""}`)).body);
      seen.push(...page.items.map((o: any) => o.metadata.name));
      cont = page.metadata.continue ?? "";
      if (!cont) break;
      expect(cont).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(JSON.parse(Buffer.from(cont, "base64url").toString())).toMatchObject({ v: "meta.k8s.io/v1", start: expect.stringMatching(/^[^/]+\u0000$/) });
    }
    expect(seen).toEqual(all);
  });

  it("a continue with a resourceVersion other than 0 is refused: the token's revision is the list's", async () => {
    const cont = JSON.parse((await list("limit=2")).body).metadata.continue;
    const r = await list(`limit=2&continue=${cont}&resourceVersion=5`);
    expect([r.code, JSON.parse(r.body).message]).toEqual([400, "specifying resource version is not allowed when using continue"]);
    expect((await list(`limit=2&continue=${cont}&resourceVersion=0`)).code).toBe(200);
  });

  it("a continued list is served at its token's revision: objects created, changed or deleted since are as they were", async () => {
    const first = JSON.parse((await list("limit=2")).body);
    const before = JSON.parse((await list("")).body).items.map((o: any) => [o.metadata.name, o.metadata.resourceVersion]);
    const made = await raw(s, "POST", "/api/v1/namespaces/default/configmaps", { token: s.cluster.adminToken, body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c9" } }) });
    expect(made.code).toBe(201);
    expect((await raw(s, "DELETE", "/api/v1/namespaces/default/configmaps/c4", { token: s.cluster.adminToken })).code).toBe(200);
    const changed = await raw(s, "PATCH", "/api/v1/namespaces/default/configmaps/c5", { token: s.cluster.adminToken, body: '{"data":{"a":"b"}}', headers: { "Content-Type": "application/merge-patch+json" } });
    expect(changed.code).toBe(200);
    const rest = JSON.parse((await list(`continue=${first.metadata.continue}`)).body);
    expect(rest.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    const seen = [...first.items, ...rest.items].map((o: any) => [o.metadata.name, o.metadata.resourceVersion]);
    expect(seen).toEqual(before);
    // an exact list at that revision is the same snapshot
    const exact = JSON.parse((await list(`resourceVersion=${first.metadata.resourceVersion}&resourceVersionMatch=Exact`)).body);
    expect([exact.metadata.resourceVersion, exact.items.map((o: any) => [o.metadata.name, o.metadata.resourceVersion])]).toEqual([first.metadata.resourceVersion, before]);
  });

  it("once its revision is compacted, a continued list is 410 Expired with a token for the rest at the latest revision", async () => {
    const first = JSON.parse((await list("limit=2")).body);
    const made = await raw(s, "POST", "/api/v1/namespaces/default/configmaps", { token: s.cluster.adminToken, body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c8" } }) });
    expect(made.code).toBe(201);
    // the compaction fault: etcd compacted at the current revision, the watch cache keeps no older history
    s.cluster.runtime.post("runtime", "apiserver", { type: "SlideWatchCache", keep: 0 });
    await new Promise((r) => setTimeout(r, 100));
    const r = await list(`limit=2&continue=${first.metadata.continue}`);
    const st = JSON.parse(r.body);
    const start = JSON.parse(Buffer.from(first.metadata.continue, "base64url").toString()).start;
    expect(r.code).toBe(410);
    expect(st).toEqual({
      kind: "Status", apiVersion: "v1", metadata: { continue: Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv: -1, start })).toString("base64url") }, status: "Failure",
      message: "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
      reason: "Expired", code: 410,
    });
    // the new token goes on at the latest revision
    const rest = await list(`limit=2&continue=${st.metadata.continue}`);
    expect([rest.code, JSON.parse(rest.body).metadata.resourceVersion]).toEqual([200, String(s.cluster.cacheRevision())]);
    const exact = await list(`resourceVersion=${first.metadata.resourceVersion}&resourceVersionMatch=Exact`);
    expect([exact.code, JSON.parse(exact.body).reason, JSON.parse(exact.body).message]).toEqual([410, "Expired", "The resourceVersion for the provided list is too old."]);
  });

  it.each([
    ["not base64url", "a=b", "invalid continue token: continue key is not valid: illegal base64 data at input byte 1"],
    ["a start outside the prefix", Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv: 5, start: "../../secrets/kube-system/x" })).toString("base64url"), "invalid continue token: continue key is not valid: ../../secrets/kube-system/x"],
  ])("a forged token (%s) is 400", async (_what, token, message) => {
    const r = await list(`limit=2&continue=${encodeURIComponent(token)}`);
    expect([r.code, JSON.parse(r.body).reason, JSON.parse(r.body).message]).toEqual([400, "BadRequest", message]);
  });
});
