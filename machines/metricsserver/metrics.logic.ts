// metrics-server's storage and API (pkg/storage, pkg/api): each container's usage is the rate of
// its cumulative CPU between its last two samples and its last working set; a pod is reported once
// all its containers have a rate, a node as the sum of what runs on it plus its system daemons.
// Pure functions over samples; the answers are the metrics.k8s.io/v1beta1 objects.

import { systemCpuNanoCores, systemMemoryBytes, type ContainerStatsInfo } from "../cri/messages.js";
import { matchesRequirements, parseSelector } from "../common/labels.js";
import { rfc3339 } from "../common/time.js";
import { mutant } from "../common/mutation.js";

/** One node's last two scrapes. */
export interface NodeSamples {
  prev?: readonly ContainerStatsInfo[];
  last?: readonly ContainerStatsInfo[];
  prevAt?: number;
  lastAt?: number;
}

export interface ContainerUsage {
  name: string;
  cpuNanoCores: number;
  memoryBytes: number;
}

export interface PodUsage {
  namespace: string;
  name: string;
  node: string;
  timestamp: number;
  windowMs: number;
  containers: ContainerUsage[];
}


/** Each pod on the node with every container's rate between the node's last two scrapes. */
export function podUsages(node: string, s: NodeSamples): PodUsage[] {
  if (!s.prev || !s.last) return [];
  const before = new Map(s.prev.map((c) => [c.containerId, c]));
  const pods = new Map<string, PodUsage & { complete: boolean }>();
  for (const c of s.last) {
    const key = `${c.podNamespace}/${c.podName}/${c.podUid}`;
    let p = pods.get(key);
    if (!p) pods.set(key, (p = { namespace: c.podNamespace, name: c.podName, node, timestamp: c.timestamp, windowMs: 0, containers: [], complete: true }));
    const b = before.get(c.containerId);
    // a container seen once (just started, or restarted with a new id) has no rate yet
    if (!b || c.timestamp <= b.timestamp || c.cpuUsageCoreNanoSeconds < b.cpuUsageCoreNanoSeconds) { p.complete = false; continue; }
    const windowMs = c.timestamp - b.timestamp;
    p.windowMs = Math.max(p.windowMs, windowMs);
    p.containers.push({ name: c.name, cpuNanoCores: Math.round(((c.cpuUsageCoreNanoSeconds - b.cpuUsageCoreNanoSeconds) * 1000) / windowMs), memoryBytes: c.memoryWorkingSetBytes });
  }
  return [...pods.values()].filter((p) => p.complete || (mutant("metrics.pod-usage-partial-pod") && p.containers.length > 0)).map(({ complete: _c, ...p }) => p);
}

/** A node's usage: its pods' containers plus its system daemons, once it has two scrapes. */
export function nodeUsage(node: string, s: NodeSamples): { cpuNanoCores: number; memoryBytes: number; timestamp: number; windowMs: number } | undefined {
  if (!s.prev || !s.last || s.prevAt === undefined || s.lastAt === undefined) return undefined;
  const pods = podUsages(node, s);
  let cpu = systemCpuNanoCores;
  let mem = systemMemoryBytes;
  for (const p of pods) for (const c of p.containers) { cpu += c.cpuNanoCores; mem += c.memoryBytes; }
  return { cpuNanoCores: cpu, memoryBytes: mem, timestamp: s.lastAt ?? 0, windowMs: (s.lastAt ?? 0) - (s.prevAt ?? 0) };
}

/** CPU as resource.NewScaledQuantity(nanocores, Nano) prints it: "250m" when whole millicores, else "1234567n". */
export function formatNanoCores(n: number): string {
  if (n === 0) return "0";
  if (n % 1_000_000_000 === 0) return String(n / 1_000_000_000);
  if (n % 1_000_000 === 0) return `${n / 1_000_000}m`;
  if (n % 1_000 === 0) return `${n / 1_000}u`;
  return `${n}n`;
}

/** Memory as a BinarySI quantity prints it: the largest suffix that divides it ("150Mi", "1234Ki"). */
export function formatMemory(bytes: number): string {
  for (const [suffix, m] of [["Gi", 2 ** 30], ["Mi", 2 ** 20], ["Ki", 2 ** 10]] as const) if (bytes !== 0 && bytes % m === 0) return `${bytes / m}${suffix}`;
  return String(bytes);
}

/** A Go metav1.Duration as it marshals: "15s", "14.998s". */
export function goDuration(ms: number): string {
  if (ms === 0) return "0s";
  const s = ms / 1000;
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000}m0s`;
  return `${Number.isInteger(s) ? s : s.toFixed(3).replace(/0+$/, "")}s`;
}

const apiVersion = "metrics.k8s.io/v1beta1";

/** A PodMetrics object. */
export function podMetricsObject(p: PodUsage, labels: Record<string, string> | undefined, now: number): object {
  return {
    kind: "PodMetrics", apiVersion,
    metadata: { name: p.name, namespace: p.namespace, creationTimestamp: rfc3339(now), ...(labels && Object.keys(labels).length ? { labels } : {}) },
    timestamp: rfc3339(p.timestamp), window: goDuration(p.windowMs),
    containers: p.containers.map((c) => ({ name: c.name, usage: { cpu: formatNanoCores(c.cpuNanoCores), memory: formatMemory(c.memoryBytes) } })),
  };
}

/** A NodeMetrics object. */
export function nodeMetricsObject(name: string, u: NonNullable<ReturnType<typeof nodeUsage>>, labels: Record<string, string> | undefined, now: number): object {
  return {
    kind: "NodeMetrics", apiVersion,
    metadata: { name, creationTimestamp: rfc3339(now), ...(labels && Object.keys(labels).length ? { labels } : {}) },
    timestamp: rfc3339(u.timestamp), window: goDuration(u.windowMs),
    usage: { cpu: formatNanoCores(u.cpuNanoCores), memory: formatMemory(u.memoryBytes) },
  };
}

/** What the API answers a metrics request with: an object, or a Status. */
export type MetricsAnswer = { ok: true; code: 200; object: object } | { ok: false; code: number; status: object };

const status = (code: number, reason: string, message: string, details?: object): MetricsAnswer =>
  ({ ok: false, code, status: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, ...(details ? { details } : {}), code } });

/** The request the aggregator proxied, reduced to what the metrics API reads. */
export interface MetricsRequest {
  verb: string;
  resource: string;
  namespace?: string;
  name?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** The cluster as metrics-server sees it: its informers' pods and nodes and each node's samples. */
export interface MetricsView {
  samples: ReadonlyMap<string, NodeSamples>;
  podLabels: (namespace: string, name: string) => Record<string, string> | undefined | null;
  nodeLabels: (name: string) => Record<string, string> | undefined | null;
  now: number;
}

/** Serves get and list of pods and nodes (pkg/api's podMetrics and nodeMetrics REST storage). */
export function serveMetrics(req: MetricsRequest, v: MetricsView): MetricsAnswer {
  if (req.verb !== "get" && req.verb !== "list") return status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
  const sel = req.labelSelector ? parseSelector(req.labelSelector) : [];
  if ("error" in sel) return status(400, "BadRequest", sel.error);
  const byName = fieldName(req.fieldSelector);
  if (byName !== undefined && typeof byName !== "string") return status(400, "BadRequest", byName.error);
  if (req.resource === "pods") {
    const items: object[] = [];
    for (const [node, s] of v.samples) {
      for (const p of podUsages(node, s)) {
        const labels = v.podLabels(p.namespace, p.name);
        if (labels === null) continue; // gone from metrics-server's pod informer
        if (req.namespace && p.namespace !== req.namespace) continue;
        if (req.name !== undefined && p.name !== req.name) continue;
        if (byName !== undefined && p.name !== byName) continue;
        if (!matchesRequirements(sel, labels ?? {})) continue;
        items.push(podMetricsObject(p, labels, v.now));
      }
    }
    items.sort(byNamespaceName);
    if (req.verb === "get") return items[0] ? { ok: true, code: 200, object: items[0] } : status(404, "NotFound", `podmetrics.metrics.k8s.io "${req.namespace}/${req.name}" not found`, { name: `${req.namespace}/${req.name}`, group: "metrics.k8s.io", kind: "pods" });
    return { ok: true, code: 200, object: { kind: "PodMetricsList", apiVersion, metadata: {}, items } };
  }
  if (req.resource === "nodes") {
    const items: object[] = [];
    for (const [node, s] of v.samples) {
      const labels = v.nodeLabels(node);
      if (labels === null) continue;
      if (req.name !== undefined && node !== req.name) continue;
      if (byName !== undefined && node !== byName) continue;
      if (!matchesRequirements(sel, labels ?? {})) continue;
      const u = nodeUsage(node, s);
      if (u) items.push(nodeMetricsObject(node, u, labels, v.now));
    }
    items.sort(byNamespaceName);
    if (req.verb === "get") return items[0] ? { ok: true, code: 200, object: items[0] } : status(404, "NotFound", `nodemetrics.metrics.k8s.io "${req.name}" not found`, { name: req.name, group: "metrics.k8s.io", kind: "nodes" });
    return { ok: true, code: 200, object: { kind: "NodeMetricsList", apiVersion, metadata: {}, items } };
  }
  return status(404, "NotFound", "the server could not find the requested resource");
}

function fieldName(fs: string | undefined): string | undefined | { error: string } {
  if (!fs) return undefined;
  const m = /^metadata\.name(==?)(.*)$/.exec(fs);
  if (!m) return { error: `field label not supported: ${fs.split(/[=!]/)[0]}` };
  return m[2];
}

function byNamespaceName(a: any, b: any): number {
  const ka = `${a.metadata.namespace ?? ""}/${a.metadata.name}`;
  const kb = `${b.metadata.namespace ?? ""}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
