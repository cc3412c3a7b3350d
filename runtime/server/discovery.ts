// Discovery documents, built from the one resource table: /version, /api, /apis, the
// per-group-version APIResourceLists and aggregated discovery (apidiscovery.k8s.io/v2),
// which kubectl 1.30+ asks for first.

import { apiVersionOf, resources, type ResourceInfo } from "../../machines/apiserver/resources.js";
import { servedVersions } from "../../machines/apiserver/conversion.js";
import { compareKubeAwareVersions } from "../../machines/apiserver/crds.js";

/** The gitVersion this model answers with. */
export const serverGitVersion = "v1.35.0";

/** The media type of aggregated discovery documents. */
export const aggregatedDiscoveryType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

// Resources kubectl's "all" category covers (the categories field of their REST storage), by
// group/resource: metrics-server's pods (metrics.k8s.io) are in no category.
const allCategory = new Set([
  "/pods", "/services", "/replicationcontrollers", "apps/deployments", "apps/replicasets", "apps/daemonsets", "apps/statefulsets",
  "batch/jobs", "batch/cronjobs", "autoscaling/horizontalpodautoscalers",
]);
const inAll = (r: ResourceInfo) => allCategory.has(`${r.group}/${r.resource}`);
/** The categories a resource is listed in: "all" for the built-ins above, a custom resource's from its CRD. */
const categoriesOf = (r: ResourceInfo): readonly string[] | undefined => (inAll(r) ? ["all"] : r.categories);

/** The resources served: the built-in table, then the custom resources the established CRDs serve. */
export type Served = readonly ResourceInfo[];
const builtIn: Served = resources;
const withCustom = (custom: Served): Served => (custom.length === 0 ? builtIn : [...builtIn, ...custom]);

// discovery lists a CRD group's versions in kube-aware order, the highest priority first
const kubeAwareOrder = (a: string, b: string): number => compareKubeAwareVersions(b, a);

/** The response kind and verbs of a subresource served at a version, as kube-apiserver registers them. */
export function subresourceInfo(r: ResourceInfo, sub: string, version: string): { group: string; version: string; kind: string; verbs: string[] } {
  switch (sub) {
    case "scale": return { group: "autoscaling", version: "v1", kind: "Scale", verbs: ["get", "patch", "update"] };
    case "binding": return { group: "", version: "v1", kind: "Binding", verbs: ["create"] };
    case "eviction": return { group: "policy", version: "v1", kind: "Eviction", verbs: ["create"] };
    case "token": return { group: "authentication.k8s.io", version: "v1", kind: "TokenRequest", verbs: ["create"] };
    case "log": return { group: "", version: "v1", kind: "Pod", verbs: ["get"] };
    case "exec": return { group: "", version: "v1", kind: "PodExecOptions", verbs: ["create", "get"] };
    case "attach": return { group: "", version: "v1", kind: "PodAttachOptions", verbs: ["create", "get"] };
    case "portforward": return { group: "", version: "v1", kind: "PodPortForwardOptions", verbs: ["create", "get"] };
    // ProxyREST is a Connecter of GET, POST, PUT, PATCH, DELETE (HEAD and OPTIONS map to no verb)
    case "proxy": return { group: "", version: "v1", kind: `${r.kind}ProxyOptions`, verbs: ["create", "delete", "get", "patch", "update"] };
    // FinalizeREST has Update only
    case "finalize": return { group: r.group, version, kind: r.kind, verbs: ["update"] };
    default: return { group: r.group, version, kind: r.kind, verbs: ["get", "patch", "update"] };
  }
}

/** The /version document of a v1.35.0 server. */
export function versionInfo(): object {
  return {
    major: "1", minor: "35", emulationMajor: "1", emulationMinor: "35", minCompatibilityMajor: "1", minCompatibilityMinor: "34",
    gitVersion: serverGitVersion, gitCommit: "0000000000000000000000000000000000000000", gitTreeState: "clean",
    buildDate: "2025-12-17T00:00:00Z", goVersion: "go1.25.5", compiler: "gc", platform: "linux/amd64",
  };
}

/** The named API groups served (core excluded), in discovery order. */
export function namedGroups(custom: Served = []): string[] {
  return [...new Set(withCustom(custom).filter((r) => r.group !== "").map((r) => r.group))];
}

/** The /api document (APIVersions). */
export function apiVersions(serverAddress: string): object {
  return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }] };
}

/** The versions a group is served at, its preferred one first (autoscaling: v2, then v1). */
function versionsOf(group: string, custom: Served = []): string[] {
  const versions = [...new Set(withCustom(custom).filter((r) => r.group === group).flatMap(servedVersions))];
  // a CRD's group lists its versions in kube-aware order (the built-in groups' order is their own)
  return custom.some((r) => r.group === group) ? versions.sort(kubeAwareOrder) : versions;
}

/** The resources of a group served at a version. */
function resourcesAt(group: string, version: string, custom: Served = []): ResourceInfo[] {
  return withCustom(custom).filter((r) => r.group === group && servedVersions(r).includes(version));
}

const groupVersion = (group: string, version: string) => ({ groupVersion: `${group}/${version}`, version });

/** The name, versions and preferred version of a named group, as APIGroup and APIGroupList carry them. */
function groupEntry(group: string, custom: Served = []): { name: string; versions: object[]; preferredVersion: object } {
  const versions = versionsOf(group, custom).map((v) => groupVersion(group, v));
  return { name: group, versions, preferredVersion: versions[0]! };
}

/** The APIGroup document of one named group, or undefined when it is not served. */
export function apiGroup(group: string, custom: Served = []): object | undefined {
  if (!namedGroups(custom).includes(group)) return undefined;
  return { kind: "APIGroup", apiVersion: "v1", ...groupEntry(group, custom) };
}

/** The /apis document (APIGroupList). */
export function apiGroupList(custom: Served = []): object {
  return {
    kind: "APIGroupList", apiVersion: "v1",
    groups: namedGroups(custom).map((g) => groupEntry(g, custom)),
  };
}

/** The APIResourceList of a group version ("" for core), or undefined when it is not served. */
export function apiResourceList(group: string, version: string, custom: Served = []): object | undefined {
  const rs = resourcesAt(group, version, custom);
  if (rs.length === 0) return undefined;
  const list: object[] = [];
  for (const r of rs) {
    list.push({
      name: r.resource, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs,
      ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
      ...(categoriesOf(r) ? { categories: categoriesOf(r) } : {}),
    });
    for (const sub of r.subresources) {
      const s = subresourceInfo(r, sub, version);
      list.push({
        name: `${r.resource}/${sub}`, singularName: "", namespaced: r.namespaced,
        ...(s.group !== r.group || sub === "scale" ? { group: s.group, version: s.version } : {}),
        kind: s.kind, verbs: s.verbs,
      });
    }
  }
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: group === "" ? version : `${group}/${version}`, resources: list };
}

function discoveryResource(r: ResourceInfo, version: string): object {
  return {
    resource: r.resource,
    responseKind: { group: r.group, version, kind: r.kind },
    scope: r.namespaced ? "Namespaced" : "Cluster",
    singularResource: r.singular,
    verbs: r.verbs,
    ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
    ...(categoriesOf(r) ? { categories: categoriesOf(r) } : {}),
    ...(r.subresources.length
      ? {
          subresources: r.subresources.map((sub) => {
            const s = subresourceInfo(r, sub, version);
            return { subresource: sub, responseKind: { group: s.group, version: s.version, kind: s.kind }, verbs: s.verbs };
          }),
        }
      : {}),
  };
}

/** The aggregated discovery document of /api (core: true) or /apis (core: false). */
export function aggregatedDiscovery(core: boolean, custom: Served = []): object {
  const groups = core ? [""] : namedGroups(custom);
  return {
    kind: "APIGroupDiscoveryList", apiVersion: "apidiscovery.k8s.io/v2", metadata: {},
    items: groups.map((g) => ({
      metadata: g === "" ? { creationTimestamp: null } : { name: g, creationTimestamp: null },
      versions: versionsOf(g, custom).map((v) => ({ version: v, resources: resourcesAt(g, v, custom).map((r) => discoveryResource(r, v)), freshness: "Current" })),
    })),
  };
}

/** Whether an Accept header asks for aggregated discovery v2. */
export function wantsAggregated(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(",").some((part) => {
    const p = part.replace(/\s+/g, "");
    return p.includes("g=apidiscovery.k8s.io") && p.includes("v=v2;") && p.includes("as=APIGroupDiscoveryList") && !p.includes("v=v2beta1");
  });
}

export { apiVersionOf };
