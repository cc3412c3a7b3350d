// The Node authorizer (plugin/pkg/auth/authorizer/node/node_authorizer.go, AuthorizeNodeWithSelectors
// on as in v1.35): a kubelet reads only the Secrets, ConfigMaps, claims and volumes of pods bound to
// its node, lists and watches pods only with a spec.nodeName=<itself> field selector, reads only its
// own Node and writes only its own Lease; everything else it does is the node role's static rules.
// Kubernetes walks a graph kept from informers; podflow asks the watch cache the same questions.

import { nodeRules, rulesAllow, type RbacObjects } from "./rbac.js";
import type { Attributes, Decision, UserInfo } from "./types.js";
import { mutant } from "../../common/mutation.js";

/** The questions the authorizer's graph answers, asked of the API server's watch cache. */
export interface NodeGraph {
  /** a stored pod */
  pod(namespace: string, name: string): any | undefined;
  /** the stored pods whose spec.nodeName is node */
  podsOn(node: string): Iterable<any>;
  /** a stored Node */
  node(name: string): any | undefined;
  /** a stored PersistentVolume, and all of them (the graph's pv -> pvc edge is a volume's claimRef) */
  pv?(name: string): any | undefined;
  pvs?(): Iterable<any>;
  /** a stored VolumeAttachment (the graph's attachment -> node edge is its spec.nodeName) */
  volumeAttachment?(name: string): any | undefined;
  /** the stored Roles, ClusterRoles and bindings the RBAC authorizer reads from the same cache */
  rbac?: RbacObjects;
}

/** NodeIdentity: a user named system:node:<name> in the group system:nodes is the node <name>. */
export function nodeIdentity(user: UserInfo): { isNode: boolean; nodeName: string } {
  if (!user.name.startsWith("system:node:") || !user.groups.includes("system:nodes")) return { isNode: false, nodeName: "" };
  return { isNode: true, nodeName: user.name.slice("system:node:".length) };
}

const allow: Decision = { allowed: true, reason: "" };
const noOpinion = (reason = ""): Decision => ({ allowed: false, reason });

/** The Node authorizer's decision; not a node: no opinion and no reason. */
export function nodeAuthorize(a: Attributes, graph: NodeGraph): Decision {
  const { isNode, nodeName } = nodeIdentity(a.user);
  if (!isNode) return noOpinion();
  if (nodeName === "") return noOpinion(`unknown node for user ${JSON.stringify(a.user.name)}`);
  if (a.resourceRequest) {
    const gr = `${a.apiGroup}/${a.resource}`;
    switch (gr) {
      case "/secrets":
      case "/configmaps":
        return readNamespacedObject(nodeName, a, graph);
      case "/persistentvolumeclaims":
        return a.subresource === "status" ? statusUpdate(nodeName, a, graph) : getRelated(nodeName, a, graph);
      case "/persistentvolumes":
      case "resource.k8s.io/resourceclaims":
      case "storage.k8s.io/volumeattachments":
        return getRelated(nodeName, a, graph);
      case "/serviceaccounts":
        return createToken(nodeName, a, graph);
      case "coordination.k8s.io/leases":
        return lease(nodeName, a);
      case "storage.k8s.io/csinodes":
        return csiNode(nodeName, a);
      case "/nodes":
        return node(nodeName, a);
      case "/pods":
        return pod(nodeName, a, graph);
    }
  }
  return rulesAllow(a, nodeRules) ? allow : noOpinion();
}

function statusUpdate(nodeName: string, a: Attributes, graph: NodeGraph): Decision {
  if (a.verb !== "update" && a.verb !== "patch") return noOpinion("can only get/update/patch this type");
  if (a.subresource !== "status") return noOpinion("can only update status subresource");
  return related(nodeName, a, graph);
}

function getRelated(nodeName: string, a: Attributes, graph: NodeGraph): Decision {
  if (a.verb !== "get") return noOpinion("can only get individual resources of this type");
  if (a.subresource !== "") return noOpinion("cannot get subresource");
  return related(nodeName, a, graph);
}

function readNamespacedObject(nodeName: string, a: Attributes, graph: NodeGraph): Decision {
  if (a.verb !== "get" && a.verb !== "list" && a.verb !== "watch") return noOpinion("can only read resources of this type");
  if (a.subresource !== "") return noOpinion("cannot read subresource");
  if (a.namespace === "") return noOpinion("can only read namespaced object of this type");
  return related(nodeName, a, graph);
}

function createToken(nodeName: string, a: Attributes, graph: NodeGraph): Decision {
  if (a.verb !== "create" || a.name === "") return noOpinion("can only create tokens for individual service accounts");
  if (a.subresource !== "token") return noOpinion("can only create token subresource of serviceaccount");
  return related(nodeName, a, graph);
}

function lease(nodeName: string, a: Attributes): Decision {
  if (!["get", "create", "update", "patch", "delete"].includes(a.verb)) return noOpinion("can only get, create, update, patch, or delete a node lease");
  if (a.namespace !== "kube-node-lease") return noOpinion(`can only access leases in the "kube-node-lease" system namespace`);
  // create: the name is in the body; NodeRestriction checks it
  // the mutant lets a node write any node's Lease in kube-node-lease
  if (a.verb !== "create" && a.name !== nodeName && !mutant("nodeauthz.lease-any-name")) return noOpinion("can only access node lease with the same name as the requesting node");
  return allow;
}

function csiNode(nodeName: string, a: Attributes): Decision {
  if (!["get", "create", "update", "patch", "delete"].includes(a.verb)) return noOpinion("can only get, create, update, patch, or delete a CSINode");
  if (a.subresource !== "") return noOpinion("cannot authorize CSINode subresources");
  if (a.verb !== "create" && a.name !== nodeName) return noOpinion("can only access CSINode with the same name as the requesting node");
  return allow;
}

function node(nodeName: string, a: Attributes): Decision {
  if (a.subresource === "") {
    // create, update, patch: NodeRestriction limits a node to its own Node object
    if (a.verb === "create" || a.verb === "update" || a.verb === "patch") return allow;
    if (a.verb === "get" || a.verb === "list" || a.verb === "watch") {
      if (a.name === nodeName) return allow;
      if (a.name === "") return noOpinion(`node '${nodeName}' cannot read all nodes, only its own Node object`);
      return noOpinion(`node '${nodeName}' cannot read '${a.name}', only its own Node object`);
    }
  } else if (a.subresource === "status" && (a.verb === "update" || a.verb === "patch")) return allow;
  return noOpinion();
}

function pod(nodeName: string, a: Attributes, graph: NodeGraph): Decision {
  if (a.subresource === "") {
    if (a.verb === "get") return getRelated(nodeName, a, graph);
    if (a.verb === "list" || a.verb === "watch") {
      if (a.fieldSelector.some((r) => r.field === "spec.nodeName" && r.operator === "=" && r.value === nodeName)) return allow;
      if (a.name !== "") return related(nodeName, a, graph);
      return noOpinion("can only list/watch pods with spec.nodeName field selector");
    }
    // mirror pods: NodeRestriction limits creation and deletion to pods bound to the node
    if (a.verb === "create" || a.verb === "delete") return allow;
  } else if (a.subresource === "status") {
    if (a.verb === "update" || a.verb === "patch") return allow;
  } else if (a.subresource === "eviction" && a.verb === "create") return allow;
  return noOpinion();
}

/** hasPathFrom: whether the object is used by a pod bound to the node (or is such a pod), as the graph's edges say. */
function related(nodeName: string, a: Attributes, graph: NodeGraph): Decision {
  if (a.name === "") return noOpinion("No Object name found");
  const denied = noOpinion(`no relationship found between node '${nodeName}' and this object`);
  if (a.apiGroup !== "" && !(a.apiGroup === "storage.k8s.io" && a.resource === "volumeattachments")) return denied;
  switch (a.resource) {
    case "pods":
      return graph.pod(a.namespace, a.name)?.spec?.nodeName === nodeName ? allow : denied;
    // AddVolumeAttachment: attachment -> node, by its spec.nodeName
    case "volumeattachments":
      return graph.volumeAttachment?.(a.name)?.spec?.nodeName === nodeName ? allow : denied;
    // AddPV: pv -> pvc, by the volume's claimRef (not the claim's volumeName)
    case "persistentvolumes": {
      return claimUsedOn(nodeName, graph.pv?.(a.name)?.spec?.claimRef, graph) ? allow : denied;
    }
  }
  for (const p of graph.podsOn(nodeName)) {
    // the mutant matches a pod's references by name in any namespace
    if (p?.metadata?.namespace !== a.namespace && !mutant("nodeauthz.reference-any-namespace")) continue;
    if ((!isMirrorPod(p) || mutant("nodeauthz.mirror-pod-references-granted")) && references(p, a.apiGroup, a.resource, a.name)) return allow;
  }
  // AddPV: secret -> pv, for the secrets a kubelet reads to mount the volume of a claim used on the node
  if (a.resource === "secrets") {
    for (const pv of graph.pvs?.() ?? []) {
      if (pvSecrets(pv).some((s) => s.namespace === a.namespace && s.name === a.name) && claimUsedOn(nodeName, pv?.spec?.claimRef, graph)) return allow;
    }
  }
  return denied;
}

// AddPod short-circuits for a mirror pod: its only edge is pod -> node, so a node that creates a
// mirror pod gains no access to what the pod names (defence in depth behind NodeRestriction).
const isMirrorPod = (pod: any): boolean => Object.hasOwn(pod?.metadata?.annotations ?? {}, "kubernetes.io/config.mirror");

/** Whether a pod bound to the node (no mirror pod) uses the claim a PersistentVolume's claimRef names. */
function claimUsedOn(nodeName: string, claimRef: any, graph: NodeGraph): boolean {
  if (!claimRef || typeof claimRef !== "object") return false;
  const name = typeof claimRef.name === "string" ? claimRef.name : "";
  const namespace = typeof claimRef.namespace === "string" ? claimRef.namespace : "";
  for (const p of graph.podsOn(nodeName)) {
    if (p?.metadata?.namespace === namespace && !isMirrorPod(p) && (p?.spec?.volumes ?? []).some((v: any) => claimOf(p, v) === name)) return true;
  }
  return false;
}

/**
 * VisitPVSecretNames (pkg/api/v1/persistentvolume), the secrets a kubelet sees only: one volume
 * source each; a secret reference without a namespace takes the claimRef's for the sources that
 * did so before references had one (azureFile, cephfs, flexVolume, iscsi, rbd, scaleIO).
 */
export function pvSecrets(pv: any): Array<{ namespace: string; name: string }> {
  const spec = pv?.spec;
  if (!spec || typeof spec !== "object" || !pv?.spec?.claimRef) return [];
  const claimNs: string = typeof spec.claimRef?.namespace === "string" ? spec.claimRef.namespace : "";
  const str = (v: unknown): string => (typeof v === "string" ? v : "");
  const ref = (r: any, fallback?: string) => (r && typeof r === "object" ? [{ namespace: str(r.namespace) || (fallback ?? ""), name: str(r.name) }] : []);
  let out: Array<{ namespace: string; name: string }> = [];
  if (spec.azureFile) out = [{ namespace: str(spec.azureFile.secretNamespace) || claimNs, name: str(spec.azureFile.secretName) }];
  else if (spec.cephfs) out = ref(spec.cephfs.secretRef, claimNs);
  else if (spec.cinder) out = ref(spec.cinder.secretRef);
  else if (spec.flexVolume) out = ref(spec.flexVolume.secretRef, claimNs);
  else if (spec.rbd) out = ref(spec.rbd.secretRef, claimNs);
  else if (spec.scaleIO) out = ref(spec.scaleIO.secretRef, claimNs);
  else if (spec.iscsi) out = ref(spec.iscsi.secretRef, claimNs);
  else if (spec.storageos) out = ref(spec.storageos.secretRef);
  // the controller's publish and expand secrets are not the kubelet's
  else if (spec.csi) out = [...ref(spec.csi.nodePublishSecretRef), ...ref(spec.csi.nodeStageSecretRef), ...ref(spec.csi.nodeExpandSecretRef)];
  return out.filter((s) => s.name !== "");
}

/** The graph populator's pod -> pvc edge: a claim the volume names, or the one a generic ephemeral volume's controller made (<pod>-<volume>). */
function claimOf(pod: any, v: any): string | undefined {
  if (v?.persistentVolumeClaim) return v.persistentVolumeClaim.claimName || undefined;
  return v?.ephemeral && !mutant("nodeauthz.ephemeral-claim-missed") ? `${pod?.metadata?.name ?? ""}-${v.name ?? ""}` : undefined;
}

/** Whether a pod names the object: VisitPodSecretNames, VisitPodConfigmapNames, its claims and its service account. */
export function references(pod: any, group: string, resource: string, name: string): boolean {
  // the visitors skip an empty name: no pod references ""
  if (group !== "" || name === "") return false;
  const spec = pod?.spec ?? {};
  // the mutant forgets the init containers' references
  const containers: any[] = [...(mutant("nodeauthz.init-container-references-missed") ? [] : (spec.initContainers ?? [])), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
  const volumes: any[] = spec.volumes ?? [];
  switch (resource) {
    case "secrets": {
      if ((spec.imagePullSecrets ?? []).some((s: any) => s?.name === name)) return true;
      for (const c of containers) {
        if ((c?.envFrom ?? []).some((e: any) => e?.secretRef?.name === name)) return true;
        if ((c?.env ?? []).some((e: any) => e?.valueFrom?.secretKeyRef?.name === name)) return true;
      }
      for (const v of volumes) {
        if (v?.secret?.secretName === name) return true;
        if ((v?.projected?.sources ?? []).some((s: any) => s?.secret?.name === name)) return true;
        const refs = [v?.csi?.nodePublishSecretRef, v?.cephfs?.secretRef, v?.cinder?.secretRef, v?.flexVolume?.secretRef, v?.iscsi?.secretRef, v?.rbd?.secretRef, v?.scaleIO?.secretRef, v?.storageos?.secretRef];
        if (refs.some((r) => r?.name === name) || v?.azureFile?.secretName === name) return true;
      }
      return false;
    }
    case "configmaps": {
      for (const c of containers) {
        if ((c?.envFrom ?? []).some((e: any) => e?.configMapRef?.name === name)) return true;
        if ((c?.env ?? []).some((e: any) => e?.valueFrom?.configMapKeyRef?.name === name)) return true;
      }
      for (const v of volumes) {
        if (v?.configMap?.name === name) return true;
        if ((v?.projected?.sources ?? []).some((s: any) => s?.configMap?.name === name)) return true;
      }
      return false;
    }
    case "persistentvolumeclaims":
      return volumes.some((v) => claimOf(pod, v) === name);
    // AddPod adds the service account edge only for a pod that names one
    case "serviceaccounts":
      return spec.serviceAccountName === name;
    default:
      return false;
  }
}
