// The pure decisions of kube-controller-manager's csrsigning controllers
// (pkg/controller/certificates/signer/signer.go, pkg/apis/certificates/helpers.go): which requests
// a signer handles, whether their usages are allowed, and how long the certificate lives.

import type { ParsedCSR } from "../common/csr.js";
import { mutant } from "../common/mutation.js";
type Obj = any;

export const kubeAPIServerClientSignerName = "kubernetes.io/kube-apiserver-client";
export const kubeAPIServerClientKubeletSignerName = "kubernetes.io/kube-apiserver-client-kubelet";
export const kubeletServingSignerName = "kubernetes.io/kubelet-serving";

/** --cluster-signing-duration's default: 8760h, one year. */
export const clusterSigningDurationMs = 8760 * 3600_000;
/** signer.duration's lower bound: twice the 5-minute backdate. */
const minDurationMs = 10 * 60_000;

const conditions = (csr: Obj): Obj[] => (Array.isArray(csr?.status?.conditions) ? csr.status.conditions : []);

/** IsCertificateRequestApproved: an Approved condition and no Denied one. */
export function isApproved(csr: Obj): boolean {
  const types = conditions(csr).map((c) => c?.type);
  return types.includes("Approved") && !types.includes("Denied");
}

/** HasTrueCondition(csr, Failed). */
export function hasFailed(csr: Obj): boolean {
  return conditions(csr).some((c) => c?.type === "Failed" && c?.status === "True");
}

/** certificate_controller's syncFunc: a request that already has a certificate needs nothing. */
export function hasCertificate(csr: Obj): boolean {
  return typeof csr?.status?.certificate === "string" && csr.status.certificate.length > 0;
}

/** What a signer reads of the parsed request (its subject and SANs). */
export type RequestSubject = Pick<ParsedCSR, "commonName" | "organizations" | "dnsNames" | "emailAddresses" | "ipAddresses" | "uris">;

/** validAPIServerClientUsages: client auth required; digital signature and key encipherment allowed; nothing else. */
export function apiServerClientUsagesError(usages: readonly string[]): string | undefined {
  let hasClientAuth = false;
  for (const u of usages) {
    if (u === "digital signature" || u === "key encipherment") continue;
    if (u === "client auth") hasClientAuth = true;
    else return `invalid usage for client certificate: ${u}`;
  }
  return hasClientAuth ? undefined : "missing required usage for client certificate: client auth";
}

const sameSet = (a: readonly string[], b: ReadonlySet<string>) => new Set(a).size === b.size && a.every((u) => b.has(u));
const kubeletClientUsages = new Set(["client auth", "digital signature", "key encipherment"]);
const kubeletClientUsagesNoRSA = new Set(["client auth", "digital signature"]);
const kubeletServingUsages = new Set(["digital signature", "key encipherment", "server auth"]);
const kubeletServingUsagesNoRSA = new Set(["digital signature", "server auth"]);
const isSystemNodes = (orgs: readonly string[]) => orgs.length === 1 && orgs[0] === "system:nodes";

/** ValidateKubeletClientCSR (pkg/apis/certificates/v1 helpers.go): a node's client certificate, no SANs. */
export function kubeletClientError(req: RequestSubject, usages: readonly string[]): string | undefined {
  if (!isSystemNodes(req.organizations)) return "subject organization is not system:nodes";
  if (req.dnsNames.length > 0) return "DNS subjectAltNames are not allowed";
  if (req.emailAddresses.length > 0) return "Email subjectAltNames are not allowed";
  if (req.ipAddresses.length > 0) return "IP subjectAltNames are not allowed";
  if (req.uris.length > 0) return "URI subjectAltNames are not allowed";
  if (!req.commonName.startsWith("system:node:")) return "subject common name does not begin with system:node:";
  if (!sameSet(usages, kubeletClientUsages) && !sameSet(usages, kubeletClientUsagesNoRSA)) return "usages did not match [client auth digital signature key encipherment]";
  return undefined;
}

/** ValidateKubeletServingCSR: a node's serving certificate, for DNS names or IPs. */
export function kubeletServingError(req: RequestSubject, usages: readonly string[]): string | undefined {
  if (!isSystemNodes(req.organizations)) return "subject organization is not system:nodes";
  if (req.dnsNames.length === 0 && req.ipAddresses.length === 0) return "DNS or IP subjectAltName is required";
  if (req.emailAddresses.length > 0) return "Email subjectAltNames are not allowed";
  if (req.uris.length > 0) return "URI subjectAltNames are not allowed";
  if (!sameSet(usages, kubeletServingUsages) && !sameSet(usages, kubeletServingUsagesNoRSA)) return "usages did not match [digital signature key encipherment server auth]";
  if (!req.commonName.startsWith("system:node:")) return "subject common name does not begin with system:node:";
  return undefined;
}

/**
 * getCSRVerificationFuncForSignerName for the signers this controller runs: undefined when none
 * handles the request (ignored), else the error the signer fails it with ("" when it may be signed).
 * legacy-unknown is not run (v1 refuses it on create).
 */
export function signerVerdict(signerName: string, usages: readonly string[], subject: RequestSubject): string | undefined {
  switch (signerName) {
    case kubeAPIServerClientSignerName: return apiServerClientUsagesError(usages) ?? "";
    case kubeAPIServerClientKubeletSignerName: return kubeletClientError(subject, usages) ?? "";
    case kubeletServingSignerName: return kubeletServingError(subject, usages) ?? "";
    default: return undefined;
  }
}

/** signer.duration: the requested expirationSeconds within [10m, cluster-signing-duration], else the latter. */
export function certificateTTLMs(expirationSeconds: unknown, certTTLMs = clusterSigningDurationMs): number {
  if (typeof expirationSeconds !== "number") return certTTLMs;
  const requested = expirationSeconds * 1000;
  if (requested > certTTLMs) return certTTLMs;
  if (requested < minDurationMs && !mutant("csrsigning.expiration-below-minimum")) return minDurationMs;
  return requested;
}
