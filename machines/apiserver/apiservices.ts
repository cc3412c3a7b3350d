// apiregistration.k8s.io/v1 APIService: what kube-aggregator holds for every group/version it
// serves. kube-apiserver's autoregister controller keeps one local APIService per served group
// version (pkg/controlplane/apiserver/aggregator.go apiServicesToRegister and makeAPIService, with
// cmd/kube-apiserver/app/aggregator.go's apiVersionPriorities), the crdregistration controller one
// per CRD version (pkg/controlplane/controller/crdregistration), and the local available controller
// marks every local one Available (kube-aggregator pkg/controllers/status/local). podflow computes
// them from what it serves when asked, as ComponentStatus is: nothing stored, so no seeded run moves.

type Obj = any;

/** A group version's place in discovery: the group's minimum priority and the version's within it. */
export interface APIServicePriority {
  group: number;
  version: number;
}

// DefaultGenericAPIServicePriorities merged with kube-apiserver's own table (the kube entries win);
// a served group version missing here gets no APIService ("Skipping APIService creation").
const priorities: ReadonlyMap<string, APIServicePriority> = new Map(Object.entries({
  "/v1": { group: 18000, version: 1 },
  "apps/v1": { group: 17800, version: 15 },
  "events.k8s.io/v1": { group: 17750, version: 15 },
  "events.k8s.io/v1beta1": { group: 17750, version: 5 },
  "authentication.k8s.io/v1": { group: 17700, version: 15 },
  "authentication.k8s.io/v1beta1": { group: 17700, version: 9 },
  "authentication.k8s.io/v1alpha1": { group: 17700, version: 1 },
  "authorization.k8s.io/v1": { group: 17600, version: 15 },
  "autoscaling/v1": { group: 17500, version: 15 },
  "autoscaling/v2": { group: 17500, version: 30 },
  "autoscaling/v2beta1": { group: 17500, version: 9 },
  "autoscaling/v2beta2": { group: 17500, version: 1 },
  "batch/v1": { group: 17400, version: 15 },
  "batch/v1beta1": { group: 17400, version: 9 },
  "batch/v2alpha1": { group: 17400, version: 9 },
  "certificates.k8s.io/v1": { group: 17300, version: 15 },
  "certificates.k8s.io/v1beta1": { group: 17300, version: 9 },
  "certificates.k8s.io/v1alpha1": { group: 17300, version: 1 },
  "networking.k8s.io/v1": { group: 17200, version: 15 },
  "networking.k8s.io/v1beta1": { group: 17200, version: 9 },
  "policy/v1": { group: 17100, version: 15 },
  "policy/v1beta1": { group: 17100, version: 9 },
  "rbac.authorization.k8s.io/v1": { group: 17000, version: 15 },
  "storage.k8s.io/v1": { group: 16800, version: 15 },
  "storage.k8s.io/v1beta1": { group: 16800, version: 9 },
  "storage.k8s.io/v1alpha1": { group: 16800, version: 1 },
  "apiextensions.k8s.io/v1": { group: 16700, version: 15 },
  "admissionregistration.k8s.io/v1": { group: 16700, version: 15 },
  "admissionregistration.k8s.io/v1beta1": { group: 16700, version: 12 },
  "admissionregistration.k8s.io/v1alpha1": { group: 16700, version: 9 },
  "scheduling.k8s.io/v1": { group: 16600, version: 15 },
  "coordination.k8s.io/v1": { group: 16500, version: 15 },
  "coordination.k8s.io/v1beta1": { group: 16500, version: 13 },
  "coordination.k8s.io/v1alpha2": { group: 16500, version: 12 },
  "node.k8s.io/v1": { group: 16300, version: 15 },
  "node.k8s.io/v1beta1": { group: 16300, version: 9 },
  "node.k8s.io/v1alpha1": { group: 16300, version: 1 },
  "discovery.k8s.io/v1": { group: 16200, version: 15 },
  "discovery.k8s.io/v1beta1": { group: 16200, version: 12 },
  "flowcontrol.apiserver.k8s.io/v1": { group: 16100, version: 21 },
  "flowcontrol.apiserver.k8s.io/v1beta3": { group: 16100, version: 18 },
  "flowcontrol.apiserver.k8s.io/v1beta2": { group: 16100, version: 15 },
  "flowcontrol.apiserver.k8s.io/v1beta1": { group: 16100, version: 12 },
  "flowcontrol.apiserver.k8s.io/v1alpha1": { group: 16100, version: 9 },
  "internal.apiserver.k8s.io/v1alpha1": { group: 16000, version: 9 },
  "storagemigration.k8s.io/v1beta1": { group: 15800, version: 9 },
}));

/** The priority kube-apiserver registers a built-in group version at, or undefined when it registers none. */
export function apiServicePriority(group: string, version: string): APIServicePriority | undefined {
  return priorities.get(`${group}/${version}`);
}

// autoregister's AutoRegisterManagedLabel: "onstart" for what the API server serves itself (synced
// once at start), "true" for what a CRD serves (synced while the CRD is there)
const managedLabel = "kube-aggregator.kubernetes.io/automanaged";

// helper.NewLocalAvailableAPIServiceCondition
const localAvailable = (at: string) => ({ type: "Available", status: "True", lastTransitionTime: at, reason: "Local", message: "Local APIServices are always available" });

function localAPIService(group: string, version: string, p: APIServicePriority, managed: "onstart" | "true", at: string): Obj {
  return {
    kind: "APIService", apiVersion: "apiregistration.k8s.io/v1",
    metadata: { name: `${version}.${group}`, creationTimestamp: at, labels: { [managedLabel]: managed } },
    // Spec.Group is omitempty: the core group's "v1." has none
    spec: { ...(group !== "" ? { group } : {}), version, groupPriorityMinimum: p.group, versionPriority: p.version },
    status: { conditions: [localAvailable(at)] },
  };
}

/** What the aggregator is told of the API server and of the CRDs. */
export interface APIServiceSources {
  /** every group version the API server serves itself ("" for core), built-ins only */
  served: readonly { group: string; version: string }[];
  /** when the API server started: the autoregister controller's first sync */
  startedAt: string;
  /** the stored CustomResourceDefinitions */
  crds: readonly Obj[];
  /** the APIServices installed with an extension server (metrics-server's), as its manifest writes them */
  remote: readonly Obj[];
}

/** Every APIService, in etcd key (name) order. */
export function apiServices(src: APIServiceSources): Obj[] {
  const byName = new Map<string, Obj>();
  for (const { group, version } of src.served) {
    const p = apiServicePriority(group, version);
    if (p !== undefined) byName.set(`${version}.${group}`, localAPIService(group, version, p, "onstart", src.startedAt));
  }
  for (const o of src.remote) byName.set(o.metadata.name, o);
  // handleVersionUpdate: a CRD's served version gets GroupPriorityMinimum 1000 and VersionPriority
  // 100 unless an APIService is already registered for it; it goes when no CRD serves it any more
  for (const crd of [...src.crds].sort(byCreation)) {
    const group = crd.spec?.group;
    if (typeof group !== "string") continue;
    for (const v of Array.isArray(crd.spec?.versions) ? crd.spec.versions : []) {
      const name = `${v?.name}.${group}`;
      if (v?.served !== true || byName.has(name)) continue;
      byName.set(name, localAPIService(group, v.name, { group: 1000, version: 100 }, "true", crd.metadata?.creationTimestamp ?? src.startedAt));
    }
  }
  return [...byName.values()].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
}

// the first CRD to serve a group version made its APIService
const byCreation = (a: Obj, b: Obj) => String(a.metadata?.creationTimestamp ?? "").localeCompare(String(b.metadata?.creationTimestamp ?? "")) || String(a.metadata?.name).localeCompare(String(b.metadata?.name));

/**
 * metrics-server's APIService as its release manifest (components.yaml) registers it, with the
 * remote available controller's verdict once its discovery answers (status/remote: "Passed").
 */
export function metricsServerAPIService(createdAt: string): Obj {
  return {
    kind: "APIService", apiVersion: "apiregistration.k8s.io/v1",
    metadata: { name: "v1beta1.metrics.k8s.io", creationTimestamp: createdAt, labels: { "k8s-app": "metrics-server" } },
    // SetDefaults_ServiceReference: the port is 443 when the manifest names none
    spec: { service: { namespace: "kube-system", name: "metrics-server", port: 443 }, group: "metrics.k8s.io", version: "v1beta1", insecureSkipTLSVerify: true, groupPriorityMinimum: 100, versionPriority: 100 },
    status: { conditions: [{ type: "Available", status: "True", lastTransitionTime: createdAt, reason: "Passed", message: "all checks passed" }] },
  };
}
