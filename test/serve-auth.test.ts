// Authentication through `podflow serve`: a hostile bearer token is one more unknown token (401,
// as kube-apiserver's authentication filter answers), and the server keeps serving afterwards.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { findKubectl, kubectl, raw, serve, type Served } from "./serve-helpers.js";

/** The Status kube-apiserver's authentication filter writes for a token no authenticator accepts (apierrors.NewUnauthorized("Unauthorized")). */
const unauthorizedStatus = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 };

/** Resolves to the answer, or to "no answer" when the server does not answer within ms. */
function within<T>(p: Promise<T>, ms: number): Promise<T | "no answer"> {
  return Promise.race([p, new Promise<"no answer">((r) => setTimeout(() => r("no answer"), ms))]);
}

describe("bearer tokens that name members of Object.prototype", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it.each(["constructor", "__proto__", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf"])(
    "the token %s is Unauthorized, worded as kube-apiserver words it, and the server still answers the admin",
    async (token) => {
      const r = await within(raw(s, "GET", "/api/v1/namespaces/default/pods", { token }), 5_000);
      expect(r).not.toBe("no answer");
      if (r === "no answer") return;
      expect(r.code).toBe(401);
      expect(JSON.parse(r.body)).toEqual(unauthorizedStatus);
      const after = await within(raw(s, "GET", "/api/v1/namespaces/default/pods", { token: s.cluster.adminToken }), 5_000);
      expect(after === "no answer" ? after : after.code).toBe(200);
    },
  );

  const bin = findKubectl();
  it.runIf(bin)("kubectl --token=constructor get pods must log in, and the next kubectl get pods works", async () => {
    const bad = await kubectl(bin!, s.kubeconfigPath, ["--token=constructor", "get", "pods"], { timeoutMs: 15_000 });
    expect(bad.code).toBe(1);
    expect(bad.err.trimEnd().split("\n").at(-1)).toMatch(/^error: You must be logged in to the server \((Unauthorized|the server has asked for the client to provide credentials)\)$/);
    const good = await kubectl(bin!, s.kubeconfigPath, ["get", "pods"], { timeoutMs: 15_000 });
    expect(good.code).toBe(0);
    expect(good.err).toBe("No resources found in default namespace.\n");
  });
});
