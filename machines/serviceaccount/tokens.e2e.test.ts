// The service-account token controller end to end (tokens_controller.go): the docs' "Manually
// create a long-lived API token for a ServiceAccount" Secret gets token, ca.crt and namespace and
// the account's uid annotation; the token authenticates as the account while its Secret holds it;
// the Secret goes with its ServiceAccount, and a Secret naming no account is deleted.

import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";
import { clusterCACert } from "../common/ca.js";

const account = { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "build-robot" } };
// configure-service-account.md, "Manually create an API token for a ServiceAccount"
const secret = `apiVersion: v1
kind: Secret
metadata:
  name: build-robot-secret
  annotations:
    kubernetes.io/service-account.name: build-robot
type: kubernetes.io/service-account-token
`;

const text = (b64: string) => Buffer.from(b64, "base64").toString("utf8");
const payload = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8"));

describe("the service-account token controller", () => {
  it("fills a token Secret for its ServiceAccount: token, ca.crt, namespace and the uid annotation", async () => {
    const c = createCluster({ nodes: 1, seed: 5 });
    await c.apply(account);
    await c.apply(secret);
    await c.settle();
    const sa = c.get("ServiceAccount", "build-robot");
    const s = c.get("Secret", "build-robot-secret");
    expect(s.metadata.annotations).toMatchObject({ "kubernetes.io/service-account.name": "build-robot", "kubernetes.io/service-account.uid": sa.metadata.uid });
    expect(Object.keys(s.data).sort()).toEqual(["ca.crt", "namespace", "token"]);
    expect(text(s.data["ca.crt"])).toBe(clusterCACert);
    expect(text(s.data.namespace)).toBe("default");
    // LegacyClaims: the legacy issuer, the account, its uid and the Secret
    expect(payload(text(s.data.token))).toEqual({
      iss: "kubernetes/serviceaccount",
      "kubernetes.io/serviceaccount/namespace": "default",
      "kubernetes.io/serviceaccount/secret.name": "build-robot-secret",
      "kubernetes.io/serviceaccount/service-account.name": "build-robot",
      "kubernetes.io/serviceaccount/service-account.uid": sa.metadata.uid,
      sub: "system:serviceaccount:default:build-robot",
    });
  });

  it("its token authenticates as the account while the Secret holds it, and not once the Secret is gone", async () => {
    const c = createCluster({ nodes: 1, seed: 5 });
    await c.apply(account);
    await c.apply(secret);
    await c.settle();
    const token = text(c.get("Secret", "build-robot-secret").data.token);
    const review = async () => c.request({ verb: "create", group: "authentication.k8s.io", resource: "selfsubjectreviews", token, body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" } });
    const who = await review();
    expect(who.ok && who.object.status.userInfo).toMatchObject({ username: "system:serviceaccount:default:build-robot", groups: ["system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"] });
    // a token with the same claims but another signature is not the signer's
    const forged = `${token.slice(0, token.lastIndexOf("."))}.AAAA`;
    const refused = await c.request({ verb: "get", group: "", resource: "serviceaccounts", namespace: "default", name: "build-robot", token: forged });
    expect(!refused.ok && refused.status.code).toBe(401);
    await c.delete("Secret", "build-robot-secret");
    await c.settle();
    const after = await review();
    expect(!after.ok && after.status.code).toBe(401);
  });

  // LegacyServiceAccountTokenTracking (legacy.go): the API server labels the Secret with the day of use
  it("a use of the token labels its Secret kubernetes.io/legacy-token-last-used with the day", async () => {
    const c = createCluster({ nodes: 1, seed: 5 });
    await c.apply(account);
    await c.apply(secret);
    await c.settle();
    const token = text(c.get("Secret", "build-robot-secret").data.token);
    expect(c.get("Secret", "build-robot-secret").metadata.labels?.["kubernetes.io/legacy-token-last-used"]).toBeUndefined();
    const r = await c.request({ verb: "get", group: "", resource: "namespaces", name: "default", token });
    // authenticated as the account, which RBAC does not let read namespaces
    expect(!r.ok && r.status.code).toBe(403);
    await c.settle();
    const today = new Date(c.now()).toISOString().slice(0, 10);
    expect(c.get("Secret", "build-robot-secret").metadata.labels).toEqual({ "kubernetes.io/legacy-token-last-used": today });
  });

  it("a deleted token Secret is dropped from its ServiceAccount's secrets (removeSecretReference)", async () => {
    const c = createCluster({ nodes: 1, seed: 5 });
    await c.apply({ ...account, secrets: [{ name: "build-robot-secret" }, { name: "other" }] });
    await c.apply(secret);
    await c.settle();
    await c.delete("Secret", "build-robot-secret");
    await c.settle();
    expect(c.get("ServiceAccount", "build-robot").secrets).toEqual([{ name: "other" }]);
  });

  it("deletes the token Secrets of a deleted ServiceAccount", async () => {
    const c = createCluster({ nodes: 1, seed: 5 });
    await c.apply(account);
    await c.apply(secret);
    await c.settle();
    expect(c.get("Secret", "build-robot-secret").data.token).toBeDefined();
    await c.delete("ServiceAccount", "build-robot");
    await c.settle();
    expect(c.get("Secret", "build-robot-secret")).toBeUndefined();
  });

  // syncServiceAccount looks the deleted account up by name and uid: an account made again under
  // the name is another account, so the old one's tokens still go (their uid annotation is the old
  // uid). Here the first DELETE of the token fails (500) and the account is made again before the
  // controller's retry, which must still delete the token.
  it("deletes the token Secrets of a deleted ServiceAccount when its retry finds another account of the name", async () => {
    const c = createCluster({ nodes: 1, seed: 5 });
    await c.apply(account);
    await c.apply(secret);
    await c.settle();
    const old = c.get("ServiceAccount", "build-robot").metadata.uid;
    expect(c.get("Secret", "build-robot-secret").metadata.annotations["kubernetes.io/service-account.uid"]).toBe(old);
    let made: Promise<unknown> | undefined;
    c.runtime.sendHook = (from, to, msg: any) => {
      if (made || from === "apiserver" || msg.type !== "ApiRequest" || msg.verb !== "delete" || msg.resource !== "secrets") return false;
      made = c.request({ verb: "create", group: "", resource: "serviceaccounts", namespace: "default", body: account });
      c.runtime.post(to, from, { type: "ApiResponse", id: msg.id, ok: false, code: 500, status: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "etcdserver: request timed out", reason: "InternalError", code: 500 } });
      return true;
    };
    await c.delete("ServiceAccount", "build-robot");
    await c.settle();
    await made;
    c.advance(1_000);
    await c.settle();
    expect(made).toBeDefined();
    expect(c.get("ServiceAccount", "build-robot").metadata.uid).not.toBe(old);
    expect(c.get("Secret", "build-robot-secret")).toBeUndefined();
    await c.stop();
  });

  it("deletes a token Secret that names a ServiceAccount that does not exist", async () => {
    const c = createCluster({ nodes: 1, seed: 5 });
    await c.apply(secret);
    await c.settle();
    expect(c.get("Secret", "build-robot-secret")).toBeUndefined();
  });

  it("deletes a token Secret whose uid annotation is another account's", async () => {
    const c = createCluster({ nodes: 1, seed: 5 });
    await c.apply(account);
    await c.apply(secret.replace("    kubernetes.io/service-account.name: build-robot", "    kubernetes.io/service-account.name: build-robot\n    kubernetes.io/service-account.uid: 00000000-0000-0000-0000-000000000000"));
    await c.settle();
    expect(c.get("Secret", "build-robot-secret")).toBeUndefined();
  });
});
