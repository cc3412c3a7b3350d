// The CSR cleaner's criteria (pkg/controller/certificates/cleaner/cleaner.go): an issued request an
// hour after its approval, a denied or failed one an hour after that condition, a pending one a
// day after its creation, and one whose certificate has expired, are deleted.

import { certificateNotAfter } from "../common/csr.js";
import { mutant } from "../common/mutation.js";

type Obj = any;

/** pollingInterval: the cleaner looks at every request once an hour. */
export const pollingIntervalMs = 3600_000;
const approvedExpirationMs = 3600_000;
const deniedExpirationMs = 3600_000;
const pendingExpirationMs = 24 * 3600_000;

/** isOlderThan: a non-zero time more than d before now. */
function isOlderThan(t: unknown, dMs: number, now: number): boolean {
  const at = typeof t === "string" ? Date.parse(t) : Number.NaN;
  return !Number.isNaN(at) && at - now < -dMs;
}

const conditions = (csr: Obj): Obj[] => (Array.isArray(csr?.status?.conditions) ? csr.status.conditions : []);
const isIssued = (csr: Obj) => typeof csr?.status?.certificate === "string" && csr.status.certificate.length > 0;

function isExpired(csr: Obj, now: number): boolean {
  if (!isIssued(csr)) return false;
  const notAfter = certificateNotAfter(new Uint8Array(Buffer.from(csr.status.certificate, "base64")));
  return notAfter !== undefined && now > notAfter;
}

/** handle's test: whether the cleaner deletes this request now. */
export function shouldClean(csr: Obj, now: number): boolean {
  const cs = conditions(csr);
  const issuedPastDeadline = cs.some((c) => c?.type === "Approved" && isIssued(csr) && isOlderThan(c.lastUpdateTime, approvedExpirationMs, now));
  const deniedPastDeadline = cs.some((c) => c?.type === "Denied" && isOlderThan(c.lastUpdateTime, deniedExpirationMs, now));
  const failedPastDeadline = cs.some((c) => c?.type === "Failed" && isOlderThan(c.lastUpdateTime, deniedExpirationMs, now));
  // the mutant gives a pending request the approved one's hour instead of a day
  const pendingPastDeadline = cs.length === 0 && isOlderThan(csr?.metadata?.creationTimestamp, mutant("csrcleaner.pending-cleaned-after-an-hour") ? approvedExpirationMs : pendingExpirationMs, now);
  const issuedExpired = cs.some((c) => c?.type === "Approved") && isExpired(csr, now);
  return issuedPastDeadline || deniedPastDeadline || failedPastDeadline || pendingPastDeadline || issuedExpired;
}
