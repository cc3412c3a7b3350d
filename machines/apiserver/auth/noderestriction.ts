// The NodeRestriction admission plugin (plugin/pkg/admission/noderestriction/admission.go): a node
// may write only its own Node and Lease, create only mirror pods bound to itself, and delete, evict
// or update the status of only the pods bound to it, write only the capacity and conditions of a
// claim's status, ask tokens only bound to its own pods, and ask node certificates only in its own name. A node may not set labels of the node-restriction
// namespace, or kubernetes.io / k8s.io labels a kubelet does not set, when it registers its Node or
// updates it, nor change its taints on update; an administrator adds those after registration.

import type { Status } from "kubernetes-types/meta/v1";
import { deepEqual } from "../../common/equal.js";
import type { ResourceInfo } from "../resources.js";
import * as S from "../status.js";
import { nodeIdentity, type NodeGraph } from "./node.js";
import type { UserInfo } from "./types.js";
import { mutant } from "../../common/mutation.js";
import { parseCSR } from "../../common/csr.js";
import { isForbiddenNodeLabel } from "../../common/kubeletlabels.js";

export type Operation = "CREATE" | "UPDATE" | "DELETE";

export interface AdmissionRequest {
  user: UserInfo;
  operation: Operation;
  r: ResourceInfo;
  subresource: string;
  namespace: string;
  /** the name on the URL (create: the new object's name) */
  name: string;
  /** the object to store (create, update) or the subresource's body (eviction) */
  obj?: any;
  /** the stored object (update, delete) */
  old?: any;
}

const mirrorPodAnnotation = "kubernetes.io/config.mirror";

/** NodeRestriction's verdict: undefined admits, a Status refuses. */
export function admitNodeRestriction(a: AdmissionRequest, graph: NodeGraph): Status | undefined {
  const { isNode, nodeName } = nodeIdentity(a.user);
  if (!isNode) return undefined;
  const forbid = (msg: string) => S.forbiddenStatus(a.r, a.name || (a.obj?.metadata?.name ?? ""), msg);
  if (nodeName === "") return forbid(`could not determine node from user ${S.goQuote(a.user.name)}`);
  const gr = `${a.r.group}/${a.r.resource}`;
  if (gr === "/pods") {
    if (a.subresource === "") return admitPod(nodeName, a, graph, forbid);
    if (a.subresource === "status") return admitPodStatus(nodeName, a, forbid);
    if (a.subresource === "eviction") return admitPodEviction(nodeName, a, graph, forbid);
    return forbid(`unexpected pod subresource ${S.goQuote(a.subresource)}, only 'status' and 'eviction' are allowed`);
  }
  if (gr === "/nodes") return admitNode(nodeName, a, forbid);
  if (gr === "/persistentvolumeclaims") return a.subresource === "status" ? admitPVCStatus(nodeName, a, forbid) : forbid("may only update PVC status");
  if (gr === "coordination.k8s.io/leases") return admitLease(nodeName, a, forbid);
  if (gr === "/serviceaccounts") return admitServiceAccount(nodeName, a, graph, forbid);
  if (gr === "certificates.k8s.io/certificatesigningrequests") return admitCSR(nodeName, a, forbid);
  return undefined;
}

type Forbid = (msg: string) => Status;

function admitPod(nodeName: string, a: AdmissionRequest, graph: NodeGraph, forbid: Forbid): Status | undefined {
  if (a.operation === "CREATE") return admitPodCreate(nodeName, a, graph, forbid);
  if (a.operation === "DELETE") {
    if (a.old?.spec?.nodeName !== nodeName) return forbid(`node ${S.goQuote(nodeName)} can only delete pods with spec.nodeName set to itself`);
    return undefined;
  }
  return forbid(`unexpected operation ${S.goQuote(a.operation)}, node ${S.goQuote(nodeName)} can only create and delete mirror pods`);
}

function admitPodCreate(nodeName: string, a: AdmissionRequest, graph: NodeGraph, forbid: Forbid): Status | undefined {
  const pod = a.obj ?? {};
  const q = S.goQuote(nodeName);
  if (!Object.hasOwn(pod.metadata?.annotations ?? {}, mirrorPodAnnotation)) return forbid(`pod does not have ${S.goQuote(mirrorPodAnnotation)} annotation, node ${q} can only create mirror pods`);
  if (pod.spec?.nodeName !== nodeName) return forbid(`node ${q} can only create pods with spec.nodeName set to itself`);
  const owners: any[] = pod.metadata?.ownerReferences ?? [];
  if (owners.length > 1) return forbid(`node ${q} can only create pods with a single owner reference set to itself`);
  if (owners.length === 0) return forbid(`node ${q} can only create pods with an owner reference set to itself`);
  const owner = owners[0];
  if (owner?.apiVersion !== "v1" || owner?.kind !== "Node" || owner?.name !== nodeName) return forbid(`node ${q} can only create pods with an owner reference set to itself`);
  if (owner.controller !== true) return forbid(`node ${q} can only create pods with a controller owner reference set to itself`);
  if (owner.blockOwnerDeletion === true && !mutant("noderestriction.mirror-pod-blocks-owner-deletion")) return forbid(`node ${q} must not set blockOwnerDeletion on an owner reference`);
  const node = graph.node(nodeName);
  if (!node) return S.notFound(nodesR, nodeName);
  if (owner.uid !== node.metadata?.uid) return forbid(`node ${nodeName} UID mismatch: expected ${owner.uid ?? ""} got ${node.metadata?.uid ?? ""}`);
  if (pod.spec?.serviceAccountName) return forbid(`node ${q} can not create pods that reference a service account`);
  const names = podReferences(pod);
  if (names.secrets) return forbid(`node ${q} can not create pods that reference secrets`);
  if (names.configMaps) return forbid(`node ${q} can not create pods that reference configmaps`);
  for (const v of pod.spec?.volumes ?? []) {
    if ((v?.projected?.sources ?? []).some((s: any) => s?.clusterTrustBundle)) return forbid(`node ${q} can not create pods that reference clustertrustbundles`);
  }
  if ((pod.spec?.volumes ?? []).some((v: any) => v?.persistentVolumeClaim)) return forbid(`node ${q} can not create pods that reference persistentvolumeclaims`);
  return undefined;
}

const nodesR = { group: "", resource: "nodes" } as ResourceInfo;

/** Whether a pod names any Secret or ConfigMap (the visitors stop at the first name). */
function podReferences(pod: any): { secrets: boolean; configMaps: boolean } {
  const spec = pod?.spec ?? {};
  const containers: any[] = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
  const volumes: any[] = spec.volumes ?? [];
  const secrets = (spec.imagePullSecrets ?? []).length > 0
    || containers.some((c) => (c?.envFrom ?? []).some((e: any) => e?.secretRef) || (c?.env ?? []).some((e: any) => e?.valueFrom?.secretKeyRef))
    || volumes.some((v) => v?.secret || (v?.projected?.sources ?? []).some((s: any) => s?.secret)
      || [v?.csi?.nodePublishSecretRef, v?.cephfs?.secretRef, v?.cinder?.secretRef, v?.flexVolume?.secretRef, v?.iscsi?.secretRef, v?.rbd?.secretRef, v?.scaleIO?.secretRef, v?.storageos?.secretRef].some((r) => r) || v?.azureFile);
  const configMaps = containers.some((c) => (c?.envFrom ?? []).some((e: any) => e?.configMapRef) || (c?.env ?? []).some((e: any) => e?.valueFrom?.configMapKeyRef))
    || volumes.some((v) => v?.configMap || (v?.projected?.sources ?? []).some((s: any) => s?.configMap));
  return { secrets: !!secrets, configMaps: !!configMaps };
}

function admitPodStatus(nodeName: string, a: AdmissionRequest, forbid: Forbid): Status | undefined {
  if (a.operation !== "UPDATE") return forbid(`unexpected operation ${S.goQuote(a.operation)}`);
  if (a.old?.spec?.nodeName !== nodeName) return forbid(`node ${S.goQuote(nodeName)} can only update pod status for pods with spec.nodeName set to itself`);
  if (!deepEqual(a.old?.metadata?.labels ?? {}, a.obj?.metadata?.labels ?? {})) return forbid(`node ${S.goQuote(nodeName)} cannot update labels through pod status`);
  // resourceClaimStatusesEqual: the same claims, in order, by name and claim name ("statues" is Kubernetes' spelling)
  if (!sameClaimStatuses(a.old?.status?.resourceClaimStatuses, a.obj?.status?.resourceClaimStatuses)) return forbid(`node ${S.goQuote(nodeName)} cannot update resource claim statues`);
  return undefined;
}

function admitPodEviction(nodeName: string, a: AdmissionRequest, graph: NodeGraph, forbid: Forbid): Status | undefined {
  if (a.operation !== "CREATE") return forbid(`unexpected operation ${a.operation}`);
  const podName = a.name || a.obj?.metadata?.name || "";
  if (podName === "") return forbid("could not determine pod from request data");
  const pod = graph.pod(a.namespace, podName);
  if (!pod) return S.notFound(a.r, podName);
  if (pod.spec?.nodeName !== nodeName && !mutant("noderestriction.evicts-other-nodes-pods")) return forbid(`node ${nodeName} can only evict pods with spec.nodeName set to itself`);
  return undefined;
}

function admitNode(nodeName: string, a: AdmissionRequest, forbid: Forbid): Status | undefined {
  const requested = a.name || (a.operation === "CREATE" ? a.obj?.metadata?.name ?? "" : "");
  if (requested !== nodeName) return forbid(`node ${S.goQuote(nodeName)} is not allowed to modify node ${S.goQuote(requested)}`);
  if (a.operation === "CREATE") {
    if (a.obj?.spec?.configSource != null) return forbid(`node ${S.goQuote(nodeName)} is not allowed to create pods with a non-nil configSource`);
    // a node registers only with labels it could later set itself (getModifiedLabels against none)
    const forbidden = forbiddenLabels(modifiedLabels(a.obj?.metadata?.labels, undefined));
    if (forbidden.length > 0) return forbid(`node ${S.goQuote(nodeName)} is not allowed to set the following labels: ${forbidden.join(", ")}`);
  }
  if (a.operation === "UPDATE") {
    const spec = a.obj?.spec ?? {};
    const oldSpec = a.old?.spec ?? {};
    if (spec.configSource != null && !deepEqual(spec.configSource, oldSpec.configSource)) return forbid(`node ${S.goQuote(nodeName)} is not allowed to update configSource to a new non-nil configSource`);
    if (!deepEqual(spec.taints ?? [], oldSpec.taints ?? []) && !mutant("noderestriction.node-modifies-taints")) return forbid(`node ${S.goQuote(nodeName)} is not allowed to modify taints`);
    const forbidden = forbiddenLabels(modifiedLabels(a.obj?.metadata?.labels, a.old?.metadata?.labels));
    if (forbidden.length > 0) return forbid(`is not allowed to modify labels: ${forbidden.join(", ")}`);
  }
  return undefined;
}

function sameClaimStatuses(a: unknown, b: unknown): boolean {
  const xs = Array.isArray(a) ? a : [];
  const ys = Array.isArray(b) ? b : [];
  return xs.length === ys.length && xs.every((x: any, i) => x?.name === ys[i]?.name && (x?.resourceClaimName ?? null) === (ys[i]?.resourceClaimName ?? null));
}

/** getModifiedLabels: the keys added, removed or given another value. */
function modifiedLabels(now: unknown, old: unknown): string[] {
  const a = isMap(now) ? now : {};
  const b = isMap(old) ? old : {};
  const keys = new Set<string>();
  for (const k of Object.keys(a)) if (!Object.hasOwn(b, k) || a[k] !== b[k]) keys.add(k);
  for (const k of Object.keys(b)) if (!Object.hasOwn(a, k) || a[k] !== b[k]) keys.add(k);
  return [...keys];
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** getForbiddenLabels, as a sorted list (sets.String's List): node-restriction labels, and kubernetes.io or k8s.io labels no kubelet sets. */
function forbiddenLabels(modified: string[]): string[] {
  return modified.filter(isForbiddenNodeLabel).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
}

/** admitServiceAccount: a node's TokenRequest must be bound to a pod, by uid, that runs on the node. */
function admitServiceAccount(nodeName: string, a: AdmissionRequest, graph: NodeGraph, forbid: Forbid): Status | undefined {
  if (a.operation !== "CREATE" || a.subresource !== "token") return undefined;
  const ref = a.obj?.spec?.boundObjectRef;
  if (!isMap(ref) || ref.apiVersion !== "v1" || ref.kind !== "Pod" || typeof ref.name !== "string" || ref.name === "") return forbid("node requested token not bound to a pod");
  const uid = typeof ref.uid === "string" ? ref.uid : "";
  if (uid === "") return forbid("node requested token with a pod binding without a uid");
  const pod = graph.pod(a.namespace, ref.name);
  if (!pod) return S.notFound({ group: "", resource: "pods" } as ResourceInfo, ref.name);
  if (uid !== pod.metadata?.uid && !mutant("noderestriction.token-pod-uid-unchecked")) return forbid(`the UID in the bound object reference (${uid}) does not match the UID in record. The object might have been deleted and then recreated`);
  if (pod.spec?.nodeName !== nodeName) return forbid("node requested token bound to a pod scheduled on a different node");
  return undefined;
}

const kubeletSigners = new Set(["kubernetes.io/kubelet-serving", "kubernetes.io/kube-apiserver-client-kubelet"]);

/** admitCSR (AllowInsecureKubeletCertificateSigningRequests off, its default since 1.31): a node asks a kubelet signer only for its own CN. */
function admitCSR(nodeName: string, a: AdmissionRequest, forbid: Forbid): Status | undefined {
  if (a.operation !== "CREATE") return undefined;
  if (!kubeletSigners.has(a.obj?.spec?.signerName)) return undefined;
  const request = a.obj?.spec?.request;
  const parsed = parseCSR(typeof request === "string" ? new Uint8Array(Buffer.from(request, "base64")) : new Uint8Array());
  if ("error" in parsed) return forbid(`unable to parse csr: ${parsed.error}`);
  if (parsed.commonName !== `system:node:${nodeName}`) return forbid(`can only create a node CSR with CN=system:node:${nodeName}`);
  return undefined;
}

function admitLease(nodeName: string, a: AdmissionRequest, forbid: Forbid): Status | undefined {
  if (a.namespace !== "kube-node-lease") return forbid(`can only access leases in the "kube-node-lease" system namespace`);
  const name = a.operation === "CREATE" ? a.obj?.metadata?.name : a.name;
  if (name !== nodeName) return forbid("can only access node lease with the same name as the requesting node");
  return undefined;
}

/**
 * admitPVCStatus: a node's status write of a claim may change the capacity, the conditions and (with
 * RecoverVolumeExpansionFailure, GA) the allocated resources and their statuses, nothing else. Kubernetes
 * appends go-cmp's diff, whose layout go-cmp randomizes on purpose; podflow names the changed fields.
 */
function admitPVCStatus(nodeName: string, a: AdmissionRequest, forbid: Forbid): Status | undefined {
  if (a.operation !== "UPDATE") return forbid(`unexpected operation ${S.goQuote(a.operation)}`);
  const changed = changedPaths(kubeletPVCView(a.old), kubeletPVCView(a.obj), "");
  if (changed.length === 0) return undefined;
  return forbid(`node ${S.goQuote(nodeName)} is not allowed to update fields other than status.quantity and status.conditions: ${changed.join(", ")}`);
}

/** A claim without the fields a node may write (and the resourceVersion and managedFields the comparison ignores). */
function kubeletPVCView(pvc: any): any {
  const { resourceVersion: _rv, managedFields: _mf, ...metadata } = isMap(pvc?.metadata) ? pvc.metadata : {};
  const { capacity: _c, conditions: _cd, allocatedResources: _ar, allocatedResourceStatuses: _as, ...status } = isMap(pvc?.status) ? pvc.status : {};
  return { ...(isMap(pvc) ? pvc : {}), metadata, status };
}

/** The dotted paths at which two decoded objects differ, sorted. */
function changedPaths(a: unknown, b: unknown, at: string): string[] {
  if (deepEqual(a, b)) return [];
  if (!isMap(a) || !isMap(b)) return [at];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.flatMap((k) => changedPaths(Object.hasOwn(a, k) ? a[k] : undefined, Object.hasOwn(b, k) ? b[k] : undefined, at ? `${at}.${k}` : k));
}
