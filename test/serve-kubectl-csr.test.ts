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
});
