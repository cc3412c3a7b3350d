// The ServiceAccount admission plugin (plugin/pkg/admission/serviceaccount/admission.go) on pod
// creation: serviceAccountName defaults to "default", the account must exist, its image pull
// secrets are copied to a pod without any, and unless automounting is off the projected
// kube-api-access-<suffix> volume (token, kube-root-ca.crt, namespace) is added and mounted
// read-only at /var/run/secrets/kubernetes.io/serviceaccount in every container that has
// nothing mounted there. Also the v1 conversion of the deprecated spec.serviceAccount.

import { fnv1a32String } from "../../common/fnv.js";
import { Rng } from "../../common/prng.js";
import { rootCAConfigMapName } from "../../common/ca.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;

export const DEFAULT_SERVICE_ACCOUNT_NAME = "default";
/** ServiceAccountVolumeName: the prefix of the token volume's name. */
export const SERVICE_ACCOUNT_VOLUME_NAME = "kube-api-access";
/** DefaultAPITokenMountPath. */
export const SERVICE_ACCOUNT_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
/** WarnOnlyBoundTokenExpirationSeconds: the token the volume asks for lasts 3607 s. */
export const TOKEN_EXPIRATION_SECONDS = 3607;
const mirrorPodAnnotation = "kubernetes.io/config.mirror";

/** What the plugin reads of a ServiceAccount. */
export interface ServiceAccountInfo {
  automountServiceAccountToken?: boolean;
  imagePullSecrets?: { name?: string }[];
}

/**
 * The account the plugin finds: the object, or undefined when there is none. For a missing
 * "default" account the API server retries the whole lookup (getServiceAccount's 10 attempts)
 * before it takes this plugin's refusal: see serviceAccountLookupAttempts.
 */
export type ServiceAccountLookup = (namespace: string, name: string) => ServiceAccountInfo | undefined;

/**
 * getServiceAccount: after the lister misses, the plugin asks the API directly, 10 times for the
 * "default" account (its controller creates it with the namespace), once for any other; the
 * attempts are rand.Int63n(100)+100 ms apart, the interval drawn once per lookup.
 */
export function serviceAccountLookupAttempts(name: string): number {
  return name === DEFAULT_SERVICE_ACCOUNT_NAME ? 10 : 1;
}

/** The token volume's name for a pod: kube-api-access- and 5 characters of rand.String, drawn from a generator seeded with the pod's uid. */
export function tokenVolumeName(podUid: string): string {
  return `${SERVICE_ACCOUNT_VOLUME_NAME}-${new Rng(fnv1a32String(podUid)).string(5)}`;
}

/** createVolume: the projected token volume (mode 0644). */
export function tokenVolume(name: string): Obj {
  return {
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: TOKEN_EXPIRATION_SECONDS, path: "token" } },
        { configMap: { name: rootCAConfigMapName, items: [{ key: "ca.crt", path: "ca.crt" }] } },
        { downwardAPI: { items: [{ fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" }, path: "namespace" }] } },
      ],
    },
  };
}

/**
 * Admit on a pod CREATE (works on the copy mutate made): the Forbidden reason when the account
 * does not exist, else undefined with the pod mutated. Mirror pods are left as they are.
 */
export function admitServiceAccount(pod: Obj, namespace: string, lookup: ServiceAccountLookup | undefined): string | undefined {
  const spec = pod.spec;
  if (Object.hasOwn(pod.metadata?.annotations ?? {}, mirrorPodAnnotation)) return undefined;
  if (!spec.serviceAccountName) spec.serviceAccountName = DEFAULT_SERVICE_ACCOUNT_NAME;
  spec.serviceAccount = spec.serviceAccountName;
  // Without the accounts (a defaulting-only caller) only the names are set.
  if (lookup === undefined) return undefined;
  const sa = lookup(namespace, spec.serviceAccountName);
  if (sa === undefined) return `error looking up service account ${namespace}/${spec.serviceAccountName}: serviceaccount "${spec.serviceAccountName}" not found`;
  if (shouldAutomount(sa, pod)) mountServiceAccountToken(pod);
  if ((spec.imagePullSecrets ?? []).length === 0 && (sa.imagePullSecrets ?? []).length > 0) spec.imagePullSecrets = sa.imagePullSecrets!.map((s) => ({ ...s }));
  return undefined;
}

/** The pod's own setting wins, then the account's; automounting is on by default. */
function shouldAutomount(sa: ServiceAccountInfo, pod: Obj): boolean {
  if (mutant("serviceaccount.account-automount-overrides-pod") && typeof sa.automountServiceAccountToken === "boolean") return sa.automountServiceAccountToken;
  if (typeof pod.spec.automountServiceAccountToken === "boolean") return pod.spec.automountServiceAccountToken;
  if (typeof sa.automountServiceAccountToken === "boolean") return sa.automountServiceAccountToken;
  return true;
}

/** mountServiceAccountToken: one token volume, mounted in each init and app container with nothing at the mount path. */
function mountServiceAccountToken(pod: Obj): void {
  const spec = pod.spec;
  const existing = (spec.volumes ?? []).find((v: Obj) => typeof v?.name === "string" && v.name.startsWith(`${SERVICE_ACCOUNT_VOLUME_NAME}-`));
  const name: string = existing?.name ?? tokenVolumeName(String(pod.metadata?.uid ?? ""));
  let needsVolume = false;
  for (const c of [...(mutant("serviceaccount.init-containers-not-mounted") ? [] : (spec.initContainers ?? [])), ...(spec.containers ?? [])]) {
    if ((c.volumeMounts ?? []).some((m: Obj) => m?.mountPath === SERVICE_ACCOUNT_MOUNT_PATH)) continue;
    // sliced: a spread-built array keeps spare room (17 slots for one item) in every stored pod
    c.volumeMounts = [...(c.volumeMounts ?? []), { name, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH }].slice();
    needsVolume = true;
  }
  if (!existing && needsVolume) spec.volumes = [...(spec.volumes ?? []), tokenVolume(name)].slice();
}

/**
 * The v1 conversion of a pod spec: serviceAccountName comes from the deprecated serviceAccount
 * when unset, and serviceAccount always reads back as serviceAccountName.
 */
export function convertDeprecatedServiceAccount(spec: Obj): void {
  if (!spec || typeof spec !== "object") return;
  if (!spec.serviceAccountName && typeof spec.serviceAccount === "string" && spec.serviceAccount !== "") spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  else delete spec.serviceAccount;
}
