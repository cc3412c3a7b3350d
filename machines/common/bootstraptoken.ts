// Bootstrap token Secrets as k8s.io/cluster-bootstrap reads them (token/api constants,
// util/secrets): shared by the token cleaner and the bootstrap signer. Pure functions.

import type { Secret } from "kubernetes-types/core/v1";
import { mutant } from "./mutation.js";

/** SecretTypeBootstrapToken */
export const bootstrapTokenSecretType = "bootstrap.kubernetes.io/token";
/** BootstrapTokenSecretPrefix */
export const bootstrapTokenSecretPrefix = "bootstrap-token-";
/** ConfigMapClusterInfo, in kube-public */
export const clusterInfoConfigMapName = "cluster-info";
/** KubeConfigKey: the key of cluster-info that is signed */
export const kubeConfigKey = "kubeconfig";
/** JWSSignatureKeyPrefix: one key per signing token, jws-kubeconfig-<token-id> */
export const jwsSignatureKeyPrefix = "jws-kubeconfig-";

const secretNameRe = /^bootstrap-token-([a-z0-9]{6})$/;

/** GetData: the value of key in the Secret's data (base64-decoded), or "" when absent. */
export function getData(secret: Secret, key: string): string {
  const data = secret.data;
  if (!data || !Object.hasOwn(data, key)) return "";
  return Buffer.from(String(data[key]), "base64").toString("utf8");
}

/** ParseName: the token id in a Secret name bootstrap-token-<6 of [a-z0-9]>. */
export function parseName(name: string | undefined): string | undefined {
  return secretNameRe.exec(name ?? "")?.[1];
}

const rfc3339Re = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|([+-])(\d{2}):(\d{2}))$/;

/** Go's time.Parse(time.RFC3339, s) in milliseconds since the epoch, or undefined when it fails. */
export function parseRFC3339(s: string): number | undefined {
  const m = rfc3339Re.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const daysIn = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn || h > 23 || mi > 59 || sec > 59) return undefined;
  let offsetMin = 0;
  if (m[8] !== "Z") {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offsetMin = (m[9] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const frac = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  return Date.UTC(y, mo - 1, d, h, mi, sec, frac) - offsetMin * 60_000;
}

/**
 * GetExpiration: what is left of the token's life at now, and whether it has expired. No
 * expiration: never expires (0, false); one that does not parse counts as expired (0, true).
 */
export function getExpiration(secret: Secret, now: number): { remainingMs: number; expired: boolean } {
  const expiration = getData(secret, "expiration");
  if (expiration === "") return { remainingMs: 0, expired: false };
  const at = parseRFC3339(expiration);
  // the mutant keeps a token whose expiration does not parse, as if it had none
  if (at === undefined) return { remainingMs: 0, expired: !mutant("tokencleaner.unparsable-expiration-kept") };
  const remainingMs = at - now;
  return remainingMs <= 0 ? { remainingMs: 0, expired: true } : { remainingMs, expired: false };
}

/** validateSecretForSigning (pkg/controller/bootstrap/util.go): the token id and secret of a token that may sign. */
export function validateSecretForSigning(secret: Secret, now: number): { tokenId: string; tokenSecret: string } | undefined {
  const nameTokenId = parseName(secret.metadata?.name);
  if (nameTokenId === undefined) return undefined;
  const tokenId = getData(secret, "token-id");
  if (tokenId === "" || tokenId !== nameTokenId) return undefined;
  const tokenSecret = getData(secret, "token-secret");
  if (tokenSecret === "") return undefined;
  // The token cleaner should have removed an expired token, but the signer does not count on it.
  if (getExpiration(secret, now).expired) return undefined;
  if (getData(secret, "usage-bootstrap-signing") !== "true") return undefined;
  return { tokenId, tokenSecret };
}
