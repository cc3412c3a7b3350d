// Service account issuer discovery ("Configure Service Accounts for Pods", docs/tasks/configure-pod-container/
// configure-service-account, "Service account issuer discovery") against `podflow serve`: the OIDC
// discovery document and the key set (pkg/serviceaccount/openidmetadata.go, served by
// pkg/routes/openidmetadata.go as go-restful routes), readable by every service account through
// the bootstrap ClusterRole system:service-account-issuer-discovery (plugin/pkg/auth/authorizer/rbac/
// bootstrappolicy/policy.go); a token the API server issued verifies with the published key.

import { createPublicKey, verify } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, raw, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();
let s: Served;
const admin = (method: string, path: string, opts: { body?: unknown; headers?: Record<string, string>; token?: string } = {}) =>
  raw(s, method, path, { token: opts.token ?? s.cluster.adminToken, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}), headers: opts.headers ?? {} });
const parts = (jwt: string) => jwt.split(".");
const json = (b64: string) => JSON.parse(Buffer.from(b64, "base64url").toString("utf8"));

/** A token for the default service account, from the TokenRequest API. */
async function serviceAccountToken(): Promise<string> {
  const r = await admin("POST", "/api/v1/namespaces/default/serviceaccounts/default/token", { body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: {} } });
  expect(r.code).toBe(201);
  return JSON.parse(r.body).status.token;
}

/** RS256 as a JWT verifier checks it: the signature over header.payload with the published key. */
function verifies(jwt: string, jwk: object): boolean {
  const [h, p, sig] = parts(jwt);
  return verify("sha256", Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk as any, format: "jwk" }), Buffer.from(sig!, "base64url"));
}

beforeAll(async () => {
  s = await serve({ nodes: 1 });
}, 40_000);
afterAll(async () => {
  await s?.stop();
});

describe("the service account issuer's discovery documents", () => {
  it("the OIDC discovery document names the issuer tokens carry and the key set's URL on this server, cacheable for an hour", async () => {
    const r = await admin("GET", "/.well-known/openid-configuration");
    expect(r.code).toBe(200);
    expect(r.headers["content-type"]).toBe("application/json");
    expect(r.headers["cache-control"]).toBe("public, max-age=3600");
    // json.Marshal of openIDMetadata: its fields in struct order, compact
    const port = new URL(s.server.url).port;
    expect(r.body).toBe(`{"issuer":"https://kubernetes.default.svc.cluster.local","jwks_uri":"https://127.0.0.1:${port}/openid/v1/jwks","response_types_supported":["id_token"],"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["RS256"]}`);
    const token = await serviceAccountToken();
    expect(json(parts(token)[1]!).iss).toBe(JSON.parse(r.body).issuer);
  });

  it("the key set holds the RSA key tokens are signed with: its kid is the token's, the signature verifies, a changed payload does not", async () => {
    const r = await admin("GET", "/openid/v1/jwks");
    expect(r.code).toBe(200);
    expect(r.headers["content-type"]).toBe("application/jwk-set+json");
    expect(r.headers["cache-control"]).toBe("public, max-age=3600");
    const { keys } = JSON.parse(r.body);
    expect(keys).toHaveLength(1);
    // go-jose's JSONWebKey field order for an RSA public key
    expect(Object.keys(keys[0])).toEqual(["use", "kty", "kid", "alg", "n", "e"]);
    expect(keys[0]).toMatchObject({ use: "sig", kty: "RSA", alg: "RS256", e: "AQAB" });
    const token = await serviceAccountToken();
    expect(json(parts(token)[0]!)).toEqual({ alg: "RS256", kid: keys[0].kid });
    expect(verifies(token, keys[0])).toBe(true);
    const [h, p, sig] = parts(token);
    const claims = json(p!);
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: "system:serviceaccount:kube-system:admin" })).toString("base64url")}.${sig}`;
    expect(verifies(forged, keys[0])).toBe(false);
  });

  it("a service account reads both, with or without a trailing slash (system:service-account-issuer-discovery); an anonymous request is Forbidden", async () => {
    const token = await serviceAccountToken();
    for (const path of ["/.well-known/openid-configuration", "/.well-known/openid-configuration/", "/openid/v1/jwks", "/openid/v1/jwks/"]) {
      expect((await admin("GET", path, { token })).code, path).toBe(200);
    }
    const anon = await raw(s, "GET", "/openid/v1/jwks");
    expect(anon.code).toBe(403);
    expect(JSON.parse(anon.body)).toEqual({
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
      message: 'forbidden: User "system:anonymous" cannot get path "/openid/v1/jwks"', reason: "Forbidden", details: {}, code: 403,
    });
  });

  it("the routes take GET only and answer only the type they produce: go-restful's 405 and 406 as the service error handler writes them", async () => {
    const post = await admin("POST", "/openid/v1/jwks", { body: {} });
    expect([post.code, JSON.parse(post.body).reason]).toEqual([405, "MethodNotAllowed"]);
    // NewGenericServerResponse(406, ...): no case for 406, so no reason and the generic message
    const notAcceptable = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "the server responded with the status code 406 but did not return more information", details: {}, code: 406 };
    const yaml = await admin("GET", "/.well-known/openid-configuration", { headers: { Accept: "application/yaml" } });
    expect([yaml.code, JSON.parse(yaml.body)]).toEqual([406, notAcceptable]);
    // the key set is application/jwk-set+json, not application/json
    const asJson = await admin("GET", "/openid/v1/jwks", { headers: { Accept: "application/json" } });
    expect([asJson.code, JSON.parse(asJson.body)]).toEqual([406, notAcceptable]);
    const withQuality = await admin("GET", "/openid/v1/jwks", { headers: { Accept: "application/json;q=0.9, application/jwk-set+json;q=0.5" } });
    expect(withQuality.code).toBe(200);
  });
});

describe("issuer discovery from inside a pod, as the docs page does it", () => {
  it("curl with the pod's projected token reads the key set through kubernetes.default.svc, and the pod's own token verifies with it", async () => {
    expect(bin, "kubectl is not on PATH").toBeDefined();
    const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input !== undefined ? { input } : {});
    const manifest = `apiVersion: v1
kind: Pod
metadata:
  name: discovery
spec:
  containers:
  - name: main
    image: curlimages/curl:8.14.1
    command: ["sleep", "3600"]
`;
    expect((await k(["apply", "-f", "-"], manifest)).code).toBe(0);
    expect(await until(async () => (await k(["get", "pod", "discovery", "-o", "jsonpath={.status.phase}"])).out === "Running", 60_000)).toBe(true);
    const SA = "/var/run/secrets/kubernetes.io/serviceaccount";
    const curl = await k(["exec", "discovery", "--", "sh", "-c", `curl -s --cacert ${SA}/ca.crt -H "Authorization: Bearer $(cat ${SA}/token)" https://kubernetes.default.svc/openid/v1/jwks`]);
    expect(curl.code, curl.err).toBe(0);
    const { keys } = JSON.parse(curl.out);
    const own = (await k(["exec", "discovery", "--", "cat", `${SA}/token`])).out;
    expect(json(parts(own)[0]!).kid).toBe(keys[0].kid);
    expect(verifies(own, keys[0])).toBe(true);
    // kubectl get --raw reads the same documents
    const viaKubectl = await k(["get", "--raw", "/openid/v1/jwks"]);
    expect(JSON.parse(viaKubectl.out)).toEqual({ keys });
  }, 90_000);
});
