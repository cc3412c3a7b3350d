// The token cleaner and the bootstrap signer through createCluster, as kind runs them
// (--controllers=*,bootstrapsigner,tokencleaner), with kubeadm's kube-public/cluster-info.
// Expectations: docs concepts/security/secret (bootstrap token Secrets; "the token cleaner
// deletes expired tokens"), pkg/controller/bootstrap, kubeadm's clusterinfo phase, and RFC 7515
// (a JWS's signature is HMAC-SHA256 over "<header>.<base64url payload>"; Appendix F detaches it).

import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createCluster } from "../../index.js";
import { rfc3339 } from "../common/time.js";

type Cluster = ReturnType<typeof createCluster>;
const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});
function cluster(): Cluster {
  const c = createCluster({ nodes: 1, seed: 5 });
  clusters.push(c);
  return c;
}
const docsToken = readFileSync(join(import.meta.dirname, "..", "..", "test", "fixtures", "docs", "secret", "bootstrap-token-secret-literal.yaml"), "utf8");
const token = (id: string, secret: string, expiration: string) => `
apiVersion: v1
kind: Secret
metadata: { name: bootstrap-token-${id}, namespace: kube-system }
type: bootstrap.kubernetes.io/token
stringData:
  token-id: ${id}
  token-secret: ${secret}
  expiration: "${expiration}"
  usage-bootstrap-authentication: "true"
  usage-bootstrap-signing: "true"
`;
const clusterInfo = (c: Cluster) => c.get("ConfigMap", "cluster-info", "kube-public") as any;

/** RFC 7515 verification of a detached HS256 JWS over content, the key zero-padded to 32 bytes as go-jose wants. */
function verifiesDetached(jws: string, content: string, kid: string, secret: string): boolean {
  const [header, payload, signature] = jws.split(".");
  if (payload !== "" || JSON.parse(Buffer.from(header!, "base64url").toString()).kid !== kid) return false;
  const key = Buffer.concat([Buffer.from(secret), Buffer.alloc(Math.max(0, 32 - secret.length))]);
  const want = createHmac("sha256", key).update(`${header}.${Buffer.from(content).toString("base64url")}`).digest("base64url");
  return signature === want;
}

describe("kubeadm's cluster-info", () => {
  it("kube-public/cluster-info holds a kubeconfig with the cluster's CA and server only", async () => {
    const c = cluster();
    await c.settle();
    const kubeconfig: string = clusterInfo(c).data.kubeconfig;
    expect(kubeconfig).toMatch(/^apiVersion: v1\nclusters:\n- cluster:\n {4}certificate-authority-data: [A-Za-z0-9+/=]+\n {4}server: https:\/\/172\.18\.0\.2:6443\n {2}name: ""\ncontexts: null\ncurrent-context: ""\nkind: Config\npreferences: \{\}\nusers: null\n$/);
    const ca = Buffer.from(/certificate-authority-data: (\S+)/.exec(kubeconfig)![1]!, "base64").toString();
    expect(ca).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]*-----END CERTIFICATE-----\n$/);
  });
  it("system:anonymous may get cluster-info (kubeadm:bootstrap-signer-clusterinfo), and nothing else in kube-public", async () => {
    const c = cluster();
    await c.settle();
    const ok = await c.request({ token: "", verb: "get", group: "", resource: "configmaps", namespace: "kube-public", name: "cluster-info" });
    expect(ok.ok && ok.object.metadata.name).toBe("cluster-info");
    const other = await c.request({ token: "", verb: "get", group: "", resource: "configmaps", namespace: "kube-public", name: "kube-root-ca.crt" });
    expect(other.ok).toBe(false);
    if (!other.ok) expect(other.status.message).toBe('configmaps "kube-root-ca.crt" is forbidden: User "system:anonymous" cannot get resource "configmaps" in API group "" in the namespace "kube-public"');
  });
});

describe("the token cleaner", () => {
  it("deletes the docs' bootstrap token, expired since 2020-09-13, and the signer never signs with it", async () => {
    const c = cluster();
    await c.apply(docsToken);
    await c.settle();
    expect(c.get("Secret", "bootstrap-token-5emitj", "kube-system")).toBeUndefined();
    expect(Object.keys(clusterInfo(c).data)).toEqual(["kubeconfig"]);
  });
  it("keeps a token until its expiration, then deletes it", async () => {
    const c = cluster();
    await c.settle();
    await c.apply(token("abcdef", "0123456789abcdef", rfc3339(c.now() + 3_600_000)));
    await c.settle();
    c.advance(3_590_000);
    await c.settle();
    expect(c.get("Secret", "bootstrap-token-abcdef", "kube-system")).toBeDefined();
    c.advance(20_000);
    await c.settle();
    expect(c.get("Secret", "bootstrap-token-abcdef", "kube-system")).toBeUndefined();
  });
  it("deletes a token whose expiration does not parse, and leaves other Secrets of kube-system alone", async () => {
    const c = cluster();
    await c.settle();
    await c.apply(token("zzzzzz", "0123456789abcdef", "next tuesday"));
    await c.apply(`{ apiVersion: v1, kind: Secret, metadata: { name: bootstrap-token-yyyyyy, namespace: kube-system }, type: Opaque, stringData: { expiration: "2020-01-01T00:00:00Z" } }`);
    await c.settle();
    expect(c.get("Secret", "bootstrap-token-zzzzzz", "kube-system")).toBeUndefined();
    expect(c.get("Secret", "bootstrap-token-yyyyyy", "kube-system")).toBeDefined();
  });
});

describe("the bootstrap signer", () => {
  it("signs cluster-info's kubeconfig as jws-kubeconfig-<token-id> while the token lives, and drops the signature once it is deleted", async () => {
    const c = cluster();
    await c.settle();
    await c.apply(token("abcdef", "0123456789abcdef", rfc3339(c.now() + 3_600_000)));
    await c.settle();
    const data = clusterInfo(c).data;
    expect(Object.keys(data).sort()).toEqual(["jws-kubeconfig-abcdef", "kubeconfig"]);
    expect(data["jws-kubeconfig-abcdef"]).toMatch(/^eyJhbGciOiJIUzI1NiIsImtpZCI6ImFiY2RlZiJ9\.\.[A-Za-z0-9_-]{43}$/);
    expect(verifiesDetached(data["jws-kubeconfig-abcdef"], data.kubeconfig, "abcdef", "0123456789abcdef")).toBe(true);
    await c.delete("Secret", "bootstrap-token-abcdef", "kube-system");
    await c.settle();
    expect(Object.keys(clusterInfo(c).data)).toEqual(["kubeconfig"]);
  });
  it("does not sign with a token whose usage-bootstrap-signing is not \"true\"", async () => {
    const c = cluster();
    await c.settle();
    await c.apply(token("abcdef", "0123456789abcdef", rfc3339(c.now() + 3_600_000)).replace('usage-bootstrap-signing: "true"', 'usage-bootstrap-signing: "false"'));
    await c.settle();
    expect(Object.keys(clusterInfo(c).data)).toEqual(["kubeconfig"]);
  });
});
