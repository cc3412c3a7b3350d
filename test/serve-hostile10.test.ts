// The tenth hostile round. Go's net/http keeps a header's bytes as they came, so a UTF-8
// Impersonate-User or User-Agent reaches kube-apiserver's handlers as the text the client meant;
// Node reads header bytes as latin1, and podflow must read them back as Go would.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { serve, raw, type Served } from "./serve-helpers.js";

/** A header value carrying the UTF-8 bytes of text (Node's client writes a header's chars as latin1 bytes). */
const utf8Header = (text: string) => Buffer.from(text, "utf8").toString("latin1");

describe("header bytes past ASCII, read as Go's net/http keeps them", () => {
  let s: Served;
  const admin = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    // the body as bytes: Node's client writes a string body's headers in the body's encoding (UTF-8), not latin1
    raw(s, method, path, { token: s.cluster.adminToken, ...(body !== undefined ? { body: Buffer.from(JSON.stringify(body)) } : {}), headers: { "Content-Type": "application/json", ...headers } });
  const review = { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" };

  beforeAll(async () => {
    s = await serve({ nodes: 1 });
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("an impersonated user, group, uid and extra value in UTF-8 are that text (filters/impersonation reads the header as is)", async () => {
    const r = await admin("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", review, {
      "Impersonate-User": utf8Header("bé"),
      "Impersonate-Group": utf8Header("gé"),
      "Impersonate-Uid": utf8Header("ü1"),
      "Impersonate-Extra-k": utf8Header("vé"),
    });
    expect(r.code).toBe(201);
    expect(JSON.parse(r.body).status.userInfo).toEqual({ username: "bé", uid: "ü1", groups: ["gé", "system:authenticated"], extra: { k: ["vé"] } });
  });

  it("an extra key's escapes are url.PathUnescape's: a byte that is no UTF-8 is kept (U+FFFD in JSON), a malformed escape keeps the key", async () => {
    const r = await admin("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", review, {
      "Impersonate-User": "bob",
      "Impersonate-Extra-%ff": "a",
      "Impersonate-Extra-x%C3%A9": "b",
      "Impersonate-Extra-y%zz": "c",
    });
    expect(r.code).toBe(201);
    expect(JSON.parse(r.body).status.userInfo.extra).toEqual({ "\ufffd": ["a"], "xé": ["b"], "y%zz": ["c"] });
  });

  it("a User-Agent in UTF-8 names the manager of a write as that text (ManagerOrUserAgent)", async () => {
    const r = await admin("POST", "/api/v1/namespaces/default/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "ua-utf8" }, data: { a: "b" } }, { "User-Agent": utf8Header("kubé-tool/1.0 (linux)") });
    expect(r.code).toBe(201);
    expect(JSON.parse(r.body).metadata.managedFields.map((m: any) => m.manager)).toEqual(["kubé-tool"]);
  });
});
