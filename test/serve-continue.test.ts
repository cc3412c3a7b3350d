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

  it.each([
    ["not base64url", "a=b", "invalid continue token: continue key is not valid: illegal base64 data at input byte 1"],
    ["a start outside the prefix", Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv: 5, start: "../../secrets/kube-system/x" })).toString("base64url"), "invalid continue token: continue key is not valid: ../../secrets/kube-system/x"],
  ])("a forged token (%s) is 400", async (_what, token, message) => {
    const r = await list(`limit=2&continue=${encodeURIComponent(token)}`);
    expect([r.code, JSON.parse(r.body).reason, JSON.parse(r.body).message]).toEqual([400, "BadRequest", message]);
  });
});
