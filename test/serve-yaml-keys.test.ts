// YAML bodies go-yaml refuses, through a live `podflow serve`: a mapping key that is a collection
// (decoder.mapping's "invalid map key: %#v"; the yaml library would stringify such keys level by
// level, and 390 nested "- ? " held the server for seconds), and block nesting past go-yaml's
// 10,000 indentation levels (max_indents: "exceeded max depth of 10000" at the token's line).
// transformDecodeError wraps the error: "the object provided is unrecognized (must be of type ...)".

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { serve, raw, type Served } from "./serve-helpers.js";

// (the name is no y: go-yaml v2 reads a plain y as the bool true, which no name decodes from)
const head = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata2:\n  ";
const unrecognized = (err: string) => `the object provided is unrecognized (must be of type ConfigMap): ${err} (`;

describe("YAML that go-yaml refuses", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
  });
  afterAll(async () => {
    await s.stop();
  });

  const post = (text: string) => raw(s, "POST", "/api/v1/namespaces/default/configmaps?dryRun=All", { token: s.cluster.adminToken, body: text, headers: { "Content-Type": "application/yaml" } });

  it.each([
    [390, "on the main thread"],
    [3000, "in the deep-YAML worker"],
  ])("%i nested collection keys (%s) are refused at once with the innermost key, and the server stays responsive", async (n) => {
    const started = performance.now();
    const r = await post(`${head}${"- ? ".repeat(n)}x\n`);
    const j = JSON.parse(r.body);
    expect([r.code, j.reason]).toEqual([400, "BadRequest"]);
    expect(j.message.startsWith(unrecognized('yaml: invalid map key: []interface {}{map[interface {}]interface {}{"x":interface {}(nil)}}'))).toBe(true);
    // not a speed figure: the bound catches the level-by-level stringification that held the server
    // 20 to 60 s (it took ~4 s here with the machine loaded fifteen times over)
    expect(performance.now() - started).toBeLessThan(15_000);
    expect((await raw(s, "GET", "/version", { token: s.cluster.adminToken })).code).toBe(200);
  });

  it("a flow sequence as a key is printed as Go prints the decoded []interface {}", async () => {
    const r = await post(`${head}? [a, 1, {b: null}]\n  : v\n`);
    expect(JSON.parse(r.body).message.startsWith(unrecognized('yaml: invalid map key: []interface {}{"a", 1, map[interface {}]interface {}{"b":interface {}(nil)}}'))).toBe(true);
  });

  it("block sequences nested 10,000 levels below the root mapping pass go-yaml's 10,000 indentation levels: its scanner error, at their line", async () => {
    const r = await post(`${head}${"- ".repeat(10_000)}x\n`);
    const j = JSON.parse(r.body);
    expect([r.code, j.reason]).toEqual([400, "BadRequest"]);
    expect(j.message.startsWith(unrecognized("yaml: line 6: exceeded max depth of 10000"))).toBe(true);
  });

  it("9,999 levels below the root mapping are within both bounds", async () => {
    const r = await post(`${head}${"- ".repeat(9_999)}x\n`);
    expect(r.code).toBe(201);
  });
});
