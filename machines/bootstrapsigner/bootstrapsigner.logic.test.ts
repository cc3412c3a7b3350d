import { describe, expect, it } from "vitest";
import type { ConfigMap, Secret } from "kubernetes-types/core/v1";
import { signedData, signingTokens } from "./bootstrapsigner.logic.js";

// Expectations from pkg/controller/bootstrap/bootstrapsigner_test.go (newConfigMap: kube-public/
// cluster-info with kubeconfig "payload"; newTokenSecret + addSecretSigningUsage) and util.go's
// validateSecretForSigning.
const NOW = Date.parse("2026-01-01T12:00:00Z");
const SIG = "eyJhbGciOiJIUzI1NiIsImtpZCI6ImFiYzEyMyJ9..QSxpUG7Q542CirTI2ECPSZjvBOJURUW5a7XqFpNI958";
const b64 = (s: string) => Buffer.from(s).toString("base64");
function configMap(tokenId = "", signature = ""): ConfigMap {
  const data: Record<string, string> = { kubeconfig: "payload" };
  if (tokenId) data[`jws-kubeconfig-${tokenId}`] = signature;
  return { metadata: { namespace: "kube-public", name: "cluster-info", resourceVersion: "1" }, data };
}
function token(id: string, secret: string, extra: Record<string, string> = { "usage-bootstrap-signing": "true" }, name = `bootstrap-token-${id}`): Secret {
  const data: Record<string, string> = { "token-id": b64(id), "token-secret": b64(secret) };
  for (const [k, v] of Object.entries(extra)) data[k] = b64(v);
  return { metadata: { name, namespace: "kube-system" }, type: "bootstrap.kubernetes.io/token", data };
}
const sign = (cm: ConfigMap, secrets: Secret[]) => signedData(cm, signingTokens(secrets, NOW));

describe("signConfigMap (bootstrapsigner_test.go)", () => {
  it("TestSimpleSign: an unsigned cluster-info gets the signing token's jws-kubeconfig-<id>", () => {
    expect(sign(configMap(), [token("abc123", "tokenSecret")])).toEqual(configMap("abc123", SIG).data);
  });
  it("TestNoSignNeeded: a current signature means no update", () => {
    expect(sign(configMap("abc123", SIG), [token("abc123", "tokenSecret")])).toBeUndefined();
  });
  it("TestUpdateSignature: a stale signature is replaced", () => {
    expect(sign(configMap("abc123", "old signature"), [token("abc123", "tokenSecret")])).toEqual(configMap("abc123", SIG).data);
  });
  it("TestRemoveSignature: the signature of a token that is gone is removed", () => {
    expect(sign(configMap("abc123", "old signature"), [])).toEqual(configMap().data);
  });
  it("a ConfigMap without a kubeconfig key is not touched", () => {
    expect(signedData({ metadata: { name: "cluster-info" }, data: { other: "x" } }, new Map([["abc123", "tokenSecret"]]))).toBeUndefined();
  });
});

describe("which tokens sign (validateSecretForSigning)", () => {
  it("takes a valid token whose usage-bootstrap-signing is \"true\"", () => {
    expect([...signingTokens([token("abc123", "tokenSecret")], NOW)]).toEqual([["abc123", "tokenSecret"]]);
  });
  it("refuses tokens not for signing, expired, misnamed, with an id other than the name's, or without a secret", () => {
    const refused = [
      token("abc123", "tokenSecret", {}),
      token("abc123", "tokenSecret", { "usage-bootstrap-signing": "True" }),
      token("abc123", "tokenSecret", { "usage-bootstrap-signing": "true", expiration: "2020-09-13T04:39:10Z" }),
      token("abc123", "tokenSecret", { "usage-bootstrap-signing": "true", expiration: "soon" }),
      token("abc123", "tokenSecret", undefined, "bootstrap-token-ABC123"),
      token("abc123", "tokenSecret", undefined, "bootstrap-token-abc124"),
      token("abc123", ""),
      { ...token("abc123", "tokenSecret"), type: "Opaque" },
    ];
    expect([...signingTokens(refused, NOW)]).toEqual([]);
  });
  it("a token expiring later still signs", () => {
    expect(signingTokens([token("abc123", "tokenSecret", { "usage-bootstrap-signing": "true", expiration: "2026-01-02T00:00:00Z" })], NOW).size).toBe(1);
  });
});
