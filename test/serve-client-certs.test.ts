// x509 client-certificate authentication through `podflow serve`, as kube-apiserver's x509
// authenticator (k8s.io/apiserver/pkg/authentication/request/x509): a certificate that chains to
// the cluster CA for client use names the user by its CN and the groups by its O values (plus
// system:authenticated); one that does not verify (expired, unknown CA) is 401 Unauthorized.

import "reflect-metadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { webcrypto } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as x509 from "@peculiar/x509";
import { certKubeconfig, findKubectl, kubectl, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();

/** A client certificate for subject, signed by the CA key given (or self-signed by a fresh CA), valid over [notBefore, notAfter]. */
async function clientCert(subject: string, signer: { certPem: string; keyPem: string } | undefined, notBefore: Date, notAfter: Date): Promise<{ cert: string; key: string }> {
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"]);
  let issuerName: string;
  let signingKey: CryptoKey;
  if (signer) {
    issuerName = new x509.X509Certificate(signer.certPem).subject;
    const der = Buffer.from(signer.keyPem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
    signingKey = await webcrypto.subtle.importKey("pkcs8", der, alg, false, ["sign"]);
  } else {
    issuerName = "CN=some-other-ca";
    signingKey = (await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"])).privateKey;
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: "0a1b", subject, issuer: issuerName, notBefore, notAfter, signingAlgorithm: alg,
    publicKey: keys.publicKey, signingKey,
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true), new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey)).toString("base64");
  return { cert: cert.toString("pem"), key: `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join("\n")}\n-----END PRIVATE KEY-----\n` };
}

/** A GET with a client certificate, as curl --cert would send it (whatever CAs the server names). */
function getWithCert(s: Served, path: string, c: { cert: string; key: string }, token?: string): Promise<{ code: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, s.server.url), { method: "GET", ca: s.server.caCert, cert: c.cert, key: c.key, headers: token ? { Authorization: `Bearer ${token}` } : {} }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ code: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

const unauthorized = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 };

describe("client certificates authenticate through serve", () => {
  let s: Served;
  let dir: string;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
    dir = mkdtempSync(join(tmpdir(), "podflow-x509-"));
    writeFileSync(join(dir, "ca.crt"), s.server.caCert!);
    writeFileSync(join(dir, "ca.key"), s.server.caKey!);
  }, 60_000);
  afterAll(async () => s?.stop());

  it.skipIf(!bin)("a certificate openssl signed with the cluster CA is its CN's user, in its O groups, for kubectl auth whoami", async () => {
    execFileSync("openssl", ["genrsa", "-out", join(dir, "alice.key"), "2048"], { stdio: "ignore" });
    execFileSync("openssl", ["req", "-new", "-key", join(dir, "alice.key"), "-subj", "/CN=alice/O=devs/O=ops", "-out", join(dir, "alice.csr")], { stdio: "ignore" });
    writeFileSync(join(dir, "ext"), "extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n");
    execFileSync("openssl", ["x509", "-req", "-in", join(dir, "alice.csr"), "-CA", join(dir, "ca.crt"), "-CAkey", join(dir, "ca.key"), "-CAcreateserial", "-days", "1", "-extfile", join(dir, "ext"), "-out", join(dir, "alice.crt")], { stdio: "ignore" });
    const kc = join(dir, "alice.kubeconfig");
    writeFileSync(kc, certKubeconfig(s, join(dir, "alice.crt"), join(dir, "alice.key")));
    const who = await kubectl(bin!, kc, ["auth", "whoami", "-o", "json"]);
    expect(who.err).toBe("");
    expect(JSON.parse(who.out).status.userInfo).toEqual({ username: "alice", groups: ["devs", "ops", "system:authenticated"] });
    // RBAC sees that user: no role grants alice anything yet
    const pods = await kubectl(bin!, kc, ["get", "pods", "-n", "default"]);
    expect(pods.err.trim()).toBe('Error from server (Forbidden): pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"');
  }, 60_000);

  it("an expired certificate from the cluster CA is 401, even beside no other credential", async () => {
    const c = await clientCert("CN=late", { certPem: s.server.caCert!, keyPem: s.server.caKey! }, new Date(Date.now() - 3 * 86_400_000), new Date(Date.now() - 86_400_000));
    const r = await getWithCert(s, "/api/v1/namespaces", c);
    expect([r.code, JSON.parse(r.body)]).toEqual([401, unauthorized]);
  }, 30_000);

  it("a certificate from a CA the server does not know is 401; with the admin's token beside it the token authenticates", async () => {
    const c = await clientCert("CN=mallory, O=system:masters", undefined, new Date(Date.now() - 60_000), new Date(Date.now() + 86_400_000));
    const r = await getWithCert(s, "/api/v1/namespaces", c);
    expect([r.code, JSON.parse(r.body)]).toEqual([401, unauthorized]);
    const withToken = await getWithCert(s, "/api/v1/namespaces", c, s.cluster.adminToken);
    expect(withToken.code).toBe(200);
  }, 30_000);

  it("a valid certificate in system:masters lists namespaces; one without a CN is anonymous", async () => {
    const admin = await clientCert("CN=root, O=system:masters", { certPem: s.server.caCert!, keyPem: s.server.caKey! }, new Date(Date.now() - 60_000), new Date(Date.now() + 86_400_000));
    expect((await getWithCert(s, "/api/v1/namespaces", admin)).code).toBe(200);
    const nameless = await clientCert("O=system:masters", { certPem: s.server.caCert!, keyPem: s.server.caKey! }, new Date(Date.now() - 60_000), new Date(Date.now() + 86_400_000));
    const r = await getWithCert(s, "/api/v1/namespaces", nameless);
    expect([r.code, JSON.parse(r.body).message]).toEqual([403, 'namespaces is forbidden: User "system:anonymous" cannot list resource "namespaces" in API group "" at the cluster scope']);
  }, 30_000);
});
