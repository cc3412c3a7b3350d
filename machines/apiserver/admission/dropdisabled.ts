// pkg/api/pod's DropDisabledPodFields / DropDisabledTemplateFields for the projected volume sources
// whose feature gates Kubernetes 1.35 leaves off: ClusterTrustBundleProjection (beta since 1.33,
// default off) and PodCertificateRequest (beta in 1.35, default off). A source of a disabled kind
// is dropped on create and update unless the stored spec already uses one; the emptied source stays.

import { mutant } from "../../common/mutation.js";

type Obj = any;

const gatedSources = ["clusterTrustBundle", "podCertificate"] as const;

const projectedSources = (spec: Obj): Obj[] =>
  (Array.isArray(spec?.volumes) ? spec.volumes : []).flatMap((v: Obj) => (Array.isArray(v?.projected?.sources) ? v.projected.sources : []));

/** clusterTrustBundleProjectionInUse / podCertificateProjectionInUse. */
function inUse(spec: Obj, kind: (typeof gatedSources)[number]): boolean {
  return projectedSources(spec).some((s) => s != null && typeof s === "object" && s[kind] != null);
}

/** The pod spec without the disabled sources an old spec did not already use; the same spec when there are none. */
export function dropDisabledProjections(spec: Obj, oldSpec: Obj | undefined): Obj {
  // the mutant forgets the stored spec: an update drops a source the object already used (no ratcheting)
  const drop = gatedSources.filter((k) => inUse(spec, k) && (mutant("admission.drop-disabled-drops-stored-projection") || !inUse(oldSpec, k)));
  if (drop.length === 0) return spec;
  const volumes = spec.volumes.map((v: Obj) => {
    if (!Array.isArray(v?.projected?.sources)) return v;
    const sources = v.projected.sources.map((s: Obj) => {
      if (s == null || typeof s !== "object" || !drop.some((k) => s[k] != null)) return s;
      const out = { ...s };
      for (const k of drop) delete out[k];
      return out;
    });
    return { ...v, projected: { ...v.projected, sources } };
  });
  return { ...spec, volumes };
}

/** The path from an object to its pod spec, for the kinds that hold one (a pod or a pod template). */
function podSpecPath(kind: string): string[] | undefined {
  switch (kind) {
    case "Pod": return ["spec"];
    case "Deployment": case "ReplicaSet": case "DaemonSet": case "StatefulSet": case "ReplicationController": case "Job":
      return ["spec", "template", "spec"];
    case "CronJob": return ["spec", "jobTemplate", "spec", "template", "spec"];
    default: return undefined;
  }
}

const at = (o: Obj, path: readonly string[]): Obj => path.reduce((x, k) => (x != null && typeof x === "object" ? x[k] : undefined), o);

/** Drops the disabled sources from o's pod spec in place (o is the request's own object); old is the stored one on update. */
export function dropDisabledPodSpecFields(o: Obj, old: Obj | undefined): void {
  const path = podSpecPath(o?.kind);
  if (!path) return;
  const spec = at(o, path);
  if (spec == null || typeof spec !== "object") return;
  const next = dropDisabledProjections(spec, old === undefined ? undefined : at(old, path));
  if (next === spec) return;
  const parent = at(o, path.slice(0, -1));
  parent[path[path.length - 1]!] = next;
}
