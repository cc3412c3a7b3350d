// The API resources podflow serves: kind <-> resource, group, version, scope.
// One table, used by the API server, the HTTP front end, discovery and the printers.

export interface ResourceInfo {
  kind: string;
  /** lower-case plural, as in URLs and in "pods \"x\" not found" */
  resource: string;
  singular: string;
  group: string; // "" for the core group
  version: string;
  namespaced: boolean;
  shortNames: string[];
  verbs: string[];
  subresources: string[];
  /**
   * The resource whose storage this one shares (kube-apiserver's cohabitating resources): its objects
   * are stored, keyed, listed and watched as that resource's, at its version, and converted at the door.
   */
  storedAs?: { group: string; resource: string };
  /** the categories discovery lists (kubectl get all): built-ins' come from discovery.ts, a custom resource's from its CRD */
  categories?: readonly string[];
  /** set on a custom resource: what its CustomResourceDefinition says of the version served (crds.ts) */
  custom?: CustomResourceSpec;
}

/** A custom resource's served version, as its established CustomResourceDefinition defines it. */
export interface CustomResourceSpec {
  /** the CRD's name (<plural>.<group>) and uid: the registry entry is rebuilt when the CRD changes */
  crdName: string;
  listKind: string;
  /** the version's openAPIV3Schema (undefined: none) */
  schema?: any;
  /** the version's scale subresource paths, when it has one */
  scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
  /** the version's additionalPrinterColumns */
  printerColumns: readonly any[];
  /** its CRD is being deleted: its instances are read and deleted, no longer created */
  terminating?: boolean;
  /** the version objects are stored at (spec.versions[].storage) */
  storageVersion: string;
  /** the CRD's spec.conversion.strategy: None rewrites apiVersion only; Webhook posts a ConversionReview (conversionwebhook.ts) */
  conversion: "None" | "Webhook";
  /** spec.conversion.webhook, when the strategy is Webhook: where to post, and the review versions it takes */
  webhook?: { clientConfig: any; conversionReviewVersions: readonly unknown[] };
  /** the Warning every request to this version gets, when the version is deprecated */
  deprecationWarning?: string;
  /** the version's selectableFields, as field labels (their jsonPath without the leading dot) */
  selectableFields?: readonly string[];
}

const rw = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

export const resources: readonly ResourceInfo[] = [
  { kind: "Pod", resource: "pods", singular: "pod", group: "", version: "v1", namespaced: true, shortNames: ["po"], verbs: rw, subresources: ["status", "binding", "log", "eviction", "exec", "attach", "portforward", "proxy", "ephemeralcontainers", "resize"] },
  { kind: "Node", resource: "nodes", singular: "node", group: "", version: "v1", namespaced: false, shortNames: ["no"], verbs: rw, subresources: ["status", "proxy"] },
  { kind: "Namespace", resource: "namespaces", singular: "namespace", group: "", version: "v1", namespaced: false, shortNames: ["ns"], verbs: rw.filter((v) => v !== "deletecollection"), subresources: ["status", "finalize"] },
  { kind: "Service", resource: "services", singular: "service", group: "", version: "v1", namespaced: true, shortNames: ["svc"], verbs: rw, subresources: ["status", "proxy"] },
  { kind: "Endpoints", resource: "endpoints", singular: "endpoints", group: "", version: "v1", namespaced: true, shortNames: ["ep"], verbs: rw, subresources: [] },
  { kind: "Event", resource: "events", singular: "event", group: "", version: "v1", namespaced: true, shortNames: ["ev"], verbs: rw, subresources: [] },
  { kind: "ConfigMap", resource: "configmaps", singular: "configmap", group: "", version: "v1", namespaced: true, shortNames: ["cm"], verbs: rw, subresources: [] },
  { kind: "Secret", resource: "secrets", singular: "secret", group: "", version: "v1", namespaced: true, shortNames: [], verbs: rw, subresources: [] },
  { kind: "ServiceAccount", resource: "serviceaccounts", singular: "serviceaccount", group: "", version: "v1", namespaced: true, shortNames: ["sa"], verbs: rw, subresources: ["token"] },
  { kind: "PodTemplate", resource: "podtemplates", singular: "podtemplate", group: "", version: "v1", namespaced: true, shortNames: [], verbs: rw, subresources: [] },
  // computed from probes of the control-plane servers when asked, never stored (componentstatus.ts)
  { kind: "ComponentStatus", resource: "componentstatuses", singular: "componentstatus", group: "", version: "v1", namespaced: false, shortNames: ["cs"], verbs: ["get", "list"], subresources: [] },
  { kind: "Binding", resource: "bindings", singular: "binding", group: "", version: "v1", namespaced: true, shortNames: [], verbs: ["create"], subresources: [] },
  { kind: "Deployment", resource: "deployments", singular: "deployment", group: "apps", version: "v1", namespaced: true, shortNames: ["deploy"], verbs: rw, subresources: ["status", "scale"] },
  { kind: "ReplicaSet", resource: "replicasets", singular: "replicaset", group: "apps", version: "v1", namespaced: true, shortNames: ["rs"], verbs: rw, subresources: ["status", "scale"] },
  { kind: "DaemonSet", resource: "daemonsets", singular: "daemonset", group: "apps", version: "v1", namespaced: true, shortNames: ["ds"], verbs: rw, subresources: ["status"] },
  { kind: "StatefulSet", resource: "statefulsets", singular: "statefulset", group: "apps", version: "v1", namespaced: true, shortNames: ["sts"], verbs: rw, subresources: ["status", "scale"] },
  { kind: "ReplicationController", resource: "replicationcontrollers", singular: "replicationcontroller", group: "", version: "v1", namespaced: true, shortNames: ["rc"], verbs: rw, subresources: ["status", "scale"] },
  { kind: "ControllerRevision", resource: "controllerrevisions", singular: "controllerrevision", group: "apps", version: "v1", namespaced: true, shortNames: [], verbs: rw, subresources: [] },
  // events.k8s.io/v1 Event: the core Event served in a second group (AddCohabitatingResources), one storage
  { kind: "Event", resource: "events", singular: "event", group: "events.k8s.io", version: "v1", namespaced: true, shortNames: ["ev"], verbs: rw, subresources: [], storedAs: { group: "", resource: "events" } },
  { kind: "Job", resource: "jobs", singular: "job", group: "batch", version: "v1", namespaced: true, shortNames: [], verbs: rw, subresources: ["status"] },
  { kind: "CronJob", resource: "cronjobs", singular: "cronjob", group: "batch", version: "v1", namespaced: true, shortNames: ["cj"], verbs: rw, subresources: ["status"] },
  { kind: "HorizontalPodAutoscaler", resource: "horizontalpodautoscalers", singular: "horizontalpodautoscaler", group: "autoscaling", version: "v2", namespaced: true, shortNames: ["hpa"], verbs: rw, subresources: ["status"] },
  { kind: "EndpointSlice", resource: "endpointslices", singular: "endpointslice", group: "discovery.k8s.io", version: "v1", namespaced: true, shortNames: [], verbs: rw, subresources: [] },
  { kind: "Lease", resource: "leases", singular: "lease", group: "coordination.k8s.io", version: "v1", namespaced: true, shortNames: [], verbs: rw, subresources: [] },
  { kind: "PodDisruptionBudget", resource: "poddisruptionbudgets", singular: "poddisruptionbudget", group: "policy", version: "v1", namespaced: true, shortNames: ["pdb"], verbs: rw, subresources: ["status"] },
  { kind: "LimitRange", resource: "limitranges", singular: "limitrange", group: "", version: "v1", namespaced: true, shortNames: ["limits"], verbs: rw, subresources: [] },
  { kind: "ResourceQuota", resource: "resourcequotas", singular: "resourcequota", group: "", version: "v1", namespaced: true, shortNames: ["quota"], verbs: rw, subresources: ["status"] },
  { kind: "PersistentVolume", resource: "persistentvolumes", singular: "persistentvolume", group: "", version: "v1", namespaced: false, shortNames: ["pv"], verbs: rw, subresources: ["status"] },
  { kind: "PersistentVolumeClaim", resource: "persistentvolumeclaims", singular: "persistentvolumeclaim", group: "", version: "v1", namespaced: true, shortNames: ["pvc"], verbs: rw, subresources: ["status"] },
  { kind: "StorageClass", resource: "storageclasses", singular: "storageclass", group: "storage.k8s.io", version: "v1", namespaced: false, shortNames: ["sc"], verbs: rw, subresources: [] },
  // the CSI kinds a driver's deployment writes (no CSI driver runs in podflow: stored as written)
  { kind: "CSIDriver", resource: "csidrivers", singular: "csidriver", group: "storage.k8s.io", version: "v1", namespaced: false, shortNames: [], verbs: rw, subresources: [] },
  { kind: "VolumeAttachment", resource: "volumeattachments", singular: "volumeattachment", group: "storage.k8s.io", version: "v1", namespaced: false, shortNames: [], verbs: rw, subresources: ["status"] },
  { kind: "CSIStorageCapacity", resource: "csistoragecapacities", singular: "csistoragecapacity", group: "storage.k8s.io", version: "v1", namespaced: true, shortNames: [], verbs: rw, subresources: [] },
  // GA in v1.34 (storage.k8s.io/v1)
  { kind: "VolumeAttributesClass", resource: "volumeattributesclasses", singular: "volumeattributesclass", group: "storage.k8s.io", version: "v1", namespaced: false, shortNames: ["vac"], verbs: rw, subresources: [] },
  { kind: "Ingress", resource: "ingresses", singular: "ingress", group: "networking.k8s.io", version: "v1", namespaced: true, shortNames: ["ing"], verbs: rw, subresources: ["status"] },
  { kind: "IngressClass", resource: "ingressclasses", singular: "ingressclass", group: "networking.k8s.io", version: "v1", namespaced: false, shortNames: [], verbs: rw, subresources: [] },
  { kind: "NetworkPolicy", resource: "networkpolicies", singular: "networkpolicy", group: "networking.k8s.io", version: "v1", namespaced: true, shortNames: ["netpol"], verbs: rw, subresources: [] },
  // MultiCIDRServiceAllocator (GA in v1.33): the service ranges and one IPAddress per ClusterIP allocated (servicecidr.ts)
  { kind: "ServiceCIDR", resource: "servicecidrs", singular: "servicecidr", group: "networking.k8s.io", version: "v1", namespaced: false, shortNames: [], verbs: rw, subresources: ["status"] },
  { kind: "IPAddress", resource: "ipaddresses", singular: "ipaddress", group: "networking.k8s.io", version: "v1", namespaced: false, shortNames: [], verbs: rw, subresources: [] },
  { kind: "Role", resource: "roles", singular: "role", group: "rbac.authorization.k8s.io", version: "v1", namespaced: true, shortNames: [], verbs: rw, subresources: [] },
  { kind: "ClusterRole", resource: "clusterroles", singular: "clusterrole", group: "rbac.authorization.k8s.io", version: "v1", namespaced: false, shortNames: [], verbs: rw, subresources: [] },
  { kind: "RoleBinding", resource: "rolebindings", singular: "rolebinding", group: "rbac.authorization.k8s.io", version: "v1", namespaced: true, shortNames: [], verbs: rw, subresources: [] },
  { kind: "ClusterRoleBinding", resource: "clusterrolebindings", singular: "clusterrolebinding", group: "rbac.authorization.k8s.io", version: "v1", namespaced: false, shortNames: [], verbs: rw, subresources: [] },
  { kind: "ValidatingAdmissionPolicy", resource: "validatingadmissionpolicies", singular: "validatingadmissionpolicy", group: "admissionregistration.k8s.io", version: "v1", namespaced: false, shortNames: [], verbs: rw, subresources: ["status"] },
  { kind: "ValidatingAdmissionPolicyBinding", resource: "validatingadmissionpolicybindings", singular: "validatingadmissionpolicybinding", group: "admissionregistration.k8s.io", version: "v1", namespaced: false, shortNames: [], verbs: rw, subresources: [] },
  { kind: "MutatingWebhookConfiguration", resource: "mutatingwebhookconfigurations", singular: "mutatingwebhookconfiguration", group: "admissionregistration.k8s.io", version: "v1", namespaced: false, shortNames: [], verbs: rw, subresources: [] },
  { kind: "ValidatingWebhookConfiguration", resource: "validatingwebhookconfigurations", singular: "validatingwebhookconfiguration", group: "admissionregistration.k8s.io", version: "v1", namespaced: false, shortNames: [], verbs: rw, subresources: [] },
  { kind: "RuntimeClass", resource: "runtimeclasses", singular: "runtimeclass", group: "node.k8s.io", version: "v1", namespaced: false, shortNames: [], verbs: rw, subresources: [] },
  { kind: "PriorityClass", resource: "priorityclasses", singular: "priorityclass", group: "scheduling.k8s.io", version: "v1", namespaced: false, shortNames: ["pc"], verbs: rw, subresources: [] },
  { kind: "CertificateSigningRequest", resource: "certificatesigningrequests", singular: "certificatesigningrequest", group: "certificates.k8s.io", version: "v1", namespaced: false, shortNames: ["csr"], verbs: rw, subresources: ["status", "approval"] },
  // served by metrics-server behind the aggregation layer (APIService v1beta1.metrics.k8s.io), never stored
  { kind: "NodeMetrics", resource: "nodes", singular: "", group: "metrics.k8s.io", version: "v1beta1", namespaced: false, shortNames: [], verbs: ["get", "list"], subresources: [] },
  { kind: "PodMetrics", resource: "pods", singular: "", group: "metrics.k8s.io", version: "v1beta1", namespaced: true, shortNames: [], verbs: ["get", "list"], subresources: [] },
  // reviews: created to be answered, never stored (auth/reviews.ts)
  { kind: "SelfSubjectReview", resource: "selfsubjectreviews", singular: "selfsubjectreview", group: "authentication.k8s.io", version: "v1", namespaced: false, shortNames: [], verbs: ["create"], subresources: [] },
  { kind: "TokenReview", resource: "tokenreviews", singular: "tokenreview", group: "authentication.k8s.io", version: "v1", namespaced: false, shortNames: [], verbs: ["create"], subresources: [] },
  { kind: "SelfSubjectAccessReview", resource: "selfsubjectaccessreviews", singular: "selfsubjectaccessreview", group: "authorization.k8s.io", version: "v1", namespaced: false, shortNames: [], verbs: ["create"], subresources: [] },
  { kind: "SelfSubjectRulesReview", resource: "selfsubjectrulesreviews", singular: "selfsubjectrulesreview", group: "authorization.k8s.io", version: "v1", namespaced: false, shortNames: [], verbs: ["create"], subresources: [] },
  { kind: "LocalSubjectAccessReview", resource: "localsubjectaccessreviews", singular: "localsubjectaccessreview", group: "authorization.k8s.io", version: "v1", namespaced: true, shortNames: [], verbs: ["create"], subresources: [] },
  { kind: "CustomResourceDefinition", resource: "customresourcedefinitions", singular: "customresourcedefinition", group: "apiextensions.k8s.io", version: "v1", namespaced: false, shortNames: ["crd", "crds"], verbs: rw, subresources: ["status"], categories: ["api-extensions"] },
  { kind: "SubjectAccessReview", resource: "subjectaccessreviews", singular: "subjectaccessreview", group: "authorization.k8s.io", version: "v1", namespaced: false, shortNames: [], verbs: ["create"], subresources: [] },
  // each kubelet's CSINode (no CSI driver registers): computed from the Nodes (csinode.ts)
  { kind: "CSINode", resource: "csinodes", singular: "csinode", group: "storage.k8s.io", version: "v1", namespaced: false, shortNames: [], verbs: ["get", "list"], subresources: [] },
  // kube-aggregator's: computed from what is served when asked, never stored (apiservices.ts)
  // API Priority and Fairness' bootstrap configuration: computed when asked, never stored (flowcontrol.ts)
  { kind: "FlowSchema", resource: "flowschemas", singular: "flowschema", group: "flowcontrol.apiserver.k8s.io", version: "v1", namespaced: false, shortNames: [], verbs: ["get", "list"], subresources: [] },
  { kind: "PriorityLevelConfiguration", resource: "prioritylevelconfigurations", singular: "prioritylevelconfiguration", group: "flowcontrol.apiserver.k8s.io", version: "v1", namespaced: false, shortNames: [], verbs: ["get", "list"], subresources: [] },
  { kind: "APIService", resource: "apiservices", singular: "apiservice", group: "apiregistration.k8s.io", version: "v1", namespaced: false, shortNames: [], verbs: ["get", "list"], subresources: [], categories: ["api-extensions"] },
];

/** API groups an APIService serves from another server (kube-aggregator proxies them there): group -> that server's address. */
export const aggregatedGroups: ReadonlyMap<string, string> = new Map([["metrics.k8s.io", "metrics-server"]]);

// a kind maps to the resource it is stored as: the first entry (core Event, not events.k8s.io's)
const byKind = new Map<string, ResourceInfo>();
for (const r of resources) if (!r.storedAs && !byKind.has(r.kind)) byKind.set(r.kind, r);
// group -> resource -> info: a lookup builds no "group/resource" string (every request asks)
const byGroupResource = new Map<string, Map<string, ResourceInfo>>();
for (const r of resources) {
  let m = byGroupResource.get(r.group);
  if (m === undefined) byGroupResource.set(r.group, (m = new Map()));
  m.set(r.resource, r);
}

/** The resource a kind is served as, or undefined for a kind podflow does not serve. */
export function resourceForKind(kind: string): ResourceInfo | undefined {
  return byKind.get(kind);
}

/** The resource a kind is served as at an apiVersion (events.k8s.io/v1's Event), else the one it is stored as. */
export function resourceForKindAt(kind: string, apiVersion: unknown): ResourceInfo | undefined {
  return resources.find((r) => r.storedAs && r.kind === kind && apiVersionOf(r) === apiVersion) ?? byKind.get(kind);
}

/** The resource at group/resource (group "" for core), or undefined. */
export function resourceFor(group: string, resource: string): ResourceInfo | undefined {
  return byGroupResource.get(group)?.get(resource);
}

/** The resource whose storage r uses: r itself, or the one it cohabits with (core events for events.k8s.io's). */
export function storedResource(r: ResourceInfo): ResourceInfo {
  return r.storedAs ? (byGroupResource.get(r.storedAs.group)?.get(r.storedAs.resource) ?? r) : r;
}

/** "apps/v1" or "v1": the apiVersion objects of this resource carry. */
export function apiVersionOf(r: ResourceInfo): string {
  return r.group === "" ? r.version : `${r.group}/${r.version}`;
}

/** The apiVersion r's objects are stored at: v1 for events.k8s.io's Events, as for core's. */
export function storedApiVersion(r: ResourceInfo): string {
  return apiVersionOf(storedResource(r));
}

/** "pods" or "deployments.apps": how Kubernetes names a group-resource in messages. */
export function qualifiedResource(r: ResourceInfo): string {
  return r.group === "" ? r.resource : `${r.resource}.${r.group}`;
}

/** "Pod" or "Deployment.apps": how Kubernetes names a group-kind in Invalid messages (the stored kind's: the internal Event's first kind is core's). */
export function qualifiedKind(r: ResourceInfo): string {
  const s = storedResource(r);
  return s.group === "" ? s.kind : `${s.kind}.${s.group}`;
}

// kube-apiserver keeps every built-in resource under its bare resource name (the storage factory's
// ResourcePrefix: /registry/jobs/, /registry/leases/, /registry/poddisruptionbudgets/), but for its
// SpecialDefaultResourcePrefixes: ReplicationControllers under /registry/controllers/, Services
// under /registry/services/specs/, Endpoints under /registry/services/endpoints/, Nodes under
// /registry/minions/ and Ingresses under /registry/ingress/.
const storageNames = new Map([
  ["/replicationcontrollers", "controllers"],
  ["/services", "services/specs"],
  ["/endpoints", "services/endpoints"],
  ["/nodes", "minions"],
  ["networking.k8s.io/ingresses", "ingress"],
  // apiextensions-apiserver keeps CRDs, and every custom resource, under <group>/<resource>
  ["apiextensions.k8s.io/customresourcedefinitions", "apiextensions.k8s.io/customresourcedefinitions"],
]);
// Keys are built on every request: each table entry's storage name is worked out once (by identity).
const storageNameOf = new WeakMap<ResourceInfo, string>();
const storageResource = (r: ResourceInfo) => {
  let name = storageNameOf.get(r);
  if (name === undefined) {
    const s = storedResource(r);
    storageNameOf.set(r, (name = storageNames.get(`${s.group}/${s.resource}`) ?? (s.custom ? `${s.group}/${s.resource}` : s.resource)));
  }
  return name;
};
const resourceOfStorageName = new Map([...storageNames].map(([groupResource, name]) => [name, groupResource.slice(groupResource.indexOf("/") + 1)]));

/** The resource an etcd key holds (its storage name mapped back: minions are nodes), or undefined. */
export function resourceOfKey(key: string): string | undefined {
  const m = /^\/registry\/([a-z0-9.-]+)\/(?:(specs|endpoints)\/)?/.exec(key);
  if (!m) return undefined;
  // a group's name has a dot, a resource's none: /registry/<group>/<resource>/ (CRDs, custom resources)
  if (m[1]!.includes(".")) return /^\/registry\/[a-z0-9.-]+\/([a-z0-9-]+)\//.exec(key)?.[1];
  const name = m[2] !== undefined && m[1] === "services" ? `services/${m[2]}` : m[1]!;
  return resourceOfStorageName.get(name) ?? name;
}

/**
 * storage.PrepareKey, which the watch cache and the etcd store run on every key they are given
 * (the registry's key, /<resource>[/<namespace>][/<name>]): a "." or ".." segment makes no key.
 * A name was refused as a path segment before, so a namespace from the URL is what gets here.
 * The key refused, or undefined for one that may be read.
 */
export function unpreparedKey(r: ResourceInfo, namespace: string | undefined, name?: string): string | undefined {
  const key = `/${storageResource(r)}${r.namespaced && namespace ? `/${namespace}` : ""}${name !== undefined ? `/${name}` : ""}`;
  for (const dots of ["..", "."]) {
    if (key === dots || key.startsWith(`${dots}/`) || key.endsWith(`/${dots}`) || key.includes(`/${dots}/`)) return key;
  }
  return undefined;
}

/** The etcd key of an object: /registry/<resource>/<namespace>/<name>, as the API server lays it out. */
export function storageKey(r: ResourceInfo, namespace: string | undefined, name: string): string {
  const prefix = storageResource(r);
  return r.namespaced ? `/registry/${prefix}/${namespace}/${name}` : `/registry/${prefix}/${name}`;
}

/** The etcd key prefix of a resource, optionally within one namespace. */
export function storagePrefix(r: ResourceInfo, namespace?: string): string {
  const prefix = storageResource(r);
  return r.namespaced && namespace ? `/registry/${prefix}/${namespace}/` : `/registry/${prefix}/`;
}
