// The CertificateSigningRequest strategies (pkg/registry/certificates/certificates/strategy.go):
// on create the requester's identity is written into the spec and the status is emptied (no one
// creates a pre-approved request); the main resource changes neither spec nor status, /status
// neither spec nor the Approved/Denied conditions, /approval only the conditions. Conditions get
// their lastUpdateTime and lastTransitionTime when the writer left them out.

import { deepCopy } from "../../common/equal.js";
import { setOwn } from "../../common/own.js";
import { goQuote } from "../status.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;

/** What PrepareForCreate reads of the request's user (genericapirequest.UserFrom). */
export interface Requester {
  name: string;
  groups: string[];
  uid?: string;
  extra?: Array<[string, string[]]>;
}

/** csrStrategy.PrepareForCreate. */
export function prepareCSRForCreate(o: Obj, user: Requester | undefined): void {
  const spec: Obj = { ...(o.spec ?? {}) };
  delete spec.username;
  delete spec.uid;
  delete spec.groups;
  delete spec.extra;
  if (user !== undefined) {
    if (user.name !== "") spec.username = user.name;
    if (user.uid) spec.uid = user.uid;
    if (user.groups.length > 0) spec.groups = [...user.groups];
    if (user.extra && user.extra.length > 0) {
      const extra: Record<string, unknown> = {};
      for (const [k, vs] of user.extra) setOwn(extra, k, [...vs]);
      spec.extra = extra;
    }
  }
  o.spec = spec;
  // the mutant keeps the status the requester sent: a request can be created already approved
  if (!mutant("certificates.create-keeps-status")) o.status = {};
}

/** csrStrategy.PrepareForUpdate: certificate requests are immutable after creation except via subresources. */
export function prepareCSRForUpdate(o: Obj, old: Obj): void {
  o.spec = deepCopy(old.spec);
  if (old.status !== undefined) o.status = deepCopy(old.status);
  else delete o.status;
}

/** csrStatusStrategy.PrepareForUpdate: the stored spec, the stored Approved/Denied instances (when as many), timestamps filled in. */
export function prepareCSRStatusForUpdate(o: Obj, old: Obj, now: string): void {
  o.spec = deepCopy(old.spec);
  const conditions: Obj[] = Array.isArray(o.status?.conditions) ? o.status.conditions.map((c: Obj) => c) : [];
  const oldConditions: Obj[] = Array.isArray(old.status?.conditions) ? old.status.conditions : [];
  for (const t of ["Approved", "Denied"]) {
    const oldIdx = oldConditions.flatMap((c, i) => (c?.type === t ? [i] : []));
    const newIdx = conditions.flatMap((c, i) => (c?.type === t ? [i] : []));
    // the mutant takes the writer's Approved and Denied conditions: /status may approve a request
    if (oldIdx.length !== newIdx.length || mutant("certificates.status-writes-approval")) continue;
    newIdx.forEach((n, k) => (conditions[n] = deepCopy(oldConditions[oldIdx[k]!])));
  }
  if (o.status !== undefined && o.status !== null) o.status = { ...o.status, ...(Array.isArray(o.status.conditions) ? { conditions: withTimestamps(conditions, oldConditions, now) } : {}) };
}

/** csrApprovalStrategy.PrepareForUpdate: timestamps filled in, then only the conditions are taken. */
export function prepareCSRApprovalForUpdate(o: Obj, old: Obj, now: string): void {
  const oldConditions: Obj[] = Array.isArray(old.status?.conditions) ? old.status.conditions : [];
  const given = o.status?.conditions;
  const conditions = Array.isArray(given) ? withTimestamps(given, oldConditions, now) : undefined;
  o.spec = deepCopy(old.spec);
  const status: Obj = { ...deepCopy(old.status ?? {}) };
  if (conditions !== undefined) status.conditions = conditions;
  else delete status.conditions;
  o.status = status;
}

/** populateConditionTimestamps: a missing lastUpdateTime is now; a missing lastTransitionTime is the old same type and status's, else now. */
function withTimestamps(conditions: Obj[], oldConditions: Obj[], now: string): Obj[] {
  return conditions.map((c) => {
    if (c === null || typeof c !== "object") return c;
    const out: Obj = { ...c };
    if (!out.lastUpdateTime) out.lastUpdateTime = now;
    if (!out.lastTransitionTime) {
      const same = oldConditions.find((p) => p?.type === out.type && p?.status === out.status && p?.lastTransitionTime);
      out.lastTransitionTime = same ? same.lastTransitionTime : now;
    }
    return out;
  });
}

/** The certificates.k8s.io signers resource an approver or signer must be allowed on (certificates/util.go buildAttributes). */
export function signerAttributes(verb: "approve" | "sign", signerName: string): Array<{ verb: string; name: string }> {
  // the exact signerName first, then the wildcard of its domain ("kubernetes.io/*")
  return [{ verb, name: signerName }, { verb, name: `${signerName.split("/")[0]}/*` }];
}

/**
 * CertificateApproval, CertificateSigning and CertificateSubjectRestriction (plugin/pkg/admission/
 * certificates): the Forbidden reason for a CSR write, or undefined. `allowed` asks the authorizer
 * about the signers resource; the old object's signerName is the one checked.
 */
export function certificateAdmissionRefusal(
  obj: Obj, old: Obj | undefined, subresource: string | undefined,
  allowed: (verb: "approve" | "sign", signerName: string) => boolean,
  organizationsOf: (request: unknown) => string[] | { error: string },
): string | undefined {
  if (old === undefined) {
    if (subresource !== undefined || obj.spec?.signerName !== "kubernetes.io/kube-apiserver-client") return undefined;
    const orgs = organizationsOf(obj.spec?.request);
    if ("error" in orgs) return `failed to parse CSR: ${orgs.error}`;
    return orgs.includes("system:masters") ? "use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed" : undefined;
  }
  const signerName = typeof old.spec?.signerName === "string" ? old.spec.signerName : "";
  if (subresource === "approval") return allowed("approve", signerName) ? undefined : `user not permitted to approve requests with signerName ${goQuote(signerName)}`;
  if (subresource !== "status") return undefined;
  // only a write that changes the certificate or the conditions is a signer's
  const sameCertificate = (obj.status?.certificate ?? "") === (old.status?.certificate ?? "");
  if (sameCertificate && JSON.stringify(obj.status?.conditions ?? []) === JSON.stringify(old.status?.conditions ?? [])) return undefined;
  return allowed("sign", signerName) ? undefined : `user not permitted to sign requests with signerName ${goQuote(signerName)}`;
}
