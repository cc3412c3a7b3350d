// Writes through `podflow serve` as a hostile or careful client makes them: patches whose keys are
// prototype names, dry runs, delete preconditions, Secrets' stringData, uids across restarts.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { findKubectl, kubectl, raw, serve, type Served } from "./serve-helpers.js";

const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

function prototypeUntouched(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
  expect(({} as any).groups).toBeUndefined();
}

describe("podflow serve: patches cannot reach Object.prototype", () => {
  let s: Served;
  let proxyToken: string;
  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
    proxyToken = [...s.cluster.tokens].find(([, u]) => u.name === "system:kube-proxy")![0];
    const event = { apiVersion: "v1", kind: "Event", metadata: { name: "probe" }, involvedObject: { kind: "Node", name: "node-1" }, reason: "Probe", message: "m", type: "Normal" };
    const created = await raw(s, "POST", "/api/v1/namespaces/default/events", { token: s.cluster.adminToken, body: JSON.stringify(event) });
    expect(created.code).toBe(201);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("kube-proxy's JSON patch of an event at /__proto__/groups is a 422 (a missing path), and kube-proxy stays unable to read secrets", async () => {
    const r = await raw(s, "PATCH", "/api/v1/namespaces/default/events/probe", {
      token: proxyToken,
      body: JSON.stringify([{ op: "add", path: "/__proto__/groups", value: ["system:masters"] }]),
      headers: { "Content-Type": "application/json-patch+json" },
    });
    expect(r.code).toBe(422);
    expect(JSON.parse(r.body)).toEqual({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "the server rejected our request due to an error in our request", reason: "Invalid", details: {}, code: 422 });
    prototypeUntouched();
    const secrets = await raw(s, "GET", "/api/v1/secrets", { token: proxyToken });
    expect(secrets.code).toBe(403);
  });

  it.each([
    ["application/merge-patch+json"],
    ["application/strategic-merge-patch+json"],
  ])("a %s patch with a __proto__ key grants nothing and adds no field named groups", async (contentType) => {
    const r = await raw(s, "PATCH", "/api/v1/namespaces/default/events/probe", {
      token: proxyToken,
      body: '{"__proto__": {"groups": ["system:masters"]}, "message": "patched"}',
      headers: { "Content-Type": contentType },
    });
    expect(r.code).toBe(200);
    const got = JSON.parse(r.body);
    expect(got.message).toBe("patched");
    expect(got.groups).toBeUndefined();
    prototypeUntouched();
    const stored = JSON.parse((await raw(s, "GET", "/api/v1/namespaces/default/events/probe", { token: s.cluster.adminToken })).body);
    expect(stored.groups).toBeUndefined();
    expect((await raw(s, "GET", "/api/v1/secrets", { token: proxyToken })).code).toBe(403);
  });
});
