import { describe, it, expect } from "vitest";
import { traceToSequenceDiagram, orderParticipants, renderSvg, validateMermaid } from "./sequence.js";
import type { TraceEntry } from "./trace-types.js";

// A hand-written trace of `kubectl run web` up to the pod being Running, with a refused
// delivery, a fault, an etcd write, a state change and a Kubernetes Event.
const trace: TraceEntry[] = [
  { seq: 1, t: 0, kind: "deliver", from: "kubectl", to: "apiserver", type: "Create", summary: "POST /api/v1/namespaces/default/pods web" },
  { seq: 2, t: 1, kind: "deliver", from: "apiserver", to: "etcd", type: "Txn", summary: "create /registry/pods/default/web" },
  { seq: 3, t: 2, kind: "write", key: "/registry/pods/default/web", revision: 7, op: "put" },
  { seq: 4, t: 3, kind: "deliver", from: "apiserver", to: "scheduler", type: "WatchEvent", summary: "ADDED pod default/web" },
  { seq: 5, t: 4, kind: "state", actor: "scheduler", value: "scheduling" },
  { seq: 6, t: 5, kind: "deliver", from: "scheduler", to: "apiserver", type: "Bind", summary: "POST pods/web/binding node-10" },
  { seq: 7, t: 6, kind: "event", object: "pod/default/web", reason: "Scheduled", message: "Successfully assigned default/web to node-10", eventType: "Normal" },
  { seq: 8, t: 7, kind: "fault", fault: "partition", detail: "kubelet/node-2 cut off" },
  { seq: 9, t: 8, kind: "refused", from: "apiserver", to: "kubelet/node-2", type: "WatchEvent", why: "partitioned" },
  { seq: 10, t: 9, kind: "deliver", from: "apiserver", to: "kubelet/node-10", type: "WatchEvent", summary: "ADDED pod default/web" },
  { seq: 11, t: 10, kind: "deliver", from: "kubelet/node-10", to: "cri/node-10", type: "RunPodSandbox", summary: "RunPodSandbox web" },
  { seq: 12, t: 11, kind: "deliver", from: "cri/node-10", to: "cni/node-10", type: "ADD", summary: "CNI ADD eth0" },
  { seq: 13, t: 12, kind: "deliver", from: "replicaset-controller", to: "apiserver", type: "List", summary: "LIST pods" },
];

describe("traceToSequenceDiagram", () => {
  it("draws one arrow per delivery, participants in request-path order, with faults and refusals by default", () => {
    // Entries are given out of order to show that seq, not array position, orders the arrows.
    expect(traceToSequenceDiagram([...trace].reverse(), { title: "kubectl run web" })).toBe(`sequenceDiagram
  title kubectl run web
  participant kubectl
  participant apiserver
  participant etcd
  participant scheduler
  participant kubelet_node_2 as kubelet/node-2
  participant kubelet_node_10 as kubelet/node-10
  participant cri_node_10 as cri/node-10
  participant cni_node_10 as cni/node-10
  participant replicaset_controller as replicaset-controller
  kubectl->>apiserver: POST /api/v1/namespaces/default/pods web
  apiserver->>etcd: create /registry/pods/default/web
  apiserver->>scheduler: ADDED pod default/web
  scheduler->>apiserver: POST pods/web/binding node-10
  Note over kubectl,replicaset_controller: fault partition: kubelet/node-2 cut off
  apiserver-xkubelet_node_2: WatchEvent refused: partitioned
  apiserver->>kubelet_node_10: ADDED pod default/web
  kubelet_node_10->>cri_node_10: RunPodSandbox web
  cri_node_10->>cni_node_10: CNI ADD eth0
  replicaset_controller->>apiserver: LIST pods
`);
  });

  it("adds notes for state changes, etcd writes and Kubernetes Events when asked", () => {
    const src = traceToSequenceDiagram(trace, { states: true, writes: true, events: true, faults: false, refused: false });
    const lines = src.split("\n");
    expect(lines).toContain("  Note over etcd: put /registry/pods/default/web (rev 7)");
    expect(lines).toContain("  Note over scheduler: scheduling");
    expect(lines).toContain("  Note over kubectl,replicaset_controller: Normal Scheduled pod/default/web: Successfully assigned default/web to node-10");
    expect(src).not.toContain("partition");
    expect(src).not.toContain("kubelet_node_2");
  });

  it("puts explicitly named participants first and keeps the default order for the rest", () => {
    const src = traceToSequenceDiagram(trace, { participants: ["kubelet/node-10", "apiserver"], refused: false });
    const declared = src.split("\n").filter((l) => l.trim().startsWith("participant")).map((l) => l.trim());
    expect(declared.slice(0, 3)).toEqual(["participant kubelet_node_10 as kubelet/node-10", "participant apiserver", "participant kubectl"]);
  });

  it("stops after maxMessages arrows and says how many were left out", () => {
    const src = traceToSequenceDiagram(trace, { maxMessages: 2 });
    const arrows = src.split("\n").filter((l) => /->>|-x/.test(l));
    expect(arrows).toHaveLength(2);
    // 8 deliveries and 1 refusal in the trace: 7 arrows left out; only drawn participants are declared.
    expect(src).toBe(`sequenceDiagram
  participant kubectl
  participant apiserver
  participant etcd
  kubectl->>apiserver: POST /api/v1/namespaces/default/pods web
  apiserver->>etcd: create /registry/pods/default/web
  Note over kubectl,etcd: … 7 more messages omitted
`);
  });

  it("keeps only the entries the include filter accepts", () => {
    const src = traceToSequenceDiagram(trace, { include: (e) => e.kind === "deliver" && e.from.startsWith("kubelet") });
    expect(src).toBe(`sequenceDiagram
  participant kubelet_node_10 as kubelet/node-10
  participant cri_node_10 as cri/node-10
  kubelet_node_10->>cri_node_10: RunPodSandbox web
`);
  });

  it("produces diagrams that validate and render to SVG with beautiful-mermaid", () => {
    const src = traceToSequenceDiagram(trace, { title: "all notes", states: true, writes: true, events: true });
    expect(validateMermaid(src)).toEqual({ ok: true });
    const svg = renderSvg(src);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("kubelet/node-10");
  });

  it("sanitises summaries that would break a Mermaid statement", () => {
    const src = traceToSequenceDiagram([{ seq: 1, t: 0, kind: "deliver", from: "a", to: "b", type: "X", summary: "x; y #1 <none>\nz" }]);
    expect(src).toContain("  a->>b: x, y no.1 ‹none› z\n");
    expect(validateMermaid(src)).toEqual({ ok: true });
  });
});

describe("orderParticipants", () => {
  const rows: Array<{ name: string; input: string[]; expected: string[] }> = [
    {
      name: "the client comes first and controllers after the node agents",
      input: ["job-controller", "cni/node-1", "apiserver", "client", "kubelet/node-1", "etcd"],
      expected: ["client", "apiserver", "etcd", "kubelet/node-1", "cni/node-1", "job-controller"],
    },
    {
      name: "nodes are ordered naturally, so node-2 precedes node-10",
      input: ["kubelet/node-10", "kubelet/node-2", "kubelet/node-1"],
      expected: ["kubelet/node-1", "kubelet/node-2", "kubelet/node-10"],
    },
    {
      name: "unknown participants go last, alphabetically",
      input: ["zeta", "alpha", "scheduler"],
      expected: ["scheduler", "alpha", "zeta"],
    },
  ];
  for (const row of rows) it(row.name, () => expect(orderParticipants(row.input)).toEqual(row.expected));
});
