// The HorizontalPodAutoscaler's arithmetic, ported in meaning from
// pkg/controller/podautoscaler: replica_calculator.go (GetResourceReplicas, groupPods,
// calculatePodRequests), metrics/utilization.go (GetResourceUtilizationRatio) and horizontal.go
// (stabilizeRecommendation, convertDesiredReplicasWithRules, the behavior variants and the scale
// events they count). Pure: times are passed in, histories are returned, never changed.

import type { Pod } from "kubernetes-types/core/v1";
import { milliValue } from "../common/quantity.js";
import { toMs } from "../common/time.js";
import { mutant } from "../common/mutation.js";

type Obj = any;

/** --horizontal-pod-autoscaler-tolerance */
export const tolerance = 0.1;
/** --horizontal-pod-autoscaler-cpu-initialization-period */
export const cpuInitializationPeriodMs = 5 * 60_000;
/** --horizontal-pod-autoscaler-initial-readiness-delay */
export const delayOfInitialReadinessStatusMs = 30_000;
/** --horizontal-pod-autoscaler-downscale-stabilization: the window when behavior sets none */
export const downscaleStabilisationWindowMs = 300_000;
/** scaleUpLimitFactor and scaleUpLimitMinimum of the behavior-less rule */
const scaleUpLimitFactor = 2;
const scaleUpLimitMinimum = 4;

/** One pod's usage as the metrics client reads it from PodMetrics (millicores), with its sample's time and window. */
export interface PodMetric {
  value: number;
  timestamp: number;
  windowMs: number;
}

/** The metrics client's getResourceMetric: each pod's summed container usage of the resource, from a PodMetricsList. */
export function podMetricsFrom(list: Obj, resource: string): Map<string, PodMetric> {
  const out = new Map<string, PodMetric>();
  for (const m of list?.items ?? []) {
    let sum = 0;
    let missing = (m.containers ?? []).length === 0;
    for (const c of m.containers ?? []) {
      const v = c.usage?.[resource];
      if (v === undefined) { missing = true; break; }
      sum += milliValue(v);
    }
    if (!missing) out.set(m.metadata?.name ?? "", { value: sum, timestamp: toMs(m.timestamp) ?? 0, windowMs: windowMs(m.window) });
  }
  return out;
}

/** getContainerMetrics: one container's usage per pod (a pod whose metrics lack the container is an error; one without the resource is left out). */
export function containerMetricsFrom(list: Obj, resource: string, container: string): Map<string, PodMetric> | { error: string } {
  const out = new Map<string, PodMetric>();
  for (const m of list?.items ?? []) {
    const c = (m.containers ?? []).find((x: Obj) => x?.name === container);
    if (c === undefined) return { error: `container ${container} not present in metrics for pod ${m.metadata?.namespace ?? ""}/${m.metadata?.name ?? ""}` };
    const v = c.usage?.[resource];
    if (v !== undefined) out.set(m.metadata?.name ?? "", { value: milliValue(v), timestamp: toMs(m.timestamp) ?? 0, windowMs: windowMs(m.window) });
  }
  return out;
}

function windowMs(w: unknown): number {
  const m = typeof w === "string" ? /^(?:(\d+)m)?(?:([\d.]+)s)?$/.exec(w) : null;
  return m ? Math.round((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 1000) : 0;
}

/** groupPods: which pods count as ready with a metric, which are unready, missing a metric, or ignored (deleted, failed). */
export function groupPods(pods: readonly Pod[], metrics: ReadonlyMap<string, PodMetric>, resource: string, now: number): { readyPodCount: number; unready: Set<string>; missing: Set<string>; ignored: Set<string> } {
  const unready = new Set<string>();
  const missing = new Set<string>();
  const ignored = new Set<string>();
  let readyPodCount = 0;
  for (const pod of pods) {
    const name = pod.metadata?.name ?? "";
    // the mutant counts a pod being deleted as any other: its metric joins the average
    if ((pod.metadata?.deletionTimestamp && !mutant("hpa.deleted-pods-counted")) || pod.status?.phase === "Failed") { ignored.add(name); continue; }
    if (pod.status?.phase === "Pending") { unready.add(name); continue; }
    const metric = metrics.get(name);
    if (!metric) { missing.add(name); continue; }
    if (resource === "cpu") {
      const cond = pod.status?.conditions?.find((c) => c.type === "Ready");
      const start = toMs(pod.status?.startTime);
      let isUnready: boolean;
      if (!cond || start === undefined) isUnready = true;
      else {
        const transition = toMs(cond.lastTransitionTime) ?? 0;
        // within the initialisation period a pod's CPU counts only once a whole window follows its readiness
        if (start + cpuInitializationPeriodMs > now) isUnready = cond.status === "False" || metric.timestamp < transition + metric.windowMs;
        else isUnready = cond.status === "False" && start + delayOfInitialReadinessStatusMs > transition;
      }
      if (isUnready) { unready.add(name); continue; }
    }
    readyPodCount++;
  }
  return { readyPodCount, unready, missing, ignored };
}

/**
 * calculatePodRequests: each pod's summed requests of the resource (millicores) over its containers
 * and restartable (sidecar) init containers, or only the named container's (a ContainerResource
 * metric); else the first counted container without one.
 */
export function podRequests(pods: readonly Pod[], resource: string, container = ""): Map<string, number> | { error: string } {
  const out = new Map<string, number>();
  for (const pod of pods) {
    let sum = 0;
    // the mutant sums the regular containers only, not the sidecars (restartable init containers)
    const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === "Always" && !mutant("hpa.sidecar-requests-ignored"));
    for (const c of [...(pod.spec?.containers ?? []), ...sidecars]) {
      if (container !== "" && c.name !== container) continue;
      const r = c.resources?.requests?.[resource];
      if (r === undefined) return { error: `missing request for ${resource} in container ${c.name} of Pod ${pod.metadata?.name ?? ""}` };
      sum += milliValue(r);
    }
    out.set(pod.metadata?.name ?? "", sum);
  }
  return out;
}

/** GetResourceUtilizationRatio: usage over requests of the pods with both, as a percentage, its ratio to the target, and the average raw usage. */
export function utilizationRatio(metrics: ReadonlyMap<string, { value: number }>, requests: ReadonlyMap<string, number>, target: number): { ratio: number; utilization: number; rawAverage: number } | { error: string } {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let n = 0;
  for (const [pod, m] of metrics) {
    const r = requests.get(pod);
    if (r === undefined) continue;
    metricsTotal += m.value;
    requestsTotal += r;
    n++;
  }
  if (requestsTotal === 0) return { error: "no metrics returned matched known pods" };
  // the mutant rounds the utilization to the nearest percent (Go's integer division truncates)
  const utilization = (mutant("hpa.utilization-rounded") ? Math.round : Math.trunc)((metricsTotal * 100) / requestsTotal);
  return { ratio: utilization / target, utilization, rawAverage: Math.trunc(metricsTotal / n) };
}

/** What both replica calculations start from: the pods' metrics without the ignored and unready pods, their oldest timestamp and the pods' grouping; or why there is nothing to count. */
function countedMetrics(resource: string, pods: readonly Pod[], metricsIn: ReadonlyMap<string, PodMetric>, now: number):
  { metrics: Map<string, PodMetric>; timestamp: number; readyPodCount: number; unready: Set<string>; missing: Set<string> } | { error: string } {
  if (metricsIn.size === 0) return { error: `unable to get metrics for resource ${resource}: no metrics returned from resource metrics API` };
  if (pods.length === 0) return { error: "no pods returned by selector while calculating replica count" };
  const metrics = new Map(metricsIn);
  const timestamp = Math.min(...[...metricsIn.values()].map((m) => m.timestamp));
  const { readyPodCount, unready, missing, ignored } = groupPods(pods, metrics, resource, now);
  for (const p of [...ignored, ...unready]) metrics.delete(p);
  if (metrics.size === 0) return { error: "did not receive metrics for targeted pods (pods might be unready)" };
  return { metrics, timestamp, readyPodCount, unready, missing };
}

/** What GetResourceReplicas answers: the replica count and the utilization behind it, or why it cannot. */
export type ReplicaResult = { replicas: number; utilization: number; rawAverage: number; timestamp: number } | { error: string };

/** GetResourceReplicas: the replica count for a utilization target, with unready and missing pods taken the conservative way. */
export function resourceReplicas(currentReplicas: number, target: number, resource: string, pods: readonly Pod[], metricsIn: ReadonlyMap<string, PodMetric>, now: number, container = ""): ReplicaResult {
  const g = countedMetrics(resource, pods, metricsIn, now);
  if ("error" in g) return g;
  const { metrics, timestamp, readyPodCount, unready, missing } = g;
  const requests = podRequests(pods, resource, container);
  if ("error" in requests) return requests;
  const first = utilizationRatio(metrics, requests, target);
  if ("error" in first) return first;
  const { ratio, utilization, rawAverage } = first;
  const scaleUpWithUnready = unready.size > 0 && ratio > 1.0;
  if (!scaleUpWithUnready && missing.size === 0) {
    if (Math.abs(1.0 - ratio) <= tolerance && !mutant("hpa.ignores-tolerance")) return { replicas: currentReplicas, utilization, rawAverage, timestamp };
    return { replicas: Math.ceil(ratio * readyPodCount), utilization, rawAverage, timestamp };
  }
  if (missing.size > 0 && ratio !== 1.0) {
    // on a scale-down a pod without a metric counts as using its whole request (or the target, above 100%); on a scale-up as using nothing
    const fallback = Math.max(100, target);
    for (const p of missing) metrics.set(p, { value: ratio < 1.0 || mutant("hpa.missing-metrics-full-on-scale-up") ? Math.trunc(((requests.get(p) ?? 0) * fallback) / 100) : 0, timestamp: 0, windowMs: 0 });
  }
  if (scaleUpWithUnready) for (const p of unready) metrics.set(p, { value: 0, timestamp: 0, windowMs: 0 });
  const again = utilizationRatio(metrics, requests, target);
  if ("error" in again) return again;
  const newRatio = again.ratio;
  if (Math.abs(1.0 - newRatio) <= tolerance || (ratio < 1.0 && newRatio > 1.0) || (ratio > 1.0 && newRatio < 1.0)) return { replicas: currentReplicas, utilization, rawAverage, timestamp };
  const newReplicas = Math.ceil(newRatio * metrics.size);
  if ((newRatio < 1.0 && newReplicas > currentReplicas) || (newRatio > 1.0 && newReplicas < currentReplicas)) return { replicas: currentReplicas, utilization, rawAverage, timestamp };
  return { replicas: newReplicas, utilization, rawAverage, timestamp };
}

/**
 * GetRawResourceReplicas with calcPlainMetricReplicas: an AverageValue target (milli-units) against
 * the pods' average usage (GetMetricUsageRatio), no requests needed; a missing pod counts as using
 * the target on a scale-down and nothing on a scale-up, an unready one nothing on a scale-up.
 */
export function rawResourceReplicas(currentReplicas: number, targetMilli: number, resource: string, pods: readonly Pod[], metricsIn: ReadonlyMap<string, PodMetric>, now: number): { replicas: number; usage: number; timestamp: number } | { error: string } {
  const g = countedMetrics(resource, pods, metricsIn, now);
  if ("error" in g) return g;
  const { metrics, timestamp, readyPodCount, unready, missing } = g;
  const usageRatio = (m: ReadonlyMap<string, PodMetric>) => {
    const usage = Math.trunc([...m.values()].reduce((a, x) => a + x.value, 0) / m.size);
    return { ratio: usage / targetMilli, usage };
  };
  const { ratio, usage } = usageRatio(metrics);
  const scaleUpWithUnready = unready.size > 0 && ratio > 1.0;
  if (!scaleUpWithUnready && missing.size === 0) {
    if (Math.abs(1.0 - ratio) <= tolerance) return { replicas: currentReplicas, usage, timestamp };
    return { replicas: Math.ceil(ratio * readyPodCount), usage, timestamp };
  }
  if (missing.size > 0 && ratio !== 1.0) for (const p of missing) metrics.set(p, { value: ratio < 1.0 ? targetMilli : 0, timestamp: 0, windowMs: 0 });
  if (scaleUpWithUnready) for (const p of unready) metrics.set(p, { value: 0, timestamp: 0, windowMs: 0 });
  const newRatio = usageRatio(metrics).ratio;
  if (Math.abs(1.0 - newRatio) <= tolerance || (ratio < 1.0 && newRatio > 1.0) || (ratio > 1.0 && newRatio < 1.0)) return { replicas: currentReplicas, usage, timestamp };
  const newReplicas = Math.ceil(newRatio * metrics.size);
  if ((newRatio < 1.0 && newReplicas > currentReplicas) || (newRatio > 1.0 && newReplicas < currentReplicas)) return { replicas: currentReplicas, usage, timestamp };
  return { replicas: newReplicas, usage, timestamp };
}

/** A recommendation the controller remembers per HPA, and a scale event (replicas added or removed) per direction. */
export interface Recommendation { replicas: number; at: number }
export interface ScaleEvent { change: number; at: number; outdated: boolean }

/** stabilizeRecommendation (no behavior): the highest recommendation within the window; the oldest expired one is replaced by this one. */
export function stabilizeRecommendation(history: readonly Recommendation[], desired: number, now: number, windowMs: number): { replicas: number; history: Recommendation[] } {
  let max = desired;
  let old = -1;
  const cutoff = now - windowMs;
  history.forEach((r, i) => {
    // the mutant lets a recommendation made exactly a window ago drop out
    if (r.at < cutoff || (r.at === cutoff && mutant("hpa.stabilization-window-edge-excluded"))) old = i;
    else if (mutant("hpa.stabilization-takes-lowest") ? r.replicas < max : r.replicas > max) max = r.replicas;
  });
  const next = [...history];
  if (old >= 0) next[old] = { replicas: desired, at: now };
  else next.push({ replicas: desired, at: now });
  return { replicas: max, history: next };
}

/** A normalization's result: the replicas, and the AbleToScale and ScalingLimited reasons it gives. */
export interface Normalized {
  replicas: number;
  history: Recommendation[];
  ableToScale: { reason: string; message: string };
  limited: { status: "True" | "False"; reason: string; message: string };
}

/** convertDesiredReplicasWithRules: min and max, and no faster than double (at least 4) per sync. */
export function convertDesiredReplicasWithRules(current: number, desired: number, min: number, max: number): { replicas: number; reason: string; message: string } {
  const scaleUpLimit = (mutant("hpa.scale-up-limit-smaller-of-double-and-four") ? Math.min : Math.max)(scaleUpLimitFactor * current, scaleUpLimitMinimum);
  const [minimumAllowed, minReason, minMessage] = min === 0 ? [1, "TooFewReplicas", "the desired replica count is zero"] : [min, "TooFewReplicas", "the desired replica count is less than the minimum replica count"];
  const [maximumAllowed, maxReason, maxMessage] = max > scaleUpLimit
    ? [scaleUpLimit, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate"]
    : [max, "TooManyReplicas", "the desired replica count is more than the maximum replica count"];
  if (desired < minimumAllowed) return { replicas: minimumAllowed, reason: minReason, message: minMessage };
  if (desired > maximumAllowed) return { replicas: maximumAllowed, reason: maxReason, message: maxMessage };
  return { replicas: desired, reason: "DesiredWithinRange", message: "the desired count is within the acceptable range" };
}

/** normalizeDesiredReplicas: an HPA without behavior. */
export function normalizeDesiredReplicas(history: readonly Recommendation[], current: number, desired: number, min: number, max: number, now: number, downscaleWindowMs: number): Normalized {
  const s = stabilizeRecommendation(history, desired, now, downscaleWindowMs);
  const ableToScale = s.replicas !== desired
    ? { reason: "ScaleDownStabilized", message: "recent recommendations were higher than current one, applying the highest recent recommendation" }
    : { reason: "ReadyForNewScale", message: "recommended size matches current size" };
  const c = convertDesiredReplicasWithRules(current, s.replicas, min, max);
  return { replicas: c.replicas, history: s.history, ableToScale, limited: { status: c.replicas === s.replicas ? "False" : "True", reason: c.reason, message: c.message } };
}

/** getReplicasChangePerPeriod: replicas added (or removed) by the events within the period. */
function changeInPeriod(periodSeconds: number, events: readonly ScaleEvent[], now: number): number {
  const cutoff = now - periodSeconds * 1000;
  let sum = 0;
  for (const e of events) if ((e.at > cutoff || (mutant("hpa.policy-period-edge-included") && e.at === cutoff)) && !e.outdated) sum += e.change;
  return sum;
}

/** calculateScaleUpLimitWithScalingRules. */
export function scaleUpLimit(current: number, events: readonly ScaleEvent[], rules: Obj, now: number): number {
  if (rules.selectPolicy === "Disabled" && !mutant("hpa.scale-up-disabled-ignored")) return current;
  const useMin = rules.selectPolicy === "Min";
  let result = useMin ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
  for (const p of rules.policies ?? []) {
    const start = current - changeInPeriod(p.periodSeconds, events, now);
    // the mutant rounds a Percent policy's scale-up limit down
    const proposed = p.type === "Pods" ? start + p.value : (mutant("hpa.scale-up-percent-rounds-down") ? Math.floor : Math.ceil)(start * (1 + p.value / 100));
    result = useMin ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return result;
}

/** calculateScaleDownLimitWithBehaviors. */
export function scaleDownLimit(current: number, events: readonly ScaleEvent[], rules: Obj, now: number): number {
  if (rules.selectPolicy === "Disabled") return current;
  const useMin = rules.selectPolicy === "Min";
  let result = useMin ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
  for (const p of rules.policies ?? []) {
    const start = current + changeInPeriod(p.periodSeconds, events, now);
    const proposed = p.type === "Pods" ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    // the mutant reads selectPolicy as scale-up does: Min takes the lowest proposal (the largest scale-down)
    result = useMin !== mutant("hpa.scale-down-select-policy-inverted") ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

/** normalizeDesiredReplicasWithBehaviors: both stabilization windows, then the scale rate policies. */
export function normalizeWithBehaviors(history: readonly Recommendation[], upEvents: readonly ScaleEvent[], downEvents: readonly ScaleEvent[], behavior: Obj, current: number, desired: number, min: number, max: number, now: number, downscaleWindowMs: number): Normalized {
  const up = behavior.scaleUp ?? {};
  const down = behavior.scaleDown ?? {};
  const upCutoff = now - (up.stabilizationWindowSeconds ?? 0) * 1000;
  const downCutoff = now - (down.stabilizationWindowSeconds != null ? down.stabilizationWindowSeconds * 1000 : downscaleWindowMs);
  let upRec = desired;
  let downRec = desired;
  let old = -1;
  history.forEach((r, i) => {
    // the mutant takes the highest recommendation of the scale-up window, as scale-down does
    if (r.at > upCutoff) upRec = (mutant("hpa.scale-up-window-takes-highest") ? Math.max : Math.min)(r.replicas, upRec);
    if (r.at > downCutoff) downRec = Math.max(r.replicas, downRec);
    if (r.at < upCutoff && r.at < downCutoff) old = i;
  });
  let stabilized = Math.min(Math.max(current, upRec), downRec);
  const next = [...history];
  if (old >= 0) next[old] = { replicas: desired, at: now };
  else next.push({ replicas: desired, at: now });
  const ableToScale = stabilized !== desired
    ? (desired >= current
      ? { reason: "ScaleUpStabilized", message: "recent recommendations were lower than current one, applying the lowest recent recommendation" }
      : { reason: "ScaleDownStabilized", message: "recent recommendations were higher than current one, applying the highest recent recommendation" })
    : { reason: "ReadyForNewScale", message: "recommended size matches current size" };
  let reason = "DesiredWithinRange";
  let message = "the desired count is within the acceptable range";
  let replicas = stabilized;
  if (stabilized > current) {
    const limit = Math.max(scaleUpLimit(current, upEvents, up, now), current);
    const [allowed, r, m] = max > limit ? [limit, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate"] : [max, "TooManyReplicas", "the desired replica count is more than the maximum replica count"];
    if (stabilized > allowed) { replicas = allowed; reason = r; message = m; }
  } else if (stabilized < current) {
    const limit = Math.min(scaleDownLimit(current, downEvents, down, now), current);
    const [allowed, r, m] = min < limit ? [limit, "ScaleDownLimit", "the desired replica count is decreasing faster than the maximum scale rate"] : [min, "TooFewReplicas", "the desired replica count is less than the minimum replica count"];
    if (stabilized < allowed) { replicas = allowed; reason = r; message = m; }
  }
  stabilized = stabilized | 0;
  return { replicas, history: next, ableToScale, limited: { status: replicas === stabilized ? "False" : "True", reason, message } };
}

/** storeScaleEvent: a rescale is remembered in its direction, replacing the oldest outdated event (older than the longest policy period). */
export function storeScaleEvent(events: readonly ScaleEvent[], change: number, longestPeriodSeconds: number, now: number): ScaleEvent[] {
  const cutoff = now - longestPeriodSeconds * 1000;
  const next = events.map((e) => (e.at < cutoff && !e.outdated ? { ...e, outdated: true } : e));
  const i = next.findIndex((e) => e.outdated);
  if (i >= 0) next[i] = { change, at: now, outdated: false };
  else next.push({ change, at: now, outdated: false });
  return next;
}
