// The pure decisions of kube-controller-manager's csrsigning controllers
// (pkg/controller/certificates/signer/signer.go, pkg/apis/certificates/helpers.go): which requests
// a signer handles, whether their usages are allowed, and how long the certificate lives.

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
export interface RequestSubject {
  commonName: string;
  organizations: string[];
  dnsNames: string[];
  emailAddresses: string[];
  ipAddresses: string[];
  uris: string[];
}

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

/**
 * The signers this controller runs and whether a request is theirs: undefined when no signer here
 * handles it (ignored), else the usage error the signer fails it with ("" when it may be signed).
 * Only kube-apiserver-client is handled: the kubelet signers' subject checks are not modelled.
 */
export function signerVerdict(signerName: string, usages: readonly string[], _subject: RequestSubject): string | undefined {
  if (signerName === kubeAPIServerClientSignerName) return apiServerClientUsagesError(usages) ?? "";
  return undefined;
}

/** signer.duration: the requested expirationSeconds within [10m, cluster-signing-duration], else the latter. */
export function certificateTTLMs(expirationSeconds: unknown, certTTLMs = clusterSigningDurationMs): number {
  if (typeof expirationSeconds !== "number") return certTTLMs;
  const requested = expirationSeconds * 1000;
  if (requested > certTTLMs) return certTTLMs;
  if (requested < minDurationMs) return minDurationMs;
  return requested;
}
