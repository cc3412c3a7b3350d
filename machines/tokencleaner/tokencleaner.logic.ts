// The token cleaner's decision (pkg/controller/bootstrap/tokencleaner.go evalSecret): an expired
// bootstrap token Secret is deleted with its uid as precondition; one that expires later is looked
// at again then (AddAfter ttl); one without an expiration is left alone.

import type { Secret } from "kubernetes-types/core/v1";
import { bootstrapTokenSecretType, getExpiration } from "../common/bootstraptoken.js";
import { mutant } from "../common/mutation.js";

export type TokenVerdict = { action: "delete"; uid?: string } | { action: "requeueAfter"; ms: number } | { action: "keep" };

/** The token Secrets the cleaner watches (its informer's FilterFunc): type bootstrap token, in kube-system. */
export function isWatchedToken(secret: Secret, tokenSecretNamespace = "kube-system"): boolean {
  // the mutant cleans bootstrap-token Secrets in every namespace, not only the token namespace
  return secret.type === bootstrapTokenSecretType && (secret.metadata?.namespace === tokenSecretNamespace || mutant("tokencleaner.watches-every-namespace"));
}

/** evalSecret: delete (uid precondition when the Secret has one), requeue when it expires, or keep. */
export function evalSecret(secret: Secret, now: number): TokenVerdict {
  const { remainingMs, expired } = getExpiration(secret, now);
  if (expired) {
    const uid = secret.metadata?.uid;
    return uid ? { action: "delete", uid } : { action: "delete" };
  }
  // the mutant forgets to look again when the token expires: it is deleted only if some other event resyncs it
  if (mutant("tokencleaner.expiring-token-not-requeued")) return { action: "keep" };
  return remainingMs > 0 ? { action: "requeueAfter", ms: remainingMs } : { action: "keep" };
}
