// The kubelet's HTTPS server (pkg/kubelet/server, port 10250) as nodes/<name>/proxy reaches it:
// /healthz, /logs/ (the node's /var/log through Go's http.FileServer), /pods (the pod manager's pods), /stats/summary (the Summary API), /metrics/resource
// (what metrics-server scrapes), /metrics (the PLEG's running pod and container gauges, the feature gates) and /configz (the running KubeletConfiguration, as kubeadm writes
// it). Pure: each answer is rendered from the node's pods and its runtime's container samples.

import { clusterDNS, systemCpuNanoCores, systemMemoryBytes, type ContainerInfo, type ContainerSample, type PodSandboxInfo } from "../cri/messages.js";
import { featureGates135 } from "../common/featuregates.js";
import { parseQuantity } from "../common/quantity.js";
import { rfc3339 } from "../common/time.js";
import { mutant } from "../common/mutation.js";
import { clusterDomain } from "./containerfiles.js";
import { goDuration } from "./events.js";
import { leaseDurationSeconds, nodeStatusReportFrequencyMs, nodeStatusUpdateFrequencyMs } from "./node.js";

/** A directory of the node's filesystem as the runtime keeps it: names to subdirectories or file texts (an immutable Map). */
export interface DirTree {
  getIn(path: readonly string[]): unknown;
  get(name: string): unknown;
  keys(): IterableIterator<string>;
}

export interface KubeletServerInput {
  node: string;
  /** the Node as the API server holds it: its creation is the machine's boot, its capacity the memory */
  nodeObj: any;
  /** the kubelet's --cluster-dns when not 10.96.0.10 (an IPv6 cluster's fd00:10:96::a) */
  clusterDNS?: string;
  now: number;
  samples: readonly ContainerSample[];
  /** the pods bound to the node, as the kubelet's pod manager holds them */
  pods: readonly any[];
  /** the node's /var/log */
  varLog: DirTree;
  /** the runtime's sandboxes and containers, as the PLEG's relist lists them */
  sandboxes: readonly Pick<PodSandboxInfo, "podUid" | "state">[];
  containers: readonly Pick<ContainerInfo, "state">[];
}

export interface KubeletAnswer {
  status: number;
  contentType: string;
  body: string;
  /** a redirect's Location */
  location?: string;
}

const textPlain = "text/plain; charset=utf-8";
const notFound: KubeletAnswer = { status: 404, contentType: textPlain, body: "404 page not found\n" };

/** One request to the kubelet's server: the path as the proxy forwards it (query included). */
export function kubeletServe(method: string, path: string, input: KubeletServerInput): KubeletAnswer {
  const route = path.split("?")[0]!;
  if (route === "/healthz") return { status: 200, contentType: textPlain, body: "ok" };
  // the metrics handlers are promhttp's, on the mux: they answer whatever the method
  if (route === "/metrics") return kubeletMetrics(input);
  if (route === "/logs" || route.startsWith("/logs/")) return method === "GET" || method === "HEAD" ? logFile(route.slice("/logs".length), input.varLog) : { status: 405, contentType: textPlain, body: "405: Method Not Allowed" };
  const handler = route === "/pods" || route === "/pods/" ? podList
    : route === "/stats/summary" || route === "/stats/summary/" ? summaryJSON
    : route === "/metrics/resource" ? resourceMetrics
    : route === "/configz" ? configz
    : undefined;
  if (handler === undefined) return notFound;
  // go-restful's routes answer GET only (the mux's /configz too)
  if (method !== "GET" && method !== "HEAD") return { status: 405, contentType: textPlain, body: "405: Method Not Allowed" };
  return handler(input);
}

/** /pods: encodePods, a v1 PodList of the pod manager's pods (typed objects: no kind on the items). */
function podList(input: KubeletServerInput): KubeletAnswer {
  const items = input.pods.map(({ kind: _k, apiVersion: _v, ...pod }) => pod);
  return { status: 200, contentType: "application/json", body: `${JSON.stringify({ kind: "PodList", apiVersion: "v1", metadata: {}, items })}\n` };
}

interface CpuStats { time: string; usageNanoCores: number; usageCoreNanoSeconds: number }
interface MemoryStats { time: string; availableBytes?: number; usageBytes: number; workingSetBytes: number }

const cpuOf = (time: number, nanoCores: number, coreNanos: number): CpuStats => ({ time: rfc3339(time), usageNanoCores: nanoCores, usageCoreNanoSeconds: coreNanos });
const memoryOf = (time: number, workingSet: number, limit?: number): MemoryStats => ({ time: rfc3339(time), ...(limit !== undefined ? { availableBytes: Math.max(0, limit - workingSet) } : {}), usageBytes: workingSet, workingSetBytes: workingSet });

function startOf(o: any, fallback: number): number {
  const t = Date.parse(o?.metadata?.creationTimestamp ?? "");
  return Number.isNaN(t) ? fallback : t;
}

function memoryCapacity(node: any): number | undefined {
  const q = node?.status?.capacity?.memory;
  return typeof q === "string" ? parseQuantity(q) : undefined;
}

/** The pods that have running containers, in namespace and name order, each with its containers' samples. */
function podsWithSamples(input: KubeletServerInput): { pod: any; uid: string; samples: ContainerSample[] }[] {
  const byUid = new Map<string, ContainerSample[]>();
  for (const s of input.samples) {
    const of = byUid.get(s.podUid);
    if (of === undefined) byUid.set(s.podUid, [s]);
    else of.push(s);
  }
  const known = new Map(input.pods.map((p) => [p.metadata?.uid as string, p]));
  return [...byUid].map(([uid, samples]) => ({ uid, samples, pod: known.get(uid) }))
    .sort((a, b) => cmp(a.samples[0]!.podNamespace, b.samples[0]!.podNamespace) || cmp(a.samples[0]!.podName, b.samples[0]!.podName));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The Summary API (k8s.io/kubelet/pkg/apis/stats/v1alpha1): the node, its pods cgroup and each pod's containers. */
export function summary(input: KubeletServerInput): any {
  const { now } = input;
  const boot = startOf(input.nodeObj, now);
  const pods = podsWithSamples(input).map(({ pod, uid, samples }) => {
    const first = samples[0]!;
    const podStart = Date.parse(pod?.status?.startTime ?? "");
    const containers = samples.map((s) => ({
      name: s.name, startTime: rfc3339(s.startedAt),
      cpu: cpuOf(s.time, s.usageNanoCores, s.usageCoreNanoSeconds), memory: memoryOf(s.time, s.workingSetBytes, s.memoryLimitBytes),
    }));
    return {
      podRef: { name: first.podName, namespace: first.podNamespace, uid },
      startTime: rfc3339(Number.isNaN(podStart) ? Math.min(...samples.map((s) => s.startedAt)) : podStart),
      containers,
      cpu: cpuOf(now, sum(samples, (s) => s.usageNanoCores), sum(samples, (s) => s.usageCoreNanoSeconds)),
      memory: memoryOf(now, sum(samples, (s) => s.workingSetBytes)),
    };
  });
  const podsCpu = sum(input.samples, (s) => s.usageNanoCores);
  const podsCoreNanos = sum(input.samples, (s) => s.usageCoreNanoSeconds);
  const podsMemory = sum(input.samples, (s) => s.workingSetBytes);
  const capacity = memoryCapacity(input.nodeObj);
  // the node's own daemons (kubelet, containerd, the OS) run beside the pods since boot, as metrics-server counts them
  const systemCoreNanos = Math.round((systemCpuNanoCores * Math.max(0, now - boot)) / 1000);
  return {
    node: {
      nodeName: input.node,
      systemContainers: [{ name: "pods", startTime: rfc3339(boot), cpu: cpuOf(now, podsCpu, podsCoreNanos), memory: memoryOf(now, podsMemory, capacity) }],
      startTime: rfc3339(boot),
      cpu: cpuOf(now, podsCpu + systemCpuNanoCores, podsCoreNanos + systemCoreNanos),
      memory: memoryOf(now, podsMemory + systemMemoryBytes, capacity),
    },
    pods,
  };
}

const sum = <T>(xs: readonly T[], f: (x: T) => number) => xs.reduce((n, x) => n + f(x), 0);

/** go-restful writes its JSON answers pretty-printed with a one-space indent. */
function summaryJSON(input: KubeletServerInput): KubeletAnswer {
  return { status: 200, contentType: "application/json", body: JSON.stringify(summary(input), null, " ") };
}

/** strconv.FormatFloat(v, 'g', -1, 64), as Prometheus' text format writes a sample. */
export function goFloat(v: number): string {
  if (v === 0) return "0";
  const shortest = v.toExponential();
  const exp = Number(shortest.slice(shortest.indexOf("e") + 1));
  // for the shortest form Go decides with precision 6: %e below 1e-4 and from 1e6
  return exp < -4 || exp >= (mutant("kubelet.metrics-float-exponent-late") ? 21 : 6) ? goExponent(shortest) : String(v);
}

function goExponent(js: string): string {
  const [mantissa, e] = js.split("e") as [string, string];
  const sign = e.startsWith("-") ? "-" : "+";
  const digits = e.replace(/^[+-]/, "");
  return `${mantissa}e${sign}${digits.padStart(2, "0")}`;
}

interface Family { name: string; help: string; level?: "ALPHA" | "BETA"; type: "counter" | "gauge"; samples: { labels: [string, string][]; value: number; time?: number }[] }

/** CRI's container states as kubecontainer names them (the container_state label). */
const kubecontainerState: Record<ContainerInfo["state"], string> = { CONTAINER_CREATED: "created", CONTAINER_RUNNING: "running", CONTAINER_EXITED: "exited" };

/**
 * /metrics: the kubelet's own registry, of which podflow has the node's name and what the PLEG's
 * relist sets (updateRunningPodAndContainerMetrics): pods with a ready sandbox, containers by state.
 */
function kubeletMetrics(input: KubeletServerInput): KubeletAnswer {
  const byState = new Map<string, number>();
  for (const c of input.containers) byState.set(kubecontainerState[c.state], (byState.get(kubecontainerState[c.state]) ?? 0) + 1);
  // the mutant counts the pods of stopped sandboxes too
  const runningPods = new Set(input.sandboxes.filter((s) => s.state === "SANDBOX_READY" || mutant("kubelet.metrics-running-pods-counts-stopped")).map((s) => s.podUid)).size;
  return { status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8; escaping=underscores", body: exposition([
    { name: "kubelet_node_name", help: "The node's name. The count is always 1.", level: "ALPHA", type: "gauge", samples: [{ labels: [["node", input.node]], value: 1 }] },
    { name: "kubelet_running_containers", help: "Number of containers currently running", level: "ALPHA", type: "gauge", samples: [...byState].map(([state, n]) => ({ labels: [["container_state", state]], value: n })) },
    { name: "kubelet_running_pods", help: "Number of pods that have a running pod sandbox", level: "ALPHA", type: "gauge", samples: [{ labels: [], value: runningPods }] },
    // the kubelet records its feature gates at start (AddMetrics), one series per gate
    { name: "kubernetes_feature_enabled", help: featureEnabledHelp, level: "BETA", type: "gauge", samples: featureGates135.map((g) => ({ labels: [["name", g.name], ["stage", g.stage]], value: g.enabled ? 1 : 0 })) },
  ]) };
}

/** /metrics/resource (pkg/kubelet/metrics/collectors/resource_metrics.go), families and samples in the registry's sorted order. */
function resourceMetrics(input: KubeletServerInput): KubeletAnswer {
  const s = summary(input);
  const containerLabels = (p: any, c: any): [string, string][] => [["container", c.name], ["namespace", p.podRef.namespace], ["pod", p.podRef.name]];
  const podLabels = (p: any): [string, string][] => [["namespace", p.podRef.namespace], ["pod", p.podRef.name]];
  const at = (t: string) => Date.parse(t);
  const containers = s.pods.flatMap((p: any) => p.containers.map((c: any) => ({ p, c })));
  const families: Family[] = [
    { name: "container_cpu_usage_seconds_total", help: "Cumulative cpu time consumed by the container in core-seconds", type: "counter", samples: containers.map(({ p, c }: any) => ({ labels: containerLabels(p, c), value: c.cpu.usageCoreNanoSeconds / 1e9, time: at(c.cpu.time) })) },
    { name: "container_memory_working_set_bytes", help: "Current working set of the container in bytes", type: "gauge", samples: containers.map(({ p, c }: any) => ({ labels: containerLabels(p, c), value: c.memory.workingSetBytes, time: at(c.memory.time) })) },
    { name: "container_start_time_seconds", help: "Start time of the container since unix epoch in seconds", type: "gauge", samples: containers.map(({ p, c }: any) => ({ labels: containerLabels(p, c), value: at(c.startTime) / 1000 })) },
    { name: "node_cpu_usage_seconds_total", help: "Cumulative cpu time consumed by the node in core-seconds", type: "counter", samples: [{ labels: [], value: s.node.cpu.usageCoreNanoSeconds / 1e9, time: at(s.node.cpu.time) }] },
    { name: "node_memory_working_set_bytes", help: "Current working set of the node in bytes", type: "gauge", samples: [{ labels: [], value: s.node.memory.workingSetBytes, time: at(s.node.memory.time) }] },
    { name: "pod_cpu_usage_seconds_total", help: "Cumulative cpu time consumed by the pod in core-seconds", type: "counter", samples: s.pods.map((p: any) => ({ labels: podLabels(p), value: p.cpu.usageCoreNanoSeconds / 1e9, time: at(p.cpu.time) })) },
    { name: "pod_memory_working_set_bytes", help: "Current working set of the pod in bytes", type: "gauge", samples: s.pods.map((p: any) => ({ labels: podLabels(p), value: p.memory.workingSetBytes, time: at(p.memory.time) })) },
    { name: "resource_scrape_error", help: "1 if there was an error while getting container metrics, 0 otherwise", type: "gauge", samples: [{ labels: [], value: 0 }] },
  ];
  return { status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: exposition(families) };
}

const featureEnabledHelp = "This metric records the data about the stage and enablement of a k8s feature.";

/** The text exposition of families in the registry's sorted order: each with HELP (its stability level first) and TYPE. */
function exposition(families: readonly Family[]): string {
  const lines: string[] = [];
  for (const f of families) {
    // an empty family is not written
    if (f.samples.length === 0) continue;
    lines.push(`# HELP ${f.name} [${f.level ?? "STABLE"}] ${f.help}`, `# TYPE ${f.name} ${f.type}`);
    const rows = f.samples.map((x) => ({ key: x.labels.map(([, v]) => v).join("\u0000"), line: `${f.name}${x.labels.length > 0 ? `{${x.labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}` : ""} ${goFloat(x.value)}${x.time !== undefined ? ` ${x.time}` : ""}` }));
    rows.sort((a, b) => cmp(a.key, b.key));
    lines.push(...rows.map((r) => r.line));
  }
  return `${lines.join("\n")}\n`;
}

const escapeLabel = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');

/** /configz: the KubeletConfiguration the kubelet runs with (kubeadm's file over the v1beta1 defaults), with podflow's values where it acts on them. */
function configz(input: KubeletServerInput): KubeletAnswer {
  const maxPods = Number(input.nodeObj?.status?.capacity?.pods ?? 110);
  const kubeletconfig = {
    enableServer: true, staticPodPath: "/etc/kubernetes/manifests", podLogsDir: "/var/log/pods",
    syncFrequency: "1m0s", fileCheckFrequency: "20s", httpCheckFrequency: "20s", address: "0.0.0.0", port: 10250, rotateCertificates: true,
    authentication: { x509: { clientCAFile: "/etc/kubernetes/pki/ca.crt" }, webhook: { enabled: true, cacheTTL: "2m0s" }, anonymous: { enabled: false } },
    authorization: { mode: "Webhook", webhook: { cacheAuthorizedTTL: "5m0s", cacheUnauthorizedTTL: "30s" } },
    registryPullQPS: 5, registryBurst: 10, eventRecordQPS: 50, eventBurst: 100, enableDebuggingHandlers: true,
    healthzPort: 10248, healthzBindAddress: "127.0.0.1", oomScoreAdj: -999,
    clusterDomain, clusterDNS: [input.clusterDNS ?? clusterDNS], streamingConnectionIdleTimeout: "4h0m0s",
    nodeStatusUpdateFrequency: goDuration(nodeStatusUpdateFrequencyMs), nodeStatusReportFrequency: goDuration(nodeStatusReportFrequencyMs), nodeLeaseDurationSeconds: leaseDurationSeconds,
    imageMinimumGCAge: "2m0s", imageMaximumGCAge: "0s", imageGCHighThresholdPercent: 85, imageGCLowThresholdPercent: 80, volumeStatsAggPeriod: "1m0s",
    cgroupsPerQOS: true, cgroupDriver: "systemd", cpuManagerPolicy: "none", cpuManagerReconcilePeriod: "10s", memoryManagerPolicy: "None",
    topologyManagerPolicy: "none", topologyManagerScope: "container", runtimeRequestTimeout: "2m0s", hairpinMode: "promiscuous-bridge",
    maxPods: Number.isFinite(maxPods) ? maxPods : 110, podPidsLimit: -1, resolvConf: "/etc/resolv.conf", cpuCFSQuota: true, cpuCFSQuotaPeriod: "100ms",
    nodeStatusMaxImages: 50, maxOpenFiles: 1000000, contentType: "application/vnd.kubernetes.protobuf", kubeAPIQPS: 50, kubeAPIBurst: 100, serializeImagePulls: true,
    evictionHard: { "imagefs.available": "15%", "imagefs.inodesFree": "5%", "memory.available": "100Mi", "nodefs.available": "10%", "nodefs.inodesFree": "5%" },
    evictionPressureTransitionPeriod: "5m0s", enableControllerAttachDetach: true, makeIPTablesUtilChains: true, iptablesMasqueradeBit: 14, iptablesDropBit: 15,
    failSwapOn: true, memorySwap: {}, containerLogMaxSize: "10Mi", containerLogMaxFiles: 5, containerLogMaxWorkers: 1, containerLogMonitorInterval: "10s",
    configMapAndSecretChangeDetectionStrategy: "Watch", enforceNodeAllocatable: ["pods"], volumePluginDir: "/usr/libexec/kubernetes/kubelet-plugins/volume/exec/",
    logging: { format: "text", flushFrequency: "5s", verbosity: 0, options: { text: { infoBufferSize: "0" }, json: { infoBufferSize: "0" } } },
    enableSystemLogHandler: true, enableSystemLogQuery: false, shutdownGracePeriod: "0s", shutdownGracePeriodCriticalPods: "0s", crashLoopBackOff: {},
    enableProfilingHandler: true, enableDebugFlagsHandler: true, seccompDefault: false, memoryThrottlingFactor: 0.9, registerNode: true,
    localStorageCapacityIsolation: true, containerRuntimeEndpoint: "unix:///var/run/containerd/containerd.sock", failCgroupV1: false,
  };
  return { status: 200, contentType: "application/json", body: JSON.stringify({ kubeletconfig }) };
}

/**
 * /logs/: http.FileServer over /var/log. A directory is its sorted listing (dirList), one reached
 * without its trailing slash a redirect to it; a file is its text; anything else the 404 Go writes.
 */
function logFile(rest: string, varLog: DirTree): KubeletAnswer {
  const parts = rest.split("/").filter((p) => p !== "");
  if (parts.some((p) => p === "." || p === "..")) return { status: 400, contentType: textPlain, body: "invalid URL path\n" };
  const entry = parts.length === 0 ? varLog : varLog.getIn(parts);
  if (entry === undefined) return { status: 404, contentType: textPlain, body: "404 page not found\n" };
  if (typeof entry === "string") {
    if (rest.endsWith("/")) return { status: 404, contentType: textPlain, body: "404 page not found\n" };
    return { status: 200, contentType: textPlain, body: entry };
  }
  // localRedirect: a Location relative to the directory, no body
  if (!rest.endsWith("/")) return { status: 301, contentType: textPlain, body: "", location: `${parts[parts.length - 1] ?? "logs"}/` };
  const dir = entry as DirTree;
  // "" is where a directory keeps its inodes' attrs (the memfs' own entry), no file
  const names = [...dir.keys()].filter((n) => n !== "").sort().map((n) => (typeof dir.get(n) === "string" ? n : `${n}/`));
  const links = names.map((n) => `<a href="${encodeURI(n).replace(/\?/g, "%3F").replace(/#/g, "%23")}">${escapeHtml(n)}</a>\n`).join("");
  return { status: 200, contentType: "text/html; charset=utf-8", body: `<!doctype html>\n<meta name="viewport" content="width=device-width">\n<pre>\n${links}</pre>\n` };
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&#34;").replace(/'/g, "&#39;");
