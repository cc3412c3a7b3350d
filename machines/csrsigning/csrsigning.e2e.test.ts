// The csrsigning controller and the csrcleaner through createCluster (a seeded simulation, whose
// CA is the runtime's Ed25519 one). Expectations from signer.go and cleaner.go: an approved
// kube-apiserver-client request is signed (NotBefore backdated 5 minutes, NotAfter the requested
// duration later, or 10 minutes at least); a pending one is left alone; an issued one is deleted by
// the cleaner an hour after its approval; a run and its replay issue the same certificate.

import { afterEach, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCluster } from "../../index.js";
import { csrCleanerMachine } from "../csrcleaner/csrcleaner.machine.js";
import { csrSigningMachine } from "./csrsigning.machine.js";

type Cluster = ReturnType<typeof createCluster>;
const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});
function cluster(): Cluster {
  const c = createCluster({ nodes: 1, seed: 7 });
  clusters.push(c);
  return c;
}

const dir = mkdtempSync(join(tmpdir(), "podflow-csrsign-"));
execFileSync("openssl", ["genpkey", "-algorithm", "ed25519", "-out", join(dir, "k")], { stdio: "ignore" });
const request = execFileSync("openssl", ["req", "-new", "-key", join(dir, "k"), "-subj", "/CN=jane/O=dev"]).toString("base64");

const csr = (name: string, seconds?: number) => ({
  apiVersion: "certificates.k8s.io/v1", kind: "CertificateSigningRequest", metadata: { name },
  spec: { request, signerName: "kubernetes.io/kube-apiserver-client", usages: ["client auth", "digital signature"], ...(seconds !== undefined ? { expirationSeconds: seconds } : {}) },
});

/** kubectl certificate approve: the Approved condition through /approval. */
async function approve(c: Cluster, name: string): Promise<void> {
  const current = c.get("CertificateSigningRequest", name);
  const body = { ...current, status: { ...current.status, conditions: [{ type: "Approved", status: "True", reason: "KubectlApprove", message: "This CSR was approved by kubectl certificate approve." }] } };
  const r = await c.request({ verb: "update", group: "certificates.k8s.io", resource: "certificatesigningrequests", name, subresource: "approval", body });
  expect(r.ok).toBe(true);
}

const certificateOf = (c: Cluster, name: string) => {
  const b64 = c.get("CertificateSigningRequest", name)?.status?.certificate;
  return b64 ? new X509Certificate(Buffer.from(b64, "base64").toString()) : undefined;
};

describe("csrsigning", () => {
  it("a pending request stays unsigned; approved, it is signed for its subject and usages, backdated 5 minutes", async () => {
    const c = cluster();
    await c.apply(csr("jane", 3600));
    await c.settle();
    expect(certificateOf(c, "jane")).toBeUndefined();
    await approve(c, "jane");
    await c.settle();
    const cert = certificateOf(c, "jane")!;
    expect(cert.subject).toBe("CN=jane\nO=dev");
    expect(cert.keyUsage).toEqual(["1.3.6.1.5.5.7.3.2"]);
    // an hour is short (under 8 h): NotAfter is not backdated, so the certificate lives 65 minutes
    expect(Date.parse(cert.validTo) - Date.parse(cert.validFrom)).toBe(65 * 60_000);
    expect(Date.parse(cert.validFrom)).toBe(Math.floor(c.now() / 1000) * 1000 - 5 * 60_000);
  });

  it("without expirationSeconds the certificate lives the cluster signing duration (a year), backdated at both ends", async () => {
    const c = cluster();
    await c.apply(csr("long"));
    await c.settle();
    await approve(c, "long");
    await c.settle();
    const cert = certificateOf(c, "long")!;
    expect(Date.parse(cert.validTo) - Date.parse(cert.validFrom)).toBe(8760 * 3600_000);
  });

  it("two runs of one seed issue the same certificate bytes", async () => {
    const issue = async () => {
      const c = cluster();
      await c.apply(csr("same", 86400));
      await c.settle();
      await approve(c, "same");
      await c.settle();
      return c.get("CertificateSigningRequest", "same").status.certificate;
    };
    expect(await issue()).toBe(await issue());
  });
});

describe("csrcleaner", () => {
  // hours of simulated time: the API server with these two controllers only (a whole cluster's
  // heartbeats and probes would make the hours slow to simulate)
  it("an issued request goes an hour after its approval; a pending one stays a day", async () => {
    const c = createCluster({ nodes: 1, seed: 7, only: ["etcd", "apiserver"] });
    clusters.push(c);
    c.runtime.spawn("csrsigning-controller", csrSigningMachine, { token: c.adminToken, address: "csrsigning-controller" });
    c.runtime.spawn("csrcleaner", csrCleanerMachine, { token: c.adminToken, address: "csrcleaner" });
    await c.apply(csr("issued", 86400));
    await c.apply(csr("waiting"));
    await c.settle();
    await approve(c, "issued");
    await c.settle();
    expect(certificateOf(c, "issued")).toBeDefined();
    c.advance(30 * 60_000);
    await c.settle();
    expect(c.get("CertificateSigningRequest", "issued")).toBeDefined();
    // the cleaner passes every hour: within two of them the approval is more than an hour old
    c.advance(90 * 60_000 + 1_000);
    await c.settle();
    expect(c.get("CertificateSigningRequest", "issued")).toBeUndefined();
    expect(c.get("CertificateSigningRequest", "waiting")).toBeDefined();
    c.advance(24 * 3600_000);
    await c.settle();
    expect(c.get("CertificateSigningRequest", "waiting")).toBeUndefined();
  });
});
