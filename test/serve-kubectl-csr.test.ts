// The docs' walkthrough "Certificates and Certificate Signing Requests → How to issue a
// certificate for a user" (kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/)
// through `podflow serve` with the real kubectl and openssl: a key and a request from openssl, a
// CertificateSigningRequest for kubernetes.io/kube-apiserver-client, `kubectl certificate approve`,
// the certificate kube-controller-manager's csrsigning controller issues, and the user it names
// working through a kubeconfig and RBAC.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { certKubeconfig, findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

describe.skipIf(!bin)("How to issue a certificate for a user, through serve", () => {
  let s: Served;
  let dir: string;
  let request: string;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input !== undefined ? { input } : {});
  const csrYaml = (name: string, req: string, extra = "  expirationSeconds: 86400  # one day\n  usages:\n  - client auth\n") =>
    `apiVersion: certificates.k8s.io/v1\nkind: CertificateSigningRequest\nmetadata:\n  name: ${name}\nspec:\n  request: ${req}\n  signerName: kubernetes.io/kube-apiserver-client\n${extra}`;

  beforeAll(async () => {
    s = await serve({ nodes: 1 });
    dir = mkdtempSync(join(tmpdir(), "podflow-csr-"));
    // openssl genrsa -out myuser.key 2048; openssl req -new -key myuser.key -out myuser.csr -subj "/CN=myuser"
    execFileSync("openssl", ["genrsa", "-out", join(dir, "myuser.key"), "2048"], { stdio: "ignore" });
    execFileSync("openssl", ["req", "-new", "-key", join(dir, "myuser.key"), "-out", join(dir, "myuser.csr"), "-subj", "/CN=myuser"], { stdio: "ignore" });
    request = readFileSync(join(dir, "myuser.csr")).toString("base64");
  }, 60_000);
  afterAll(async () => s?.stop());

  it("discovery serves certificatesigningrequests (csr) at certificates.k8s.io/v1, cluster-scoped", async () => {
    const r = await k(["api-resources", "--api-group=certificates.k8s.io"]);
    expect(r.out).toMatch(/^certificatesigningrequests\s+csr\s+certificates\.k8s\.io\/v1\s+false\s+CertificateSigningRequest$/m);
    // and its schema: kubectl explain reads the OpenAPI v3 document of the group
    const explained = await k(["explain", "csr.spec.expirationSeconds"]);
    expect(explained.err).toBe("");
    expect(explained.out).toMatch(/^GROUP:\s+certificates\.k8s\.io$/m);
    expect(explained.out).toMatch(/^KIND:\s+CertificateSigningRequest$/m);
    expect(explained.out).toMatch(/^FIELD: expirationSeconds <integer>$/m);
  }, 60_000);

  it("the request is created, listed Pending with its signer, requestor and duration, and approved", async () => {
    const created = await k(["apply", "-f", "-"], csrYaml("myuser", request));
    expect([created.err, created.out]).toEqual(["", "certificatesigningrequest.certificates.k8s.io/myuser created\n"]);
    const listed = await k(["get", "csr"]);
    expect(listed.out.split("\n")[0]!.split(/\s+/)).toEqual(["NAME", "AGE", "SIGNERNAME", "REQUESTOR", "REQUESTEDDURATION", "CONDITION"]);
    expect(listed.out.split("\n")[1]!.split(/\s+/)).toEqual(["myuser", expect.stringMatching(/^\d+s$/), "kubernetes.io/kube-apiserver-client", "admin", "24h", "Pending"]);
    // the strategy wrote the requester's identity, whatever the body said
    const spec = JSON.parse((await k(["get", "csr", "myuser", "-o", "json"])).out).spec;
    expect([spec.username, spec.groups]).toEqual(["admin", ["system:masters", "system:authenticated"]]);
    const approved = await k(["certificate", "approve", "myuser"]);
    expect([approved.err, approved.out]).toEqual(["", "certificatesigningrequest.certificates.k8s.io/myuser approved\n"]);
    const conditions = JSON.parse((await k(["get", "csr", "myuser", "-o", "json"])).out).status.conditions;
    expect(conditions[0]).toMatchObject({ type: "Approved", status: "True", reason: "KubectlApprove", message: "This CSR was approved by kubectl certificate approve." });
    expect(conditions[0].lastUpdateTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  }, 60_000);

  it("the controller issues the certificate: CN myuser, from the cluster CA, a day long backdated 5 minutes, for client auth", async () => {
    const issued = await until(async () => {
      const r = await k(["get", "csr", "myuser", "-o", "jsonpath={.status.certificate}"]);
      return r.out.trim() !== "" ? r.out.trim() : undefined;
    }, 20_000);
    expect(issued).toBeDefined();
    const pem = Buffer.from(issued!, "base64").toString();
    writeFileSync(join(dir, "myuser.crt"), pem);
    const cert = new X509Certificate(pem);
    expect(cert.subject).toBe("CN=myuser");
    expect(cert.verify(new X509Certificate(s.server.caCert!).publicKey)).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.keyUsage).toEqual(["1.3.6.1.5.5.7.3.2"]);
    // PermissiveSigningPolicy: NotBefore = now - 5m, NotAfter = now + 24h - 5m (a day is not short)
    expect(Date.parse(cert.validTo) - Date.parse(cert.validFrom)).toBe(86_400_000);
    // NotBefore is the signing time less 5 minutes: after the approval, before now, on the cluster's clock (serve's runs 10 times faster than the wall's)
    const approvedAt = Date.parse(JSON.parse((await k(["get", "csr", "myuser", "-o", "json"])).out).status.conditions[0].lastUpdateTime);
    const signedAt = Date.parse(cert.validFrom) + 5 * 60_000;
    expect(signedAt >= approvedAt - 1_000 && signedAt <= s.cluster.now(), `NotBefore ${cert.validFrom}, approved ${new Date(approvedAt).toISOString()}`).toBe(true);
    const listed = await k(["get", "csr", "myuser", "--no-headers"]);
    expect(listed.out.trim().split(/\s+/).slice(2)).toEqual(["kubernetes.io/kube-apiserver-client", "admin", "24h", "Approved,Issued"]);
  }, 60_000);

  it("with a Role and a RoleBinding, the certificate's user works through a kubeconfig, and only as RBAC allows", async () => {
    expect((await k(["create", "role", "developer", "--verb=create", "--verb=get", "--verb=list", "--verb=update", "--verb=delete", "--resource=pods"])).err).toBe("");
    expect((await k(["create", "rolebinding", "developer-binding-myuser", "--role=developer", "--user=myuser"])).err).toBe("");
    const kc = join(dir, "myuser.kubeconfig");
    writeFileSync(kc, certKubeconfig(s, join(dir, "myuser.crt"), join(dir, "myuser.key")));
    const who = await kubectl(bin!, kc, ["auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"]);
    expect([who.err, who.out]).toEqual(["", "myuser"]);
    const pods = await kubectl(bin!, kc, ["get", "pods", "-n", "default"]);
    expect([pods.err.trim(), pods.out]).toEqual(["No resources found in default namespace.", ""]);
    const nodes = await kubectl(bin!, kc, ["get", "nodes"]);
    expect(nodes.err.trim()).toBe('Error from server (Forbidden): nodes is forbidden: User "myuser" cannot list resource "nodes" in API group "" at the cluster scope');
  }, 60_000);

  it("a request whose usages are not a client certificate's is approved and then Failed by the signer, with no certificate", async () => {
    const created = await k(["create", "-f", "-"], csrYaml("server-usage", request, "  usages:\n  - client auth\n  - server auth\n"));
    expect(created.err).toBe("");
    expect((await k(["certificate", "approve", "server-usage"])).err).toBe("");
    const failed = await until(async () => {
      const csr = JSON.parse((await k(["get", "csr", "server-usage", "-o", "json"])).out);
      return (csr.status?.conditions ?? []).find((c: any) => c.type === "Failed");
    }, 20_000);
    expect(failed).toMatchObject({ type: "Failed", status: "True", reason: "SignerValidationFailure", message: "invalid usage for client certificate: server auth" });
    const listed = await k(["get", "csr", "server-usage", "--no-headers"]);
    expect(listed.out.trim().split(/\s+/).at(-1)).toBe("Approved,Failed");
  }, 60_000);

  it("a field selector on spec.signerName selects the requests of one signer", async () => {
    const mine = await k(["get", "csr", "--field-selector", "spec.signerName=kubernetes.io/kube-apiserver-client", "-o", "name"]);
    expect(mine.out).toContain("certificatesigningrequest.certificates.k8s.io/myuser\n");
    const none = await k(["get", "csr", "--field-selector", "spec.signerName=example.com/other"]);
    expect([none.out, none.err.trim()]).toEqual(["", "No resources found"]);
  }, 60_000);

  it("kubectl certificate deny: Denied, never signed", async () => {
    expect((await k(["create", "-f", "-"], csrYaml("denied", request))).err).toBe("");
    const denied = await k(["certificate", "deny", "denied"]);
    expect([denied.err, denied.out]).toEqual(["", "certificatesigningrequest.certificates.k8s.io/denied denied\n"]);
    const listed = await k(["get", "csr", "denied", "--no-headers"]);
    expect(listed.out.trim().split(/\s+/).at(-1)).toBe("Denied");
  }, 60_000);

  it("validation refuses what kube-apiserver refuses, with its messages", async () => {
    const short = await k(["create", "-f", "-"], csrYaml("bob-60", request, "  expirationSeconds: 60\n  usages:\n  - client auth\n"));
    expect(short.err.trim()).toBe('The CertificateSigningRequest "bob-60" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 600 seconds (10 minutes)');
    const notPem = await k(["create", "-f", "-"], csrYaml("junk", Buffer.from("this is not a CSR").toString("base64")));
    expect(notPem.err.trim()).toBe(`The CertificateSigningRequest "junk" is invalid: spec.request: Invalid value: "${Buffer.from("this is not a CSR").toString("base64")}": PEM block type must be CERTIFICATE REQUEST`);
    const masters = execFileSync("openssl", ["req", "-new", "-key", join(dir, "myuser.key"), "-subj", "/CN=root/O=system:masters"]).toString("base64");
    const restricted = await k(["create", "-f", "-"], csrYaml("root", masters));
    expect(restricted.err.trim()).toBe('Error from server (Forbidden): error when creating "STDIN": certificatesigningrequests.certificates.k8s.io "root" is forbidden: use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed');
  }, 60_000);

  it("a user without approve on the signer may not approve, even with update on certificatesigningrequests/approval", async () => {
    expect((await k(["create", "clusterrole", "csr-updater", "--verb=get,list,update", "--resource=certificatesigningrequests,certificatesigningrequests/approval"])).err).toBe("");
    expect((await k(["create", "clusterrolebinding", "csr-updater-myuser", "--clusterrole=csr-updater", "--user=myuser"])).err).toBe("");
    expect((await k(["create", "-f", "-"], csrYaml("other", request))).err).toBe("");
    const approved = await kubectl(bin!, join(dir, "myuser.kubeconfig"), ["certificate", "approve", "other"]);
    expect(approved.err.trim()).toBe('Error from server (Forbidden): certificatesigningrequests.certificates.k8s.io "other" is forbidden: user not permitted to approve requests with signerName "kubernetes.io/kube-apiserver-client"');
  }, 60_000);
});
