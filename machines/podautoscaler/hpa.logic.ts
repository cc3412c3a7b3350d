// reconcileAutoscaler's decisions (pkg/controller/podautoscaler/horizontal.go), pure: given the
// HPA, its target's scale, the pods the scale selects and their metrics, what the desired
// replicas are, which conditions and events follow, and the status to write.

import type { Pod } from "kubernetes-types/core/v1";
import { rfc3339 } from "../common/time.js";
import { formatQty, milliValue } from "../common/quantity.js";
import { containerMetricsFrom, downscaleStabilisationWindowMs, normalizeDesiredReplicas, normalizeWithBehaviors, podMetricsFrom, rawResourceReplicas, resourceReplicas, storeScaleEvent, type Recommendation, type ScaleEvent } from "./replica.logic.js";
import { mutant } from "../common/mutation.js";

type Obj = any;

export interface HPAEvent { type: "Normal" | "Warning"; reason: string; message: string }
type Condition = { type: string; status: "True" | "False" | "Unknown"; reason: string; message: string };

/** What the controller remembers of one HPA between reconciles. */
export interface HPAMemory {
  recommendations: Recommendation[];
  upEvents: ScaleEvent[];
  downEvents: ScaleEvent[];
}

export const emptyMemory: HPAMemory = { recommendations: [], upEvents: [], downEvents: [] };

/** The outcome of a reconcile before any write: the replicas to set (if a rescale), conditions, events, metric statuses. */
export interface Decision {
  currentReplicas: number;
  desiredReplicas: number;
  rescale: boolean;
  rescaleReason: string;
  conditions: Condition[];
  events: HPAEvent[];
  currentMetrics?: Obj[];
  memory: HPAMemory;
  /** a metrics failure: only currentReplicas and the metrics go to status */
  metricsFailed?: boolean;
}

const metricName = (resource: string) => `${resource} resource utilization (percentage of request)`;

/** What reconcileAutoscaler decides once the scale, pods and metrics are read (pods and metrics undefined when it needs none). */
export function decide(hpa: Obj, scale: Obj, pods: readonly Pod[] | undefined, metricsList: Obj | undefined, memory: HPAMemory, now: number): Decision {
  const conditions: Condition[] = [{ type: "AbleToScale", status: "True", reason: "SucceededGetScale", message: "the HPA controller was able to get the target's current scale" }];
  const events: HPAEvent[] = [];
  const currentReplicas: number = scale?.spec?.replicas ?? 0;
  const minReplicas: number = hpa.spec?.minReplicas ?? 1;
  const maxReplicas: number = hpa.spec?.maxReplicas ?? 0;
  let desiredReplicas = 0;
  let rescaleReason = "";
  if (currentReplicas === 0 && minReplicas !== 0) {
    conditions.push({ type: "ScalingActive", status: "False", reason: "ScalingDisabled", message: "scaling is disabled since the replica count of the target is zero" });
    return { currentReplicas, desiredReplicas: 0, rescale: false, rescaleReason, conditions, events, memory };
  }
  if (currentReplicas > maxReplicas) {
    rescaleReason = "Current number of replicas above Spec.MaxReplicas";
    desiredReplicas = maxReplicas;
  } else if (currentReplicas < minReplicas) {
    rescaleReason = "Current number of replicas below Spec.MinReplicas";
    desiredReplicas = minReplicas;
  } else {
    const computed = computeReplicasForMetrics(hpa, currentReplicas, pods ?? [], metricsList, now);
    events.push(...computed.events);
    if (computed.replicas === -1) {
      conditions.push(computed.activeCondition);
      events.push({ type: "Warning", reason: "FailedComputeMetricsReplicas", message: computed.summary });
      return { currentReplicas, desiredReplicas: hpa.status?.desiredReplicas ?? 0, rescale: false, rescaleReason, conditions, events, memory, metricsFailed: true, ...(computed.statuses.length ? { currentMetrics: computed.statuses } : {}) };
    }
    conditions.push(computed.activeCondition);
    desiredReplicas = computed.replicas;
    if (desiredReplicas > currentReplicas) rescaleReason = `${computed.metric} above target`;
    if (desiredReplicas < currentReplicas) rescaleReason = "All metrics below target";
    const windowMs = downscaleStabilisationWindowMs;
    const n = hpa.spec?.behavior
      ? normalizeWithBehaviors(memory.recommendations, memory.upEvents, memory.downEvents, hpa.spec.behavior, currentReplicas, desiredReplicas, minReplicas, maxReplicas, now, windowMs)
      : normalizeDesiredReplicas(memory.recommendations, currentReplicas, desiredReplicas, minReplicas, maxReplicas, now, windowMs);
    conditions[0] = { type: "AbleToScale", status: "True", ...n.ableToScale };
    conditions.push({ type: "ScalingLimited", ...n.limited });
    memory = { ...memory, recommendations: n.history };
    return { currentReplicas, desiredReplicas: n.replicas, rescale: n.replicas !== currentReplicas, rescaleReason, conditions, events, memory, currentMetrics: computed.statuses };
  }
  return { currentReplicas, desiredReplicas, rescale: desiredReplicas !== currentReplicas, rescaleReason, conditions, events, memory };
}

/** computeReplicasForMetrics: the largest proposal of the HPA's metrics, or -1 when none could be computed. */
function computeReplicasForMetrics(hpa: Obj, currentReplicas: number, pods: readonly Pod[], metricsList: Obj | undefined, now: number) {
  const specs: Obj[] = hpa.spec?.metrics ?? [];
  const statuses: Obj[] = [];
  const events: HPAEvent[] = [];
  let replicas = -1;
  let metric = "";
  let invalid = 0;
  let firstError = "";
  let activeCondition: Condition = { type: "ScalingActive", status: "False", reason: "FailedGetResourceMetric", message: "" };
  for (const spec of specs) {
    const r = proposal(spec, hpa.metadata?.namespace ?? "", currentReplicas, pods, metricsList, now);
    if ("error" in r) {
      invalid++;
      statuses.push({ type: "" });
      events.push({ type: "Warning", reason: r.reason, message: r.error });
      if (!firstError) {
        firstError = r.wrapped ?? `failed to get ${spec?.resource?.name ?? ""} resource metric value: ${r.error}`;
        activeCondition = { type: "ScalingActive", status: "False", reason: r.reason, message: `the HPA was unable to compute the replica count: ${r.error}` };
      }
      continue;
    }
    statuses.push(r.status);
    // the mutant takes the smallest proposal of several metrics instead of the largest
    if (replicas === -1 || (mutant("hpa.multiple-metrics-takes-lowest") ? r.replicas < replicas : r.replicas > replicas)) { replicas = r.replicas; metric = r.metric; }
  }
  // all invalid, or some invalid and the valid ones would scale down: no scaling on a partial view
  if (invalid > 0 && (invalid === specs.length || replicas === -1 || replicas < currentReplicas)) {
    return { replicas: -1, metric, statuses: statuses.filter((s) => s.type !== ""), events, activeCondition, summary: `invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${firstError}` };
  }
  return { replicas, metric, statuses, events, summary: "", activeCondition: { type: "ScalingActive", status: "True", reason: "ValidMetricFound", message: `the HPA was able to successfully calculate a replica count from ${metric}` } as Condition };
}

// The cluster registers no custom.metrics.k8s.io APIService (no adapter), as kind has none: the
// custom metrics client's discovery finds no group (apiVersionsFromDiscovery).
const noCustomMetricsAPI = "unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered";

function proposal(spec: Obj, namespace: string, currentReplicas: number, pods: readonly Pod[], metricsList: Obj | undefined, now: number):
  { replicas: number; metric: string; status: Obj } | { error: string; reason: string; wrapped?: string } {
  // GetMetricReplicas: "unable to get metric <name>: <err>", wrapped by computeReplicasForMetric
  if (spec?.type === "Pods") {
    const error = `unable to get metric ${spec.pods?.metric?.name ?? ""}: ${noCustomMetricsAPI}`;
    return { error, reason: "FailedGetPodsMetric", wrapped: `failed to get pods metric value: ${error}` };
  }
  // GetObjectMetricReplicas' format names the kind, then the namespace and the object's name and the error together
  if (spec?.type === "Object") {
    const o = spec.object ?? {};
    const error = `unable to get metric ${o.metric?.name ?? ""}: ${o.describedObject?.kind ?? ""} on ${namespace} ${o.describedObject?.name ?? ""}/${noCustomMetricsAPI}`;
    return { error, reason: "FailedGetObjectMetric", wrapped: `failed to get object metric value: ${error}` };
  }
  if (spec?.type === "ContainerResource" && spec.containerResource) return containerResourceProposal(spec.containerResource, currentReplicas, pods, metricsList, now);
  if (spec?.type !== "Resource" || !spec.resource) return { error: `unable to get metric of type ${spec?.type ?? ""}: not served by podflow's metrics APIs`, reason: "FailedGetResourceMetric" };
  const resource: string = spec.resource.name;
  const target = spec.resource.target ?? {};
  const metrics = podMetricsFrom(metricsList, resource);
  // an AverageValue target is compared with the pods' raw average (computeStatusForResourceMetric)
  if (target.averageValue != null) {
    const r = rawResourceReplicas(currentReplicas, milliValue(target.averageValue), resource, pods, metrics, now);
    if ("error" in r) return { error: `failed to get ${resource} usage: ${r.error}`, reason: "FailedGetResourceMetric" };
    return { replicas: r.replicas, metric: `${resource} resource`, status: { type: "Resource", resource: { name: resource, current: { averageValue: decimal(r.usage) } } } };
  }
  if (target.averageUtilization == null) return { error: "invalid resource metric source: neither a utilization target nor a value target was set", reason: "FailedGetResourceMetric" };
  const r = resourceReplicas(currentReplicas, target.averageUtilization, resource, pods, metrics, now);
  if ("error" in r) return { error: `failed to get ${resource} utilization: ${r.error}`, reason: "FailedGetResourceMetric" };
  return {
    replicas: r.replicas, metric: metricName(resource),
    status: { type: "Resource", resource: { name: resource, current: { averageValue: decimal(r.rawAverage), averageUtilization: r.utilization } } },
  };
}

/** setConditionInList: a condition's lastTransitionTime moves only when its status does. */
export function mergeConditions(old: readonly Obj[] | undefined, updates: readonly Condition[], now: number): Obj[] {
  const out: Obj[] = (old ?? []).map((c) => ({ ...c }));
  for (const u of updates) {
    const i = out.findIndex((c) => c.type === u.type);
    if (i < 0) out.push({ ...u, lastTransitionTime: rfc3339(now) });
    // the mutant stamps every write, not only a change of status
    else out[i] = { ...u, lastTransitionTime: out[i].status === u.status && !mutant("hpa.condition-transition-time-always-now") ? out[i].lastTransitionTime : rfc3339(now) };
  }
  return out;
}

/** setStatus: the status the reconcile writes (lastScaleTime moved on a rescale). */
export function nextStatus(hpa: Obj, d: Decision, conditions: Obj[], rescaled: boolean, now: number): Obj {
  const old = hpa.status ?? {};
  return {
    ...(hpa.metadata?.generation != null ? { observedGeneration: hpa.metadata.generation } : {}),
    ...(rescaled ? { lastScaleTime: rfc3339(now) } : old.lastScaleTime ? { lastScaleTime: old.lastScaleTime } : {}),
    ...(d.currentReplicas ? { currentReplicas: d.currentReplicas } : {}),
    desiredReplicas: d.metricsFailed ? (old.desiredReplicas ?? 0) : d.desiredReplicas,
    ...(d.currentMetrics && d.currentMetrics.length ? { currentMetrics: d.currentMetrics } : {}),
    conditions,
  };
}

/** A rescale is remembered in its direction (storeScaleEvent), for the behavior's rate policies. */
export function rememberRescale(memory: HPAMemory, behavior: Obj, from: number, to: number, now: number): HPAMemory {
  if (!behavior) return memory;
  const longest = (rules: Obj) => Math.max(0, ...((rules?.policies ?? []) as Obj[]).map((p) => p.periodSeconds ?? 0));
  if (to > from) return { ...memory, upEvents: storeScaleEvent(memory.upEvents, to - from, longest(behavior.scaleUp), now) };
  if (to < from) return { ...memory, downEvents: storeScaleEvent(memory.downEvents, from - to, longest(behavior.scaleDown), now) };
  return memory;
}

/**
 * computeStatusForContainerResourceMetric: as a Resource metric, over one container's usage and
 * request in each pod (the metrics client's getContainerMetrics, calculatePodRequests for it).
 */
function containerResourceProposal(src: Obj, currentReplicas: number, pods: readonly Pod[], metricsList: Obj | undefined, now: number):
  { replicas: number; metric: string; status: Obj } | { error: string; reason: string; wrapped?: string } {
  const resource: string = src.name ?? "";
  const container: string = src.container ?? "";
  const target = src.target ?? {};
  const fail = (error: string) => ({ error, reason: "FailedGetContainerResourceMetric", wrapped: `failed to get ${container} container metric value: ${error}` });
  const metrics = containerMetricsFrom(metricsList, resource, container);
  if (target.averageValue != null) {
    if ("error" in metrics) return fail(`failed to get ${resource} usage: unable to get metrics for resource ${resource}: ${metrics.error}`);
    const r = rawResourceReplicas(currentReplicas, milliValue(target.averageValue), resource, pods, metrics, now);
    if ("error" in r) return fail(`failed to get ${resource} usage: ${r.error}`);
    return { replicas: r.replicas, metric: `${resource} resource`, status: { type: "ContainerResource", containerResource: { name: resource, container, current: { averageValue: decimal(r.usage) } } } };
  }
  if (target.averageUtilization == null) return fail("invalid resource metric source: neither an average utilization target nor an average value (usage) target was set");
  if ("error" in metrics) return fail(`failed to get ${resource} utilization: unable to get metrics for resource ${resource}: ${metrics.error}`);
  const r = resourceReplicas(currentReplicas, target.averageUtilization, resource, pods, metrics, now, container);
  if ("error" in r) return fail(`failed to get ${resource} utilization: ${r.error}`);
  return {
    replicas: r.replicas, metric: `${resource} container resource utilization (percentage of request)`,
    status: { type: "ContainerResource", containerResource: { name: resource, container, current: { averageValue: decimal(r.rawAverage), averageUtilization: r.utilization } } },
  };
}

/** resource.NewMilliQuantity(v, DecimalSI) as it prints: canonical ("2M", "500m"). */
function decimal(milli: number): string {
  return formatQty({ milli, binary: false });
}
