// Kinds served at a second version besides the one stored: the REST handler converts request
// bodies to the stored (hub) version and answers in the version asked. autoscaling/v1
// HorizontalPodAutoscaler <-> autoscaling/v2 (pkg/apis/autoscaling/v1/conversion.go, reduced to
// the CPU target v1 carries; other metrics and the conditions v1 keeps in annotations are left out).

import { eventsV1Conversion } from "../common/eventconversion.js";
import type { ResourceInfo } from "./resources.js";

type Obj = any;

export interface Conversion {
  apiVersion: string;
  /**
   * The object at the stored version. `stored` (the object a patch at this version was applied
   * to) gives back what this version cannot say, as Kubernetes' conversion keeps it in annotations.
   */
  toHub(obj: Obj, stored?: Obj): Obj;
  fromHub(obj: Obj): Obj;
}

const cpuTarget = (metrics: Obj[] | undefined) => metrics?.find((m) => m?.type === "Resource" && m.resource?.name === "cpu" && m.resource?.target?.type === "Utilization");

const hpaV1: Conversion = {
  apiVersion: "autoscaling/v1",
  toHub(o, stored) {
    if (!o || typeof o !== "object" || Array.isArray(o)) return o;
    if (stored) return keepV2Only(hpaV1.toHub(o), stored);
    const spec = o.spec && typeof o.spec === "object" ? o.spec : undefined;
    const { targetCPUUtilizationPercentage: pct, ...rest } = spec ?? {};
    const { currentCPUUtilizationPercentage: cur, ...status } = o.status ?? {};
    return {
      ...o, apiVersion: "autoscaling/v2",
      ...(spec ? { spec: { ...rest, ...(pct != null ? { metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: pct } } }] } : {}) } } : {}),
      ...(o.status ? { status: { ...status, ...(cur != null ? { currentMetrics: [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: cur } } }] } : {}) } } : {}),
    };
  },
  fromHub(o) {
    if (!o || o.kind !== "HorizontalPodAutoscaler") return o;
    const { metrics, behavior: _b, ...spec } = o.spec ?? {};
    const { currentMetrics, conditions: _c, ...status } = o.status ?? {};
    const target = cpuTarget(metrics)?.resource.target.averageUtilization;
    const current = currentMetrics?.find((m: Obj) => m?.type === "Resource" && m.resource?.name === "cpu")?.resource?.current?.averageUtilization;
    return {
      ...o, apiVersion: "autoscaling/v1",
      spec: { ...spec, ...(target != null ? { targetCPUUtilizationPercentage: target } : {}) },
      status: { ...status, currentReplicas: status.currentReplicas ?? 0, ...(current != null ? { currentCPUUtilizationPercentage: current } : {}) },
    };
  },
};

// group/resource -> the versions it is also served at, lowest priority last (autoscaling's
// install.go: SetVersionPriority(v2, v1)); discovery and OpenAPI list them from here.
const alternates = new Map<string, ReadonlyMap<string, Conversion>>([["autoscaling/horizontalpodautoscalers", new Map([["v1", hpaV1]])]]);

/** A converted v1 HPA with the v2 parts v1 has no field for taken from the stored one: behavior, the metrics besides the CPU target, the conditions. */
function keepV2Only(hub: Obj, stored: Obj): Obj {
  const others = (stored?.spec?.metrics ?? []).filter((m: Obj) => m !== cpuTarget([m]));
  const metrics = [...(hub.spec?.metrics ?? []), ...others];
  const behavior = stored?.spec?.behavior;
  const conditions = stored?.status?.conditions;
  return {
    ...hub,
    spec: { ...hub.spec, ...(metrics.length ? { metrics } : {}), ...(behavior ? { behavior } : {}) },
    ...(conditions && hub.status ? { status: { ...hub.status, conditions } } : {}),
  };
}

const eventsV1: Conversion = eventsV1Conversion;

// group/resource of a resource stored as another (resources.ts storedAs) -> its conversion to that one's version
const cohabiting = new Map<string, Conversion>([["events.k8s.io/events", eventsV1]]);

/** The conversion of a resource to another version it is served at, or undefined when it is not served there. */
export function alternateVersion(r: ResourceInfo, version: string): Conversion | undefined {
  return alternates.get(`${r.group}/${r.resource}`)?.get(version);
}

/**
 * The conversion a request at group r.group and `version` needs to reach the stored objects: one to
 * another version of the same resource (autoscaling/v1), one to the resource r is stored as
 * (events.k8s.io/v1 to core/v1), or undefined when the request is at the stored version.
 */
export function requestConversion(r: ResourceInfo, version: string): Conversion | undefined {
  if (r.storedAs) return version === r.version ? cohabiting.get(`${r.group}/${r.resource}`) : undefined;
  return version === r.version ? undefined : alternateVersion(r, version);
}

/** Every version a resource is served at, the stored (preferred) one first. */
export function servedVersions(r: ResourceInfo): string[] {
  return [r.version, ...(alternates.get(`${r.group}/${r.resource}`)?.keys() ?? [])];
}

/** An answer (an object, or a list of them) in the version asked. */
export function answerIn(conv: Conversion, obj: Obj): Obj {
  if (obj && Array.isArray(obj.items) && typeof obj.kind === "string" && obj.kind.endsWith("List")) return { ...obj, apiVersion: conv.apiVersion, items: obj.items.map((i: Obj) => conv.fromHub(i)) };
  return conv.fromHub(obj);
}
