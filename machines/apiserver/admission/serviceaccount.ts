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
  metadata?: { name?: string; annotations?: Record<string, string> };
  automountServiceAccountToken?: boolean;
  imagePullSecrets?: { name?: string }[];
  /** the secrets its pods may name when it enforces mountable secrets */
  secrets?: { name?: string }[];
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
 * does not exist, else undefined with the pod mutated. Mirror pods are left as they are, and
 * judged by Validate's mirror pod rules there and then.
 */
export function admitServiceAccount(pod: Obj, namespace: string, lookup: ServiceAccountLookup | undefined): string | undefined {
  const spec = pod.spec;
  // a mirror pod is not mutated, but Admit validates it at once: its refusal comes before the object's validation
  if (Object.hasOwn(pod.metadata?.annotations ?? {}, mirrorPodAnnotation)) return mirrorPodRefusal(spec ?? {});
  if (!spec.serviceAccountName) spec.serviceAccountName = DEFAULT_SERVICE_ACCOUNT_NAME;
  spec.serviceAccount = spec.serviceAccountName;
  // Without the accounts (a defaulting-only caller) only the names are set.
  if (lookup === undefined) return undefined;
  const sa = lookup(namespace, spec.serviceAccountName);
  if (sa === undefined) return `error looking up service account ${namespace}/${spec.serviceAccountName}: serviceaccount "${spec.serviceAccountName}" not found`;
  if (shouldAutomount(sa, pod)) mountServiceAccountToken(pod);
  if ((spec.imagePullSecrets ?? []).length === 0 && (sa.imagePullSecrets ?? []).length > 0) spec.imagePullSecrets = sa.imagePullSecrets!.map((s) => ({ ...s }));
  // Admit ends in Validate: the mountable secrets are judged here, before the pod's own validation
  return serviceAccountValidateCreate(pod, sa, namespace);
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

/** EnforceMountableSecretsAnnotation: an account whose annotation ParseBool reads as true limits its pods to its secrets. */
export const ENFORCE_MOUNTABLE_SECRETS_ANNOTATION = "kubernetes.io/enforce-mountable-secrets";

/** enforceMountableSecrets (LimitSecretReferences is off in kube-apiserver): the annotation, as strconv.ParseBool reads it. */
function enforcesMountableSecrets(sa: Obj): boolean {
  const v = sa?.metadata?.annotations?.[ENFORCE_MOUNTABLE_SECRETS_ANNOTATION];
  return typeof v === "string" && ["1", "t", "T", "TRUE", "true", "True"].includes(v);
}

const namesOf = (refs: unknown): Set<string> => new Set((Array.isArray(refs) ? refs : []).map((r: Obj) => r?.name).filter((n): n is string => typeof n === "string"));

/** The first env or envFrom of the containers that names a secret the account does not list (CVE-2024-3177 added envFrom). */
function containerSecretRefusal(containers: unknown, label: string, mountable: Set<string>, account: string): string | undefined {
  for (const c of Array.isArray(containers) ? containers : []) {
    for (const env of Array.isArray(c?.env) ? c.env : []) {
      const ref = env?.valueFrom?.secretKeyRef;
      if (ref && !mountable.has(ref.name ?? "")) return `${label} ${c.name ?? ""} with envVar ${env.name ?? ""} referencing secret.secretName="${ref.name ?? ""}" is not allowed because service account ${account} does not reference that secret`;
    }
    for (const from of Array.isArray(c?.envFrom) ? c.envFrom : []) {
      const ref = from?.secretRef;
      if (ref && !mountable.has(ref.name ?? "")) return `${label} ${c.name ?? ""} with envFrom referencing secret.secretName="${ref.name ?? ""}" is not allowed because service account ${account} does not reference that secret`;
    }
  }
  return undefined;
}

/**
 * Validate on a pod CREATE: a mirror pod may reference no account, secret or token projection; any
 * other pod whose account enforces mountable secrets may name only the account's secrets (volumes,
 * init and app containers' env and envFrom) and image pull secrets (limitSecretReferences).
 * `sa` is the stored account, undefined when it is missing. The Forbidden reason, or undefined.
 */
export function serviceAccountValidateCreate(pod: Obj, sa: Obj, namespace: string): string | undefined {
  const spec = pod?.spec ?? {};
  if (Object.hasOwn(pod?.metadata?.annotations ?? {}, mirrorPodAnnotation)) return mirrorPodRefusal(spec);
  if (!spec.serviceAccountName) return `no service account specified for pod ${namespace}/${pod?.metadata?.name ?? ""}`;
  if (sa === undefined) return `error looking up service account ${namespace}/${spec.serviceAccountName}: serviceaccount "${spec.serviceAccountName}" not found`;
  if (!enforcesMountableSecrets(sa)) return undefined;
  const mountable = namesOf(sa.secrets);
  const account = sa.metadata?.name ?? "";
  for (const v of Array.isArray(spec.volumes) ? spec.volumes : []) {
    if (v?.secret && !mountable.has(v.secret.secretName ?? "")) return `volume with secret.secretName="${v.secret.secretName ?? ""}" is not allowed because service account ${account} does not reference that secret`;
  }
  const refused = containerSecretRefusal(spec.initContainers, "init container", mountable, account) ?? containerSecretRefusal(spec.containers, "container", mountable, account);
  if (refused !== undefined) return refused;
  const pullSecrets = namesOf(sa.imagePullSecrets);
  const pulls: Obj[] = Array.isArray(spec.imagePullSecrets) ? spec.imagePullSecrets : [];
  for (let i = 0; i < pulls.length; i++) {
    if (!pullSecrets.has(pulls[i]?.name ?? "")) return `imagePullSecrets[${i}].name="${pulls[i]?.name ?? ""}" is not allowed because service account ${account} does not reference that imagePullSecret`;
  }
  return undefined;
}

/** Validate's rules for a mirror pod (any pod with the kubernetes.io/config.mirror annotation): the Forbidden reason, or undefined. */
export function mirrorPodRefusal(spec: Obj): string | undefined {
  if (spec.serviceAccountName) return "a mirror pod may not reference service accounts";
  const containers: Obj[] = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
  const volumes: Obj[] = spec.volumes ?? [];
  // VisitPodSecretNames, stopping at the first name
  const secrets = (spec.imagePullSecrets ?? []).length > 0
    || containers.some((c) => (c?.envFrom ?? []).some((e: Obj) => e?.secretRef) || (c?.env ?? []).some((e: Obj) => e?.valueFrom?.secretKeyRef))
    || volumes.some((v) => v?.secret || (v?.projected?.sources ?? []).some((s: Obj) => s?.secret)
      || [v?.csi?.nodePublishSecretRef, v?.cephfs?.secretRef, v?.cinder?.secretRef, v?.flexVolume?.secretRef, v?.iscsi?.secretRef, v?.rbd?.secretRef, v?.scaleIO?.secretRef, v?.storageos?.secretRef].some((r) => r) || v?.azureFile);
  if (secrets) return "a mirror pod may not reference secrets";
  if (volumes.some((v) => (v?.projected?.sources ?? []).some((s: Obj) => s?.serviceAccountToken))) return "a mirror pod may not use ServiceAccountToken volume projections";
  return undefined;
}

/**
 * Validate on pods/ephemeralcontainers: the account must exist (a Forbidden reason), and when it
 * enforces mountable secrets no ephemeral container may name another secret; that refusal is a
 * plain error in Kubernetes (fmt.Errorf, not NewForbidden), so the API server answers it as a 500.
 */
export function serviceAccountValidateEphemeral(pod: Obj, sa: Obj, namespace: string): { forbidden: string } | { internal: string } | undefined {
  const spec = pod?.spec ?? {};
  if (!spec.serviceAccountName) return { forbidden: `no service account specified for pod ${namespace}/${pod?.metadata?.name ?? ""}` };
  if (sa === undefined) return { forbidden: `error looking up service account ${namespace}/${spec.serviceAccountName}: serviceaccount "${spec.serviceAccountName}" not found` };
  if (!enforcesMountableSecrets(sa)) return undefined;
  const refused = containerSecretRefusal(spec.ephemeralContainers, "ephemeral container", namesOf(sa.secrets), sa.metadata?.name ?? "");
  return refused === undefined ? undefined : { internal: refused };
}
