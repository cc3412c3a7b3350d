// The bootstrap signer's decision (pkg/controller/bootstrap/bootstrapsigner.go signConfigMap):
// kube-public/cluster-info's kubeconfig signed once per valid signing token, as jws-kubeconfig-<id>
// keys; signatures of tokens that went away removed. Pure: returns the new data, or undefined.

import type { ConfigMap, Secret } from "kubernetes-types/core/v1";
import { bootstrapTokenSecretType, jwsSignatureKeyPrefix, kubeConfigKey, validateSecretForSigning } from "../common/bootstraptoken.js";
import { computeDetachedSignature } from "./jws.js";
import { mutant } from "../common/mutation.js";

/** getTokens: token id -> token secret of the bootstrap tokens that may sign; the first of a duplicate id wins. */
export function signingTokens(secrets: Iterable<Secret>, now: number): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of secrets) {
    if (s.type !== bootstrapTokenSecretType) continue;
    const v = validateSecretForSigning(s, now);
    if (v && !out.has(v.tokenId)) out.set(v.tokenId, v.tokenSecret);
  }
  return out;
}

/**
 * signConfigMap: the ConfigMap's data with every signature recomputed, when a signature is new,
 * changed or left over; undefined when nothing is to be written (no kubeconfig key, or all current).
 */
export function signedData(cm: ConfigMap, tokens: ReadonlyMap<string, string>): Record<string, string> | undefined {
  const data = cm.data ?? {};
  if (!Object.hasOwn(data, kubeConfigKey)) return undefined;
  const content = data[kubeConfigKey]!;
  const next: Record<string, string> = {};
  const old = new Map<string, string>();
  for (const [k, v] of Object.entries(data)) {
    if (k.startsWith(jwsSignatureKeyPrefix)) old.set(k.slice(jwsSignatureKeyPrefix.length), v);
    else next[k] = v;
  }
  let needUpdate = false;
  for (const [tokenId, tokenSecret] of tokens) {
    const sig = computeDetachedSignature(content, tokenId, tokenSecret);
    if (old.get(tokenId) !== sig) needUpdate = true;
    old.delete(tokenId);
    next[jwsSignatureKeyPrefix + tokenId] = sig;
  }
  // signatures left over belong to tokens that are gone: they are dropped
  if (old.size > 0) needUpdate = true;
  // the mutant keeps the signatures of tokens that are gone
  if (mutant("bootstrapsigner.stale-signature-kept")) for (const [tokenId, sig] of old) next[jwsSignatureKeyPrefix + tokenId] = sig;
  return needUpdate ? next : undefined;
}
