// TokenRequest on a simulated cluster: tokens are signed with a key derived from the seed, so a
// run and its replay issue the same token; the token authenticates as its account there too.

import { describe, expect, it } from "vitest";
import { createCluster } from "../runtime/cluster.js";

async function issue(seed: number): Promise<{ token: string; whoami: any }> {
  const cluster = createCluster({ nodes: 1, seed });
  await cluster.settle();
  await cluster.apply({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "robot", namespace: "default" } });
  const r = await cluster.request({ verb: "create", group: "", resource: "serviceaccounts", subresource: "token", namespace: "default", name: "robot", body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: {} } });
  expect(r).toMatchObject({ ok: true, code: 201, object: { kind: "TokenRequest", spec: { expirationSeconds: 3600, audiences: ["https://kubernetes.default.svc.cluster.local"] } } });
  const token = (r as any).object.status.token as string;
  const who = await cluster.request({ token, verb: "create", group: "authentication.k8s.io", resource: "selfsubjectreviews", body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" } });
  await cluster.stop();
  return { token, whoami: (who as any).object?.status?.userInfo };
}

describe("TokenRequest on a seeded simulation", () => {
  it("the same seed issues the same token, another seed another; the token names the account", async () => {
    const a = await issue(7);
    const b = await issue(7);
    const c = await issue(8);
    expect(a.token).toBe(b.token);
    expect(a.token).not.toBe(c.token);
    expect(JSON.parse(Buffer.from(a.token.split(".")[0]!, "base64url").toString())).toEqual({ alg: "HS256", kid: "podflow-seeded" });
    expect(a.whoami).toMatchObject({ username: "system:serviceaccount:default:robot", groups: ["system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"] });
  });
});

// The JWT authenticator verifies the signature over the header and the claims: a token that keeps an
// issued signature but carries other claims (another account, another audience) or another header
// does not verify, and no authenticator accepts it (401).
describe("a token whose signed part was changed", () => {
  it.each([
    ["claims naming another account", (p: any) => ({ ...p, sub: "system:serviceaccount:kube-system:admin", "kubernetes.io": { ...p["kubernetes.io"], namespace: "kube-system" } })],
    ["a later expiry", (p: any) => ({ ...p, exp: p.exp + 86_400 })],
  ])("%s is Unauthorized, while the issued token still authenticates", async (_what, change) => {
    const cluster = createCluster({ nodes: 1, seed: 3 });
    await cluster.settle();
    await cluster.apply({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "robot", namespace: "default" } });
    const r = await cluster.request({ verb: "create", group: "", resource: "serviceaccounts", subresource: "token", namespace: "default", name: "robot", body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: {} } });
    const token = (r as any).object.status.token as string;
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const forged = [header, Buffer.from(JSON.stringify(change(JSON.parse(Buffer.from(payload, "base64url").toString())))).toString("base64url"), signature].join(".");
    const review = { verb: "create", group: "authentication.k8s.io", resource: "selfsubjectreviews", body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" } } as const;
    expect(await cluster.request({ token: forged, ...review })).toMatchObject({ ok: false, status: { code: 401, reason: "Unauthorized", message: "Unauthorized" } });
    expect(cluster.authenticate(forged)).toBeUndefined();
    expect(await cluster.request({ token, ...review })).toMatchObject({ ok: true, object: { status: { userInfo: { username: "system:serviceaccount:default:robot" } } } });
    await cluster.stop();
  });
});

// token.go: a TokenRequest may name its account in its metadata, and then only the one in the URL:
// checked first, before the account is looked up. Another namespace never reaches token.go's own
// check: createHandler's EnsureObjectNamespaceMatchesRequestNamespace refuses it first (400).
describe("a TokenRequest whose metadata names another account", () => {
  it.each([
    [{ name: "other" }, "robot", 422, "Invalid", 'TokenRequest.authentication.k8s.io "robot" is invalid: metadata.name: Invalid value: "other": must match the service account name if specified'],
    [{ name: "robot", namespace: "kube-system" }, "robot", 400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request"],
    [{ name: "other" }, "ghost", 422, "Invalid", 'TokenRequest.authentication.k8s.io "ghost" is invalid: metadata.name: Invalid value: "other": must match the service account name if specified'],
  ])("metadata %j asked at serviceaccounts/%s/token is %i", async (metadata, account, code, reason, message) => {
    const cluster = createCluster({ nodes: 1, seed: 4 });
    await cluster.settle();
    await cluster.apply({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "robot", namespace: "default" } });
    const r = await cluster.request({ verb: "create", group: "", resource: "serviceaccounts", subresource: "token", namespace: "default", name: account, body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", metadata, spec: {} } });
    expect(r).toMatchObject({ ok: false, status: { code, reason, message } });
    await cluster.stop();
  });
});
