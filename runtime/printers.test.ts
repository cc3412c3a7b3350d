import { describe, it, expect } from "vitest";
import type { ContainerStatus, Pod } from "kubernetes-types/core/v1";
import { formatAge, tableFor, renderTable, podSummary, formatEndpoints, selectorString } from "./printers.js";

const now = Date.parse("2025-01-01T12:00:00Z");
const ago = (ms: number) => new Date(now - ms).toISOString();
const cs = (name: string, extra: Partial<ContainerStatus>): ContainerStatus => ({ name, image: "img", imageID: "", ready: false, restartCount: 0, ...extra });
const pod = (status: Pod["status"], spec: Partial<Pod["spec"]> = {}, meta: Pod["metadata"] = {}): Pod => ({
  metadata: { name: "test1", creationTimestamp: ago(600_000), ...meta },
  spec: { containers: [{ name: "c1" }, { name: "c2" }], ...spec } as Pod["spec"],
  status,
});

describe("formatAge matches duration.HumanDuration", () => {
  const rows: [string, number, string][] = [
    ["More than a second in the future is invalid.", -2000, "<invalid>"],
    ["Up to a second in the future counts as now.", -1500, "0s"],
    ["Under two minutes prints seconds.", 119_000, "119s"],
    ["Two minutes prints whole minutes.", 120_000, "2m"],
    ["Under ten minutes prints minutes and seconds.", 182_000, "3m2s"],
    ["Ten minutes to three hours prints minutes.", 179 * 60_000, "179m"],
    ["Three to eight hours prints hours and minutes.", 5 * 3_600_000 + 3 * 60_000, "5h3m"],
    ["Whole hours drop the minutes.", 3 * 3_600_000, "3h"],
    ["Eight to 48 hours prints hours.", 47 * 3_600_000, "47h"],
    ["Two to eight days prints days and hours.", 51 * 3_600_000, "2d3h"],
    ["Under two years prints days.", 400 * 86_400_000, "400d"],
    ["Two to eight years prints years and days.", (3 * 365 + 20) * 86_400_000, "3y20d"],
    ["Eight years and more prints years.", 9 * 365 * 86_400_000, "9y"],
  ];
  it.each(rows)("%s", (_n, ms, want) => expect(formatAge(ms)).toBe(want));
});

describe("printPod STATUS, READY and RESTARTS (TestPrintPod)", () => {
  const rows: [string, Pod, string, string, string][] = [
    ["A running ready container and an idle one give 1/2 and the phase.",
      pod({ phase: "podPhase", containerStatuses: [cs("c1", { ready: true, restartCount: 3, state: { running: {} } }), cs("c2", { restartCount: 3 })] }), "1/2", "podPhase", "6"],
    ["A waiting reason replaces the phase.",
      pod({ phase: "Pending", containerStatuses: [cs("c1", { state: { waiting: { reason: "ContainerCreating" } } }), cs("c2", { state: { running: {} }, ready: true })] }), "1/2", "ContainerCreating", "0"],
    ["A terminated reason replaces the phase.",
      pod({ phase: "Running", containerStatuses: [cs("c1", { state: { terminated: { exitCode: 137, reason: "OOMKilled" } } })] }), "0/2", "OOMKilled", "0"],
    ["A terminated container without reason prints its signal.",
      pod({ phase: "Running", containerStatuses: [cs("c1", { state: { terminated: { exitCode: 0, signal: 9 } } })] }), "0/2", "Signal:9", "0"],
    ["A terminated container without reason or signal prints its exit code.",
      pod({ phase: "Running", containerStatuses: [cs("c1", { state: { terminated: { exitCode: 2 } } })] }), "0/2", "ExitCode:2", "0"],
    ["The first container's state wins over later ones.",
      pod({ phase: "Running", containerStatuses: [cs("c1", { state: { waiting: { reason: "CrashLoopBackOff" } } }), cs("c2", { state: { waiting: { reason: "ErrImagePull" } } })] }), "0/2", "CrashLoopBackOff", "0"],
    ["The pod's status reason replaces the phase.",
      pod({ phase: "Failed", reason: "Evicted", containerStatuses: [] }), "0/2", "Evicted", "0"],
    ["Completed beside a running container shows Running when the pod is Ready.",
      pod({ phase: "Running", conditions: [{ type: "Ready", status: "True" }], containerStatuses: [cs("c1", { ready: true, state: { running: {} } }), cs("c2", { state: { terminated: { exitCode: 0, reason: "Completed" } } })] }), "1/2", "Running", "0"],
    ["Completed beside a running container shows NotReady when the pod is not Ready.",
      pod({ phase: "Running", containerStatuses: [cs("c1", { ready: true, state: { running: {} } }), cs("c2", { state: { terminated: { exitCode: 0, reason: "Completed" } } })] }), "1/2", "NotReady", "0"],
    ["A scheduling-gated pod prints SchedulingGated.",
      pod({ phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "SchedulingGated" }] }), "0/2", "SchedulingGated", "0"],
    ["A deleting pod that is not terminal prints Terminating.",
      pod({ phase: "Running", containerStatuses: [cs("c1", { ready: true, state: { running: {} } })] }, {}, { deletionTimestamp: ago(0) }), "1/2", "Terminating", "0"],
    ["A deleting pod on a lost node prints Unknown.",
      pod({ phase: "Running", reason: "NodeLost" }, {}, { deletionTimestamp: ago(0) }), "0/2", "Unknown", "0"],
    ["A deleting pod that already succeeded keeps Completed.",
      pod({ phase: "Succeeded", containerStatuses: [cs("c1", { state: { terminated: { exitCode: 0, reason: "Completed" } } })] }, {}, { deletionTimestamp: ago(0) }), "0/2", "Completed", "0"],
    ["Restarts carry the age of the last termination.",
      pod({ phase: "Running", containerStatuses: [cs("c1", { restartCount: 5, ready: true, state: { running: {} }, lastState: { terminated: { exitCode: 1, finishedAt: ago(300_000) } } })] }), "1/2", "Running", "5 (5m ago)"],
  ];
  it.each(rows)("%s", (_n, p, ready, status, restarts) => expect(podSummary(p, now)).toEqual({ ready, status, restarts }));

  const init = { initContainers: [{ name: "init1" }, { name: "init2" }], containers: [{ name: "c1" }] };
  const initRows: [string, Pod, string, string, string][] = [
    ["A running first init container prints Init:0/2.",
      pod({ phase: "Pending", initContainerStatuses: [cs("init1", { state: { running: {} } }), cs("init2", { state: { waiting: { reason: "PodInitializing" } } })] }, init), "0/1", "Init:0/2", "0"],
    ["A waiting init container with a reason prints Init:<reason>.",
      pod({ phase: "Pending", initContainerStatuses: [cs("init1", { state: { terminated: { exitCode: 0 } } }), cs("init2", { state: { waiting: { reason: "ErrImagePull" } } })] }, init), "0/1", "Init:ErrImagePull", "0"],
    ["A crash-looping init container prints Init:CrashLoopBackOff and counts its restarts.",
      pod({ phase: "Pending", initContainerStatuses: [cs("init1", { restartCount: 4, state: { waiting: { reason: "CrashLoopBackOff" } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(60_000) } } })] }, init), "0/1", "Init:CrashLoopBackOff", "4 (60s ago)"],
    ["A failed init container without reason prints Init:ExitCode:N.",
      pod({ phase: "Pending", initContainerStatuses: [cs("init1", { state: { terminated: { exitCode: 3 } } })] }, init), "0/1", "Init:ExitCode:3", "0"],
    ["A failed init container with a signal prints Init:Signal:N.",
      pod({ phase: "Pending", initContainerStatuses: [cs("init1", { state: { terminated: { exitCode: 143, signal: 15 } } })] }, init), "0/1", "Init:Signal:15", "0"],
    ["Finished init containers hand over to the regular container's state.",
      pod({ phase: "Pending", initContainerStatuses: [cs("init1", { state: { terminated: { exitCode: 0 } } }), cs("init2", { state: { terminated: { exitCode: 0 } } })],
        containerStatuses: [cs("c1", { state: { waiting: { reason: "PodInitializing" } } })] }, init), "0/1", "PodInitializing", "0"],
  ];
  it.each(initRows)("%s", (_n, p, ready, status, restarts) => expect(podSummary(p, now)).toEqual({ ready, status, restarts }));

  const sidecar = { initContainers: [{ name: "side", restartPolicy: "Always" }], containers: [{ name: "c1" }] };
  const sidecarRows: [string, Pod, string, string, string][] = [
    ["A started ready sidecar counts in READY.",
      pod({ phase: "Running", conditions: [{ type: "Initialized", status: "True" }], initContainerStatuses: [cs("side", { started: true, ready: true, state: { running: {} } })],
        containerStatuses: [cs("c1", { ready: true, state: { running: {} } })] }, sidecar), "2/2", "Running", "0"],
    ["A sidecar not yet started keeps the pod initializing.",
      pod({ phase: "Pending", initContainerStatuses: [cs("side", { started: false, state: { running: {} } })] }, sidecar), "0/2", "Init:0/1", "0"],
    ["Sidecar restarts count once the pod is initialized.",
      pod({ phase: "Running", conditions: [{ type: "Initialized", status: "True" }], initContainerStatuses: [cs("side", { restartCount: 2, started: true, ready: true, state: { running: {} }, lastState: { terminated: { exitCode: 1, finishedAt: ago(130_000) } } })],
        containerStatuses: [cs("c1", { ready: true, restartCount: 1, state: { running: {} }, lastState: { terminated: { exitCode: 1, finishedAt: ago(3_000_000) } } })] }, sidecar), "2/2", "Running", "3 (2m10s ago)"],
  ];
  it.each(sidecarRows)("%s", (_n, p, ready, status, restarts) => expect(podSummary(p, now)).toEqual({ ready, status, restarts }));
});

describe("tableFor and renderTable", () => {
  it("defines the Pod columns with kubectl's names, types and priorities", () => {
    const t = tableFor("Pod", [], { now });
    expect(t.columns.map((c) => [c.name, c.type, c.format, c.priority])).toEqual([
      ["Name", "string", "name", 0], ["Ready", "string", "", 0], ["Status", "string", "", 0], ["Restarts", "string", "", 0], ["Age", "string", "", 0],
      ["IP", "string", "", 1], ["Node", "string", "", 1], ["Nominated Node", "string", "", 1], ["Readiness Gates", "string", "", 1],
    ]);
  });

  it("renders pods like kubectl get pods, padding columns by three spaces", () => {
    const p = pod({ phase: "Running", podIPs: [{ ip: "10.244.0.5" }], containerStatuses: [cs("c1", { ready: true, state: { running: {} } }), cs("c2", { ready: true, state: { running: {} } })] }, { nodeName: "node-1" }, { name: "nginx" });
    expect(renderTable(tableFor("Pod", [p], { now }))).toBe(
      "NAME    READY   STATUS    RESTARTS   AGE\n" +
      "nginx   2/2     Running   0          10m\n");
    expect(renderTable(tableFor("Pod", [p], { now, wide: true }), { wide: true, noHeaders: true })).toBe(
      "nginx   2/2   Running   0     10m   10.244.0.5   node-1   <none>   <none>\n");
  });

  it("prints nodes with roles, readiness and SchedulingDisabled", () => {
    const node = { metadata: { name: "cp", creationTimestamp: ago(3 * 86_400_000), labels: { "node-role.kubernetes.io/control-plane": "" } },
      spec: { unschedulable: true }, status: { conditions: [{ type: "Ready", status: "True" }], nodeInfo: { kubeletVersion: "v1.35.0" },
        addresses: [{ type: "InternalIP", address: "172.18.0.2" }] } };
    const t = tableFor("Node", [node], { now, wide: true });
    expect(t.rows[0]!.cells).toEqual(["cp", "Ready,SchedulingDisabled", "control-plane", "3d", "v1.35.0", "172.18.0.2", "<none>", "<unknown>", "<unknown>", "<unknown>"]);
    expect(tableFor("Node", [{ metadata: { name: "n" }, status: {} }], { now }).rows[0]!.cells).toEqual(["n", "Unknown", "<none>", "<unknown>", ""]);
  });

  it("prints events as LAST SEEN TYPE REASON OBJECT MESSAGE", () => {
    const ev = { metadata: { name: "nginx.1" }, lastTimestamp: ago(5000), firstTimestamp: ago(9000), type: "Normal", reason: "Scheduled",
      involvedObject: { kind: "Pod", name: "nginx" }, message: "Successfully assigned default/nginx to node-1 ", source: { component: "default-scheduler" } };
    const out = renderTable(tableFor("Event", [ev], { now }));
    expect(out).toBe(
      "LAST SEEN   TYPE     REASON      OBJECT      MESSAGE\n" +
      "5s          Normal   Scheduled   pod/nginx   Successfully assigned default/nginx to node-1\n");
    expect(tableFor("Event", [ev], { now, wide: true }).rows[0]!.cells).toEqual(
      ["5s", "Normal", "Scheduled", "pod/nginx", "", "default-scheduler", "Successfully assigned default/nginx to node-1", "9s", 1, "nginx.1"]);
  });

  it("prints services, endpoints and endpoint slices", () => {
    const svc = { metadata: { name: "web", creationTimestamp: ago(60_000) }, spec: { type: "NodePort", clusterIPs: ["10.96.0.10"], ports: [{ port: 80, nodePort: 30080, protocol: "TCP" }], selector: { app: "web" } } };
    expect(tableFor("Service", [svc], { now, wide: true }).rows[0]!.cells).toEqual(["web", "NodePort", "10.96.0.10", "<none>", "80:30080/TCP", "60s", "app=web"]);
    const lb = { metadata: { name: "lb" }, spec: { type: "LoadBalancer", clusterIPs: ["10.96.0.11"], ports: [] } };
    expect(tableFor("Service", [lb], { now }).rows[0]!.cells.slice(3, 5)).toEqual(["<pending>", "<none>"]);
    const ep = { subsets: [{ addresses: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }, { ip: "fd00::3" }, { ip: "10.0.0.4" }], ports: [{ port: 80 }] }] };
    expect(formatEndpoints(ep)).toBe("10.0.0.1:80,10.0.0.2:80,[fd00::3]:80 + 1 more...");
    expect(formatEndpoints({})).toBe("<none>");
    const slice = { metadata: { name: "web-abc" }, addressType: "IPv4", ports: [{ port: 80 }], endpoints: [] };
    expect(tableFor("EndpointSlice", [slice], { now }).rows[0]!.cells).toEqual(["web-abc", "IPv4", "80", "<unset>", "<unknown>"]);
  });

  it("prints deployments, replica sets, namespaces, leases, config maps and a generic fallback", () => {
    const tmpl = { spec: { containers: [{ name: "nginx", image: "nginx:1.27" }] } };
    const d = { metadata: { name: "web" }, spec: { replicas: 3, selector: { matchLabels: { app: "web" } }, template: tmpl }, status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } };
    expect(tableFor("Deployment", [d], { now, wide: true }).rows[0]!.cells).toEqual(["web", "2/3", 3, 2, "<unknown>", "nginx", "nginx:1.27", "app=web"]);
    const rs = { metadata: { name: "web-5d" }, spec: { replicas: 3, template: tmpl }, status: { replicas: 3, readyReplicas: 1 } };
    expect(tableFor("ReplicaSet", [rs], { now, wide: true }).rows[0]!.cells).toEqual(["web-5d", 3, 3, 1, "<unknown>", "nginx", "nginx:1.27", "<none>"]);
    expect(tableFor("Namespace", [{ metadata: { name: "default" }, status: { phase: "Active" } }], { now }).rows[0]!.cells).toEqual(["default", "Active", "<unknown>"]);
    expect(tableFor("Lease", [{ metadata: { name: "node-1" }, spec: { holderIdentity: "node-1" } }], { now }).rows[0]!.cells).toEqual(["node-1", "node-1", "<unknown>"]);
    expect(tableFor("ConfigMap", [{ metadata: { name: "cm" }, data: { a: "1" }, binaryData: { b: "" } }], { now }).rows[0]!.cells).toEqual(["cm", 2, "<unknown>"]);
    const g = tableFor("Widget", [{ metadata: { name: "w", creationTimestamp: ago(45_000) } }], { now });
    expect(renderTable(g)).toBe("NAME   AGE\nw      45s\n");
  });

  it("prints label selectors sorted by key as labels.Selector does", () => {
    expect(selectorString({ matchLabels: { tier: "fe", app: "web" }, matchExpressions: [{ key: "env", operator: "In", values: ["prod", "dev"] }, { key: "zz", operator: "DoesNotExist" }] }))
      .toBe("app=web,env in (dev,prod),tier=fe,!zz");
  });
});
