// kubectl create token (TokenRequest, serviceaccounts/token) as the docs use it ("Configure Service
// Accounts for Pods", "Managing Service Accounts"): the token names the account, in its groups, for
// the duration asked (an hour by default, at least ten minutes); RBAC judges what it may do; it
// stops working when its account is deleted, or the pod it is bound to.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, raw, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();

/** The JWT's claims (its middle part), as `jq -R 'split(".") | .[1] | @base64d'` shows them. */
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8"));

describe("kubectl create token against podflow serve", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
    expect(bin, "kubectl is not on PATH").toBeDefined();
    expect((await kubectl(bin!, s.kubeconfigPath, ["create", "serviceaccount", "build-robot"])).code).toBe(0);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("issues a JWT for the account: sub, the kubernetes.io claims, an hour by default; the token authenticates as the account and RBAC judges it", async () => {
    const r = await kubectl(bin!, s.kubeconfigPath, ["create", "token", "build-robot"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const token = r.out.trim();
    expect(token.split(".")).toHaveLength(3);
    const c = claimsOf(token);
    expect(c.sub).toBe("system:serviceaccount:default:build-robot");
    expect(c.aud).toEqual(["https://kubernetes.default.svc.cluster.local"]);
    expect(c.iss).toBe("https://kubernetes.default.svc.cluster.local");
    expect(c.exp - c.iat).toBe(3600);
    expect(Object.keys(c["kubernetes.io"]).sort()).toEqual(["namespace", "serviceaccount"]);
    expect(c["kubernetes.io"].serviceaccount.name).toBe("build-robot");
    const whoami = await kubectl(bin!, s.kubeconfigPath, ["--token", token, "auth", "whoami", "-o", "json"]);
    expect(whoami.code).toBe(0);
    const ui = JSON.parse(whoami.out).status.userInfo;
    expect(ui.username).toBe("system:serviceaccount:default:build-robot");
    expect(ui.groups).toEqual(["system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"]);
    expect(ui.extra["authentication.kubernetes.io/credential-id"]).toEqual([`JTI=${c.jti}`]);
    const pods = await kubectl(bin!, s.kubeconfigPath, ["--token", token, "get", "pods"]);
    expect(pods.code).not.toBe(0);
    expect(pods.err.trim()).toBe('Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:default:build-robot" cannot list resource "pods" in API group "" in the namespace "default"');
  });

  it("--duration below ten minutes is refused by ValidateTokenRequest; --audience and --duration are in the token", async () => {
    const short = await kubectl(bin!, s.kubeconfigPath, ["create", "token", "build-robot", "--duration=1m"]);
    expect(short.code).not.toBe(0);
    expect(short.err.trim()).toBe('error: failed to create token: TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes');
    const r = await kubectl(bin!, s.kubeconfigPath, ["create", "token", "build-robot", "--duration=10m", "--audience=vault"]);
    expect(r.code).toBe(0);
    const c = claimsOf(r.out.trim());
    expect(c.aud).toEqual(["vault"]);
    expect(c.exp - c.iat).toBe(600);
    // a token for another audience does not authenticate to the API server
    expect((await raw(s, "GET", "/api", { token: r.out.trim() })).code).toBe(401);
  });

  it("an account that does not exist is 404; a token bound to a pod names the pod and dies with it", async () => {
    const none = await kubectl(bin!, s.kubeconfigPath, ["create", "token", "nobody"]);
    expect(none.err.trim()).toBe('error: failed to create token: serviceaccounts "nobody" not found');
    // token.go binds an account's token only to a pod running as that account
    expect((await kubectl(bin!, s.kubeconfigPath, ["run", "web", "--image=nginx", "--overrides", '{"apiVersion":"v1","spec":{"serviceAccountName":"build-robot"}}'])).code).toBe(0);
    const missing = await kubectl(bin!, s.kubeconfigPath, ["create", "token", "build-robot", "--bound-object-kind", "Pod", "--bound-object-name", "ghost"]);
    expect(missing.err.trim()).toBe('error: failed to create token: pods "ghost" not found');
    const r = await kubectl(bin!, s.kubeconfigPath, ["create", "token", "build-robot", "--bound-object-kind", "Pod", "--bound-object-name", "web"]);
    expect(r.code).toBe(0);
    const token = r.out.trim();
    const c = claimsOf(token);
    expect(c["kubernetes.io"].pod.name).toBe("web");
    const whoami = JSON.parse((await kubectl(bin!, s.kubeconfigPath, ["--token", token, "auth", "whoami", "-o", "json"])).out).status.userInfo;
    expect(whoami.extra["authentication.kubernetes.io/pod-name"]).toEqual(["web"]);
    expect((await kubectl(bin!, s.kubeconfigPath, ["delete", "pod", "web", "--grace-period=0", "--force"])).code).toBe(0);
    const gone = await raw(s, "GET", "/api", { token });
    expect(gone.code).toBe(401);
  });

  it("a token stops authenticating once its account is deleted (401, as the service account authenticator looks the account up)", async () => {
    expect((await kubectl(bin!, s.kubeconfigPath, ["create", "serviceaccount", "short-lived"])).code).toBe(0);
    const token = (await kubectl(bin!, s.kubeconfigPath, ["create", "token", "short-lived"])).out.trim();
    expect((await raw(s, "GET", "/api", { token })).code).toBe(200);
    expect((await kubectl(bin!, s.kubeconfigPath, ["delete", "serviceaccount", "short-lived"])).code).toBe(0);
    expect((await raw(s, "GET", "/api", { token })).code).toBe(401);
  });
  // configure-service-account.md, "Manually create an API token for a ServiceAccount": the token
  // controller fills the Secret, kubectl describe shows ca.crt, namespace and the token itself.
  it("a kubernetes.io/service-account-token Secret gets a long-lived token that authenticates as its account", async () => {
    const secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: build-robot-secret\n  annotations:\n    kubernetes.io/service-account.name: build-robot\ntype: kubernetes.io/service-account-token\n";
    expect((await kubectl(bin!, s.kubeconfigPath, ["apply", "-f", "-"], { input: secret })).code).toBe(0);
    let token = "";
    for (let i = 0; i < 50 && token === ""; i++) {
      const r = await kubectl(bin!, s.kubeconfigPath, ["get", "secret", "build-robot-secret", "-o", "jsonpath={.data.token}"]);
      token = Buffer.from(r.out.trim(), "base64").toString("utf8");
      if (token === "") await new Promise((res) => setTimeout(res, 100));
    }
    const d = await kubectl(bin!, s.kubeconfigPath, ["describe", "secrets/build-robot-secret"]);
    expect(d.code).toBe(0);
    expect(d.out).toMatch(/^Annotations:\s+kubernetes\.io\/service-account\.name: build-robot\n\s+kubernetes\.io\/service-account\.uid: [0-9a-f-]{36}\n/m);
    expect(d.out).toMatch(/^Type:\s+kubernetes\.io\/service-account-token$/m);
    expect(d.out).toMatch(/^ca\.crt:\s+\d+ bytes$/m);
    expect(d.out).toMatch(/^namespace:\s+7 bytes$/m);
    expect(d.out).toContain(`token:      ${token}\n`);
    expect(claimsOf(token).sub).toBe("system:serviceaccount:default:build-robot");
    const whoami = await kubectl(bin!, s.kubeconfigPath, ["--token", token, "auth", "whoami", "-o", "json"]);
    expect(JSON.parse(whoami.out).status.userInfo.username).toBe("system:serviceaccount:default:build-robot");
  });
});
