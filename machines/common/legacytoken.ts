// Secret-based service account tokens (pkg/serviceaccount/legacy.go): the token controller asks the
// signer to sign LegacyClaims for a kubernetes.io/service-account-token Secret; the API server,
// which holds the key's public half, then accepts the token while the Secret holds exactly that
// token and the ServiceAccount it names is the one with that uid. Signing stays the runtime's: the
// signer tells the API server what it signed (its verification), by the token's signature.

import { goQuote } from "./goquote.js";
import { mutant } from "./mutation.js";

/** serviceaccount.LegacyIssuer: the iss of every secret-based token. */
export const legacyIssuer = "kubernetes/serviceaccount";

/** The label LegacyServiceAccountTokenTracking keeps on a secret-based token's Secret: the day it was last used. */
export const lastUsedLabel = "kubernetes.io/legacy-token-last-used";

/** The label LegacyServiceAccountTokenCleanUp sets on a token it invalidated. */
export const invalidSinceLabel = "kubernetes.io/legacy-token-invalid-since";

/** LegacyClaims with legacyPrivateClaims, keys in the order go-jose marshals them (sorted). */
export interface LegacyClaims {
  iss: string;
  "kubernetes.io/serviceaccount/namespace": string;
  "kubernetes.io/serviceaccount/secret.name": string;
  "kubernetes.io/serviceaccount/service-account.name": string;
  "kubernetes.io/serviceaccount/service-account.uid": string;
  sub: string;
}

/** What the API server knows of a secret-based token it can verify. */
export interface LegacyToken {
  namespace: string;
  secretName: string;
  serviceAccount: string;
  serviceAccountUid: string;
  /** the part the signature signs (header.payload) */
  signed: string;
}

/** The claims of the token for `secretName` naming the ServiceAccount `sa` (serviceaccount.LegacyClaims). */
export function legacyClaims(sa: { metadata: { namespace: string; name: string; uid: string } }, secretName: string): LegacyClaims {
  const { namespace, name, uid } = sa.metadata;
  return {
    iss: legacyIssuer,
    "kubernetes.io/serviceaccount/namespace": namespace,
    "kubernetes.io/serviceaccount/secret.name": secretName,
    "kubernetes.io/serviceaccount/service-account.name": name,
    "kubernetes.io/serviceaccount/service-account.uid": uid,
    sub: `system:serviceaccount:${namespace}:${name}`,
  };
}

/** True for claims the token controller asks to sign (the signer tells the API server of those). */
export function isLegacyClaims(claims: unknown): claims is LegacyClaims {
  return claims !== null && typeof claims === "object" && (claims as { iss?: unknown }).iss === legacyIssuer;
}

/** The known token as remembered once signed. */
export function legacyTokenOf(claims: LegacyClaims, token: string): LegacyToken {
  return {
    namespace: claims["kubernetes.io/serviceaccount/namespace"],
    secretName: claims["kubernetes.io/serviceaccount/secret.name"],
    serviceAccount: claims["kubernetes.io/serviceaccount/service-account.name"],
    serviceAccountUid: claims["kubernetes.io/serviceaccount/service-account.uid"],
    signed: token.slice(0, token.lastIndexOf(".")),
  };
}

/** The most secret-based tokens the API server remembers; the oldest goes first. */
export const legacyTokensMax = 10_000;

/** The secret-based token a bearer token is, when its signature and what it signs are the ones signed (the JWT verifies). */
export function verifiedLegacyToken(t: LegacyToken | undefined, token: string): LegacyToken | undefined {
  return t !== undefined && t.signed === token.slice(0, token.lastIndexOf(".")) ? t : undefined;
}

/**
 * Why legacy.go's legacyValidator.Validate refuses a secret-based token that verifies, in its words
 * (the account through the client getter: its absence the API's NotFound); undefined when it accepts it.
 */
export function legacyTokenRefusal(t: LegacyToken, token: string, lookup: (resource: string, namespace: string | undefined, name: string) => any): string | undefined {
  const secret = lookup("secrets", t.namespace, t.secretName);
  if (!secret || secret.metadata.deletionTimestamp) return "Token has been invalidated";
  const stored = secret.data?.token;
  if (typeof stored !== "string" || Buffer.from(stored, "base64").toString("utf8") !== token) return "Token does not match server's copy";
  const sa = lookup("serviceaccounts", t.namespace, t.serviceAccount);
  if (!sa) return `serviceaccounts ${goQuote(t.serviceAccount)} not found`;
  if (sa.metadata.deletionTimestamp) return `ServiceAccount ${t.namespace}/${t.serviceAccount} has been deleted`;
  // the mutant accepts a token of an account deleted and made again under the same name
  if (sa.metadata.uid !== t.serviceAccountUid && !mutant("legacytoken.account-uid-unchecked")) return `ServiceAccount UID (${sa.metadata.uid ?? ""}) does not match claim (${t.serviceAccountUid})`;
  const labels = secret.metadata.labels ?? {};
  if (Object.hasOwn(labels, invalidSinceLabel) && labels[invalidSinceLabel] !== "") {
    return `the token in secret ${t.namespace}/${t.secretName} for service account ${t.namespace}/${t.serviceAccount} has been marked invalid. Use tokens from the TokenRequest API or manually created secret-based tokens, or remove the '${invalidSinceLabel}' label from the secret to temporarily allow use of this token`;
  }
  return undefined;
}

/** The user a secret-based token is: the account it names, while the validator accepts it. */
export function legacyTokenUser(t: LegacyToken | undefined, token: string, lookup: (resource: string, namespace: string | undefined, name: string) => any): { name: string; uid: string; groups: string[] } | undefined {
  const verified = verifiedLegacyToken(t, token);
  if (verified === undefined || legacyTokenRefusal(verified, token, lookup) !== undefined) return undefined;
  return { name: `system:serviceaccount:${verified.namespace}:${verified.serviceAccount}`, uid: verified.serviceAccountUid, groups: ["system:serviceaccounts", `system:serviceaccounts:${verified.namespace}`, "system:authenticated"] };
}
