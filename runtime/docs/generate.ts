// `podflow docs`: the generated half of docs/. Statechart pages come from whatever machines
// exist under machines/<component>/<component>.machine.{ts,js} when it runs (no registry to
// keep in step); flow pages come from seeded createCluster runs of the examples, so the
// diagrams show what the model really does. Output is byte-for-byte deterministic: fixed
// seeds, simulated clock only, sorted discovery.

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, extname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { AnyStateMachine, AnyStateNode } from "xstate";
import { createCluster, type Cluster } from "../cluster.js";
import { machineDoc, machineTransitions } from "./statechart.js";
import { traceToSequenceDiagram } from "./sequence.js";
import { mdCell } from "./ids.js";
import { resourceOfKey } from "../../machines/apiserver/resources.js";
import type { TraceEntry } from "./trace-types.js";

/** One generated file; `path` is relative to the docs directory, with "/" separators. */
export interface GeneratedFile {
  path: string;
  content: string;
}

/** A machine found on disk: its component folder, export name and definition. */
export interface DiscoveredMachine {
  component: string;
  exportName: string;
  machine: AnyStateMachine;
}

/** The package root this module runs from: the repo (sources under vitest) or dist/ (built). */
function packageRoot(): string {
  return fileURLToPath(new URL("../../", import.meta.url));
}

/** Whether a module export is an XState machine definition. */
function isMachine(v: unknown): v is AnyStateMachine {
  const m = v as { root?: unknown; getInitialSnapshot?: unknown; transition?: unknown } | null;
  return typeof m === "object" && m !== null && typeof m.root === "object" && typeof m.getInitialSnapshot === "function" && typeof m.transition === "function";
}

/**
 * Page name of a machine: the component folder, or `folder-export` when the folder has several
 * (its component machine, `criMachine` in cri/, keeps the folder's name; its lifecycles get `cri-container`).
 */
function pageName(component: string, exportName: string, count: number): string {
  if (count === 1 || exportName === `${component.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}Machine`) return component;
  return `${component}-${exportName.replace(/Machine$/, "").replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** Finds every `machines/<component>/*.machine.(ts|js)` and imports its machine exports, sorted by component. */
export async function discoverMachines(root: string = packageRoot()): Promise<DiscoveredMachine[]> {
  const ext = extname(fileURLToPath(import.meta.url)) === ".ts" ? ".ts" : ".js";
  const dir = join(root, "machines");
  const out: DiscoveredMachine[] = [];
  const folders = existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort() : [];
  for (const folder of folders) {
    const files = readdirSync(join(dir, folder)).filter((f) => f.endsWith(`.machine${ext}`)).sort();
    const found: Array<{ exportName: string; machine: AnyStateMachine }> = [];
    for (const file of files) {
      const mod = (await import(pathToFileURL(join(dir, folder, file)).href)) as Record<string, unknown>;
      for (const k of Object.keys(mod).sort()) if (isMachine(mod[k])) found.push({ exportName: k, machine: mod[k] as AnyStateMachine });
    }
    const pages = found.map((f) => ({ component: pageName(folder, f.exportName, found.length), ...f }));
    out.push(...pages.sort((a, b) => (a.component < b.component ? -1 : a.component > b.component ? 1 : 0)));
  }
  return out;
}

/** Counts of states (below the root) and transitions of a machine. */
function machineSize(machine: AnyStateMachine): { states: number; transitions: number } {
  const count = (n: AnyStateNode): number => Object.values(n.states as Record<string, AnyStateNode>).reduce((s, c) => s + 1 + count(c), 0);
  return { states: count(machine.root as AnyStateNode), transitions: machineTransitions(machine).length };
}

/** docs/machines/<component>.md and .svg for each machine, plus the README index. */
export function machinePages(machines: DiscoveredMachine[]): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  const rows: string[] = [];
  for (const m of machines) {
    const doc = machineDoc(m.component, m.machine, { title: `${m.component} machine` });
    files.push({ path: `machines/${m.component}.md`, content: doc.markdown });
    files.push({ path: `machines/${m.component}.svg`, content: doc.svg.endsWith("\n") ? doc.svg : doc.svg + "\n" });
    const size = machineSize(m.machine);
    const description = (m.machine.root as AnyStateNode).description ?? "";
    rows.push(`| [${m.component}](${m.component}.md) | \`${m.exportName}\` | ${size.states} | ${size.transitions} | ${mdCell(description)} |`);
  }
  const index = [
    "# Machines",
    "<!-- Generated by `podflow docs` from machines/*/*.machine.ts; do not edit by hand. -->",
    "Each component of the simulated cluster is one XState v5 machine. Each page shows the statechart (Mermaid source and a pre-rendered SVG), the states and every transition with its guard and actions. The flows those machines produce together are in [../flows/](../flows/README.md); the prose reference is [../semantics.md](../semantics.md).",
    ["| Component | Export | States | Transitions | Responsibility |", "| --- | --- | --- | --- | --- |", ...rows].join("\n"),
  ];
  files.push({ path: "machines/README.md", content: index.join("\n\n") + "\n" });
  return files;
}

// ---- flows from real runs -----------------------------------------------------------------

/** A delivered message with the request it answers (responses paired through their FIFO channel). */
export interface Message {
  entry: Extract<TraceEntry, { kind: "deliver" }>;
  /** for a response, the summary of the request it answers */
  request?: string;
}

/** Response type → request types it answers, for pairing over one FIFO channel. */
const answers: Record<string, string[]> = {
  ApiResponse: ["ApiRequest"],
  TxnResponse: ["Txn"],
  RangeResponse: ["Range"],
};

/** Whether a request gets a response: API watches and unwatches never do. */
function expectsResponse(e: Extract<TraceEntry, { kind: "deliver" }>): boolean {
  if (e.type === "ApiRequest") return !/^(watch|unwatch) /.test(e.summary);
  return e.type === "Txn" || e.type === "Range";
}

/**
 * Deliveries in order, each response paired with its request. The API server serves one request
 * at a time in arrival order and etcd answers in order, so per (client, server) the n-th response
 * answers the n-th request that expects one.
 */
export function pairMessages(trace: readonly TraceEntry[]): Message[] {
  const pending = new Map<string, string[]>();
  const out: Message[] = [];
  for (const e of trace) {
    if (e.kind !== "deliver") continue;
    if (expectsResponse(e)) {
      const k = `${e.from}|${e.to}`;
      pending.set(k, [...(pending.get(k) ?? []), e.summary]);
      out.push({ entry: e });
    } else if (answers[e.type]) {
      const q = pending.get(`${e.to}|${e.from}`) ?? [];
      const request = q.shift();
      out.push(request === undefined ? { entry: e } : { entry: e, request });
    } else out.push({ entry: e });
  }
  return out;
}

/** The object or key a message is about, for filtering ("pods default/nginx", "/registry/pods/…"). */
function subject(m: Message): string {
  return m.request ?? m.entry.summary;
}

/** Shortens 64-hex sandbox/container ids to the 13 characters crictl prints. */
function shortIds(text: string): string {
  return text.replace(/\b([0-9a-f]{13})[0-9a-f]{51}\b/g, "$1");
}

/** Arrow text: API and etcd traffic by summary, watch events marked, node-agent calls by type. */
export function arrowLabel(m: Message): string {
  const { type, summary } = m.entry;
  if (type === "ApiRequest" || type === "ApiResponse" || type === "Txn") return shortIds(summary);
  if (type === "TxnResponse") return summary;
  if (type === "WatchEvent") return `watch ${summary}`;
  return shortIds(summary ? `${type} ${summary}` : type);
}

/** What a flow keeps from its run. */
export interface StoryFilter {
  /** API resources whose requests, writes and responses tell the story ("pods", "pods/binding", …). */
  resources: string[];
  /** Watch events shown: kind → receivers (prefix match: "kubelet/" covers every node). */
  watches: Record<string, string[]>;
  /** Only messages mentioning one of these names (object or node), when given. */
  names?: string[];
  /** Show the API server's etcd writes and their results (default true). */
  etcd?: boolean;
  /** Show the API server's answers to requests (default true). */
  responses?: boolean;
  /** Show the kubelets' calls to their CRI and CNI (default true). */
  nodeAgents?: boolean;
}

/** API resource (with subresource) a request summary names: "create pods/binding default/x" → "pods/binding". */
function resourceOf(summary: string): string | undefined {
  return /^(?:create|update|patch|delete|deletecollection|get|list) (\S+)/.exec(summary)?.[1];
}

/** Registry resource an etcd key lives under: "/registry/pods/default/x" → "pods". */
function keyResource(summary: string): string | undefined {
  const m = /\/registry\/\S+/.exec(summary);
  return m ? resourceOfKey(m[0]) : undefined;
}

/** Whether the message text names one of `names`. */
function mentions(text: string, names: string[] | undefined): boolean {
  return names === undefined || names.some((n) => text.includes(n));
}

/** Whether one message belongs in the flow's diagram. */
export function tellsStory(m: Message, f: StoryFilter): boolean {
  const { from, to, type } = m.entry;
  const text = subject(m);
  if (from === to) return false; // timers firing inside one actor: the next arrow shows their effect
  switch (type) {
    case "ApiRequest":
    case "ApiResponse": {
      if (type === "ApiResponse" && f.responses === false) return false;
      if (/^(get|list|watch|unwatch) /.test(text)) return false; // reads and informer setup
      const r = resourceOf(text);
      return r !== undefined && f.resources.includes(r) && mentions(text, f.names);
    }
    case "Txn":
    case "TxnResponse": {
      if (f.etcd === false) return false;
      const r = keyResource(text);
      return r !== undefined && f.resources.includes(r) && mentions(text, f.names);
    }
    case "WatchEvent": {
      const kind = /^(?:ADDED|MODIFIED|DELETED) (\S+)/.exec(text)?.[1];
      return kind !== undefined && (f.watches[kind] ?? []).some((w) => to.startsWith(w)) && mentions(text, f.names);
    }
    case "WatchResponse":
    case "RangeResponse":
    case "Range":
    case "LeaseGrant":
    case "LeaseGrantResponse":
      return false; // the API server's own etcd watch and leases: plumbing under every write
    default:
      // the kubelet's calls to its CRI and CNI, and their answers
      return f.nodeAgents !== false && /^(kubelet|cri|cni)\//.test(from) && /^(kubelet|cri|cni)\//.test(to);
  }
}

/** Trace entries for a flow diagram: the story's deliveries (relabelled) plus injected faults. */
export function storyEntries(trace: readonly TraceEntry[], f: StoryFilter): TraceEntry[] {
  const kept: TraceEntry[] = [];
  const byEntry = new Map(pairMessages(trace).map((m) => [m.entry, m] as const));
  for (const e of trace) {
    if (e.kind === "fault") kept.push(e);
    if (e.kind !== "deliver") continue;
    const m = byEntry.get(e)!;
    if (tellsStory(m, f)) kept.push({ ...e, summary: arrowLabel(m) });
  }
  return kept;
}

/** A scenario whose run becomes docs/flows/<name>.md. */
interface Flow {
  name: string;
  title: string;
  /** What happens, in the words of the reference story (shared seeds). */
  story: string;
  command: string;
  filter: StoryFilter;
  maxMessages: number;
  /** Participants drawn first and always declared (so a fault note has somewhere to go). */
  participants: string[];
  /** Runs the scenario; returns the trace index the diagram starts at and notes about the run. */
  run(cluster: Cluster, examples: string): Promise<{ start: number; notes: string[]; filter?: Partial<StoryFilter> }>;
}

/** Reads an example manifest. */
function example(dir: string, file: string): string {
  return readFileSync(join(dir, file), "utf8");
}

/** Where the example manifests are: beside machines/ in the repo, or one level above dist/. */
function examplesDir(root: string): string {
  for (const d of [join(root, "examples"), join(root, "..", "examples")]) if (existsSync(d)) return d;
  throw new Error(`examples/ not found near ${root}`);
}

/** Phase and node of a pod, for the notes under a diagram. */
function podState(c: Cluster, name: string): string {
  const p = c.get("Pod", name, "default");
  return p ? `${p.status?.phase ?? "(no phase)"} on ${p.spec?.nodeName ?? "(no node)"}` : "gone";
}

/** Runs until the Deployment's pods are all updated and available (readiness needs clock time), within two simulated minutes. */
async function waitForRollout(c: Cluster, name: string): Promise<void> {
  await c.settle();
  for (let i = 0; i < 24 && !rolledOut(c.get("Deployment", name, "default")); i++) {
    c.advance(5_000);
    await c.settle();
  }
}

/** Whether a Deployment's status says every replica is updated and available and no old one is left. */
function rolledOut(d: any): boolean {
  const want = d?.spec?.replicas ?? 1;
  const s = d?.status ?? {};
  return d !== undefined && s.observedGeneration === d.metadata?.generation && s.updatedReplicas === want && s.availableReplicas === want && s.replicas === want;
}

/** "Terminating" for a pod being deleted, else its phase and node, or "gone". */
function terminating(c: Cluster, name: string): string {
  return c.get("Pod", name, "default")?.metadata?.deletionTimestamp ? "Terminating" : podState(c, name);
}

const podWatches = { Pod: ["scheduler", "kubelet/"] };

const flows: Flow[] = [
  {
    name: "pod-create",
    title: "Creating a Pod",
    command: "kubectl apply -f examples/nginx.yaml",
    story:
      "kubectl sends the Pod to the API server, which authenticates, authorizes, runs admission and validation, and stores the object in etcd before answering 201 Created: the Pod now exists, Pending, with no node. The scheduler's watch sees a Pod without `spec.nodeName`; it filters and scores the nodes and writes a Binding, which the API server persists as the pod's `spec.nodeName`. The kubelet of that node watches pods bound to it: it asks its container runtime (CRI) for a pod sandbox, the CNI plugin gives the sandbox an IP from the node's pod CIDR, the image is pulled, the container is created and started, and the kubelet reports the pod's status (Running, Ready, its IP) back to the API server, which stores it in etcd like every other write.",
    filter: { resources: ["pods", "pods/binding", "pods/status"], watches: podWatches },
    maxMessages: 60,
    participants: ["kubectl", "apiserver", "etcd"],
    async run(c, ex) {
      const start = c.trace().length;
      await c.apply(example(ex, "nginx.yaml"), "examples/nginx.yaml");
      await c.settle();
      return { start, notes: [`After the run the pod is ${podState(c, "nginx")}.`] };
    },
  },
  {
    name: "pod-delete",
    title: "Deleting a Pod",
    command: "kubectl apply -f examples/nginx.yaml, then kubectl delete pod nginx",
    story:
      "Deleting is a write like any other: the API server does not remove a running pod, it sets `metadata.deletionTimestamp` and `deletionGracePeriodSeconds` (30 by default) and answers 200 with the updated object. The kubelet sees the change on its watch and stops the pod: each container gets SIGTERM and the grace period to exit, then the sandbox is stopped, the CNI plugin releases the pod's IP, and the sandbox is removed. Only then does the kubelet ask the API server to delete the object for good (a delete with grace period 0 and the pod's UID as precondition), and etcd drops the key; watchers see DELETED.",
    filter: { resources: ["pods", "pods/status"], watches: podWatches },
    maxMessages: 60,
    participants: ["kubectl", "apiserver", "etcd"],
    async run(c, ex) {
      await c.apply(example(ex, "nginx.yaml"), "examples/nginx.yaml");
      await c.settle();
      const start = c.trace().length;
      await c.delete("Pod", "nginx", "default");
      await c.settle();
      return { start, notes: [`After the run the pod is ${podState(c, "nginx")}.`] };
    },
  },
  {
    name: "deployment-rollout",
    title: "Rolling out a new image",
    command: "kubectl apply -f examples/deployment-service.yaml, then the same with image nginx:1.28",
    story:
      "Changing the pod template of a Deployment makes the Deployment controller create a new ReplicaSet (named after the template's hash) and scale it up while it scales the old one down, within maxSurge (25%) and maxUnavailable (25%). Each scale-up is a ReplicaSet controller creating pods that go through the pod-create flow; each scale-down deletes an old pod, which goes through the pod-delete flow. The endpoints controller keeps the Service's Endpoints to the ready pods only, so traffic moves to the new pods as their readiness probes pass.",
    filter: {
      resources: ["deployments", "replicasets", "pods", "endpoints"],
      watches: { Deployment: ["deployment-controller"], ReplicaSet: ["replicaset-controller"] },
      etcd: false,
      responses: false,
      nodeAgents: false,
    },
    maxMessages: 80,
    participants: ["kubectl", "apiserver"],
    async run(c, ex) {
      const manifest = example(ex, "deployment-service.yaml");
      await c.apply(manifest, "examples/deployment-service.yaml");
      await waitForRollout(c, "web");
      const before = c.list("ReplicaSet").length;
      const start = c.trace().length;
      await c.apply(manifest.replace("image: nginx:1.27", "image: nginx:1.28"), "examples/deployment-service.yaml");
      await waitForRollout(c, "web");
      const notes: string[] = [];
      const rs = c.list("ReplicaSet");
      if (before === 0 && rs.length === 0) {
        notes.push("In this run no ReplicaSet was created: the Deployment controller is not part of the simulated cluster yet, so the diagram shows only the API server accepting the Deployment change. Regenerate with `npm run docs` once it lands.");
      } else {
        notes.push(`After the run there are ${rs.length} ReplicaSets: ${rs.map((r: any) => `${r.metadata.name} (replicas: ${r.status?.replicas ?? 0})`).join(", ")}.`);
      }
      return { start, notes };
    },
  },
  {
    name: "node-failure",
    title: "A node stops reporting",
    command: "kubectl apply -f examples/deployment-service.yaml, then kubelet/node-2 crashes",
    story:
      "A kubelet proves its node is alive by renewing the node's Lease and posting node status. When those stop, the node lifecycle controller waits out `--node-monitor-grace-period` (50s), then sets the node's Ready condition to Unknown (reason NodeStatusUnknown, \"Kubelet stopped posting node status.\") and taints it `node.kubernetes.io/unreachable` (NoSchedule, and NoExecute). Every pod carries the default toleration for that taint with `tolerationSeconds: 300`; when it runs out, the taint manager deletes the pods, and their ReplicaSet creates replacements that the scheduler binds to the healthy nodes. The controller also marks the node's pods not Ready, so the endpoints controller takes them out of their Services at once. A deleted pod on the silent node stays Terminating: only its kubelet could confirm that its containers have stopped.",
    filter: {
      resources: ["nodes", "nodes/status", "pods", "pods/binding", "pods/status", "endpoints"],
      watches: { Node: ["node-lifecycle-controller"], Pod: ["replicaset-controller", "scheduler"] },
      etcd: false,
      responses: false,
      nodeAgents: false,
    },
    maxMessages: 60,
    participants: ["apiserver", "kubelet/node-2"],
    async run(c, ex) {
      await c.apply(example(ex, "deployment-service.yaml"), "examples/deployment-service.yaml");
      await waitForRollout(c, "web");
      const pods = c.list("Pod", { labelSelector: "app=web" });
      const victims = pods.filter((p: any) => p.spec?.nodeName === "node-2").map((p: any) => p.metadata.name as string);
      const existing = new Set(pods.map((p: any) => p.metadata.name as string));
      const start = c.trace().length;
      c.runtime.crash("kubelet/node-2");
      // Past the grace period (50s) and the default tolerationSeconds (300s) of the unreachable taint.
      c.advance(50_000 + 300_000 + 30_000);
      await c.settle();
      const node = c.get("Node", "node-2");
      const ready = (node?.status?.conditions ?? []).find((x: any) => x.type === "Ready");
      const taints = (node?.spec?.taints ?? []).map((t: any) => `${t.key}:${t.effect}`);
      const replacements = c.list("Pod", { labelSelector: "app=web" }).map((p: any) => p.metadata.name as string).filter((n: string) => !existing.has(n));
      const notes = [
        `Pods on node-2 before the crash: ${victims.length > 0 ? victims.map((v: string) => `${v} (now ${terminating(c, v)})`).join(", ") : "none"}; replacements created: ${replacements.length > 0 ? replacements.map((r: string) => `${r} (${podState(c, r)})`).join(", ") : "none"}.`,
        `After the run node-2 is Ready=${ready?.status ?? "(no condition)"}${ready?.reason ? ` (${ready.reason})` : ""}, taints: ${taints.length > 0 ? taints.join(", ") : "none"}.`,
      ];
      if (!ready || ready.status === "True") {
        notes.push("The node lifecycle controller is not part of the simulated cluster yet, so nothing notices the silent node: the diagram shows the crash and what the rest of the cluster does meanwhile. Regenerate with `npm run docs` once it lands.");
      }
      // Only the failed node and its pods tell this story; other nodes' heartbeats are noise.
      return { start, notes, filter: { names: ["node-2", ...victims, ...replacements, "endpoints default/web"] } };
    },
  },
];

/** Human duration: "800 ms", "5 s", "5 min 10 s". */
export function formatGap(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ""}`;
}

/**
 * Adds a spanning "n s later" note before each arrow that comes at least `minGapMs` of simulated
 * time after the previous one, so waits (pulls, grace periods, tolerations) show in the diagram.
 * traceToSequenceDiagram writes one statement per delivery or fault, in order, after the
 * participant lines; that correspondence is what lets the notes be placed.
 */
export function withTimeNotes(diagram: string, entries: TraceEntry[], minGapMs: number): string {
  const lines = diagram.trimEnd().split("\n");
  const firstBody = lines.findIndex((l, i) => i > 0 && !/^\s*(participant|title)\b/.test(l));
  if (firstBody === -1) return diagram;
  const ids = lines.filter((l) => /^\s*participant /.test(l)).map((l) => l.trim().split(/\s+/)[1]!);
  if (ids.length === 0) return diagram;
  const span = ids.length > 1 ? `${ids[0]},${ids[ids.length - 1]}` : ids[0]!;
  const drawn = entries.filter((e) => e.kind === "deliver" || e.kind === "fault");
  const out = lines.slice(0, firstBody);
  let prev: number | undefined;
  lines.slice(firstBody).forEach((line, i) => {
    const e = drawn[i];
    if (e && prev !== undefined && e.t - prev >= minGapMs) out.push(`  Note over ${span}: ${formatGap(e.t - prev)} later`);
    if (e) prev = e.t;
    out.push(line);
  });
  return out.join("\n") + "\n";
}

/** The sentence listing what a filter leaves out of a diagram. */
function omissions(f: StoryFilter): string {
  const out = ["reads", "informer set-up", "the API server's own etcd watch", "leases", "Events", "timers"];
  if (f.etcd === false) out.push("etcd writes");
  if (f.responses === false) out.push("the API server's answers");
  if (f.nodeAgents === false) out.push("the kubelets' calls to their CRI and CNI");
  if (f.names) out.push("objects other than those named below");
  return `${out.slice(0, -1).join(", ")} and ${out[out.length - 1]}`;
}

/** Markdown of one flow page. */
function flowPage(f: Flow, filter: StoryFilter, diagram: string, notes: string[], seed: number): string {
  return [
    `# ${f.title}`,
    "<!-- Generated by `podflow docs` from a seeded simulated run; do not edit by hand. -->",
    f.story,
    `The diagram is the trace of \`${f.command}\` on a simulated cluster of 3 nodes, seed ${seed}, filtered to the messages that tell the story (${omissions(filter)} are left out; sandbox and container ids are shortened to 13 characters).`,
    "```mermaid\n" + diagram + "```",
    notes.join(" "),
  ].join("\n\n") + "\n";
}

const flowSeed = 1;

/** docs/flows/<name>.md for each scenario, plus the README index. */
export async function flowPages(root: string = packageRoot()): Promise<GeneratedFile[]> {
  const ex = examplesDir(root);
  const files: GeneratedFile[] = [];
  for (const f of flows) {
    const cluster = createCluster({ nodes: 3, seed: flowSeed, clock: "simulated" });
    try {
      const { start, notes, filter } = await f.run(cluster, ex);
      const effective = { ...f.filter, ...filter };
      const entries = storyEntries(cluster.trace().slice(start), effective);
      const diagram = withTimeNotes(traceToSequenceDiagram(entries, { maxMessages: f.maxMessages, participants: f.participants }), entries, 1000);
      files.push({ path: `flows/${f.name}.md`, content: flowPage(f, effective, diagram, notes, flowSeed) });
    } finally {
      await cluster.stop();
    }
  }
  const index = [
    "# Flows",
    "<!-- Generated by `podflow docs`; do not edit by hand. -->",
    "Sequence diagrams of real runs of the model: each page applies an example manifest to a seeded simulated cluster and draws the trace. Run any manifest the same way with `podflow simulate -f FILE --trace-diagram out.md`.",
    flows.map((f) => `- [${f.title}](${f.name}.md): \`${f.command}\``).join("\n"),
  ];
  files.push({ path: "flows/README.md", content: index.join("\n\n") + "\n" });
  return files;
}

/** An invariant as the registry in properties/invariants describes it. */
export interface InvariantInfo {
  name: string;
  description: string;
}

/** The registered invariants (properties/invariants/index), or none when the registry is absent. */
export async function registeredInvariants(root: string = packageRoot()): Promise<InvariantInfo[]> {
  const ext = extname(fileURLToPath(import.meta.url)) === ".ts" ? ".ts" : ".js";
  const file = join(root, "properties", "invariants", `index${ext}`);
  if (!existsSync(file)) return [];
  const mod = (await import(pathToFileURL(file).href)) as { invariants?: ReadonlyArray<Partial<InvariantInfo>> };
  return (mod.invariants ?? []).map((i) => ({ name: String(i.name ?? ""), description: String(i.description ?? "") }));
}

/** docs/invariants.md: the checked invariants by name, from the registry, so the list never drifts. */
export function invariantsPage(list: InvariantInfo[]): GeneratedFile {
  const rows = list.map((i) => `| \`${i.name}\` | ${mdCell(i.description)} |`);
  const parts = [
    "# Invariants",
    "<!-- Generated by `podflow docs` from properties/invariants; do not edit by hand. -->",
    "Every invariant is a named function in `properties/invariants/`, checked after every delivered message or fired timer of a run (`podflow check`, `podflow explore`, the property tests); a violation names the invariant and the object. Why each one holds in Kubernetes is in [semantics.md](semantics.md#invariants).",
    ["| Invariant | What must always hold |", "| --- | --- |", ...rows].join("\n"),
  ];
  return { path: "invariants.md", content: parts.join("\n\n") + "\n" };
}

/** Every generated docs file, in a stable order (nothing written). */
export async function renderDocs(root: string = packageRoot()): Promise<GeneratedFile[]> {
  return [...machinePages(await discoverMachines(root)), ...(await flowPages(root)), invariantsPage(await registeredInvariants(root))];
}

/** Renders the generated docs and writes them under outDir (created as needed); returns what was written. */
export async function generateDocs(outDir: string, root: string = packageRoot()): Promise<GeneratedFile[]> {
  const files = await renderDocs(root);
  for (const f of files) {
    const path = join(outDir, ...f.path.split("/"));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content);
  }
  return files;
}

/** The machine definition for `podflow describe machine <name>`, matched by component or page name. */
export async function findMachine(name: string, root: string = packageRoot()): Promise<{ machine?: AnyStateMachine; names: string[] }> {
  const all = await discoverMachines(root);
  const hit = all.find((m) => m.component === name || m.exportName === name || m.exportName === `${name}Machine`);
  return hit ? { machine: hit.machine, names: all.map((m) => m.component) } : { names: all.map((m) => m.component) };
}

// ---- checks used by the docs freshness test ---------------------------------------------------

const xmlName = String.raw`[A-Za-z_:][\w:.-]*`;
const xmlAttr = new RegExp(String.raw`\s+(${xmlName})\s*=\s*("[^"<]*"|'[^'<]*')`, "gy");
const xmlEntity = /&(?:[A-Za-z][\w.-]*|#\d+|#x[0-9A-Fa-f]+);/y;

/** Checks text is a single well-formed XML element (tags nest, attributes quoted and unique, entities valid); returns the first problem or undefined. */
export function xmlProblem(text: string): string | undefined {
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  const at = (n: number) => `at offset ${n}`;
  while (i < text.length) {
    const lt = text.indexOf("<", i);
    const chunk = lt === -1 ? text.slice(i) : text.slice(i, lt);
    for (let a = chunk.indexOf("&"); a !== -1; a = chunk.indexOf("&", a + 1)) {
      xmlEntity.lastIndex = a;
      if (!xmlEntity.test(chunk)) return `bare "&" ${at(i + a)}`;
    }
    if (chunk.trim() !== "" && stack.length === 0) return `text outside the root element ${at(i)}`;
    if (lt === -1) break;
    i = lt;
    const skip = (open: string, close: string): number | undefined => {
      if (!text.startsWith(open, i)) return undefined;
      const end = text.indexOf(close, i + open.length);
      return end === -1 ? -1 : end + close.length;
    };
    const special = skip("<!--", "-->") ?? skip("<![CDATA[", "]]>") ?? skip("<?", "?>");
    if (special !== undefined) {
      if (special === -1) return `unterminated comment, CDATA or processing instruction ${at(i)}`;
      i = special;
      continue;
    }
    const close = new RegExp(String.raw`</(${xmlName})\s*>`, "y");
    close.lastIndex = i;
    const c = close.exec(text);
    if (c) {
      const open = stack.pop();
      if (open !== c[1]) return `</${c[1]}> closes <${open ?? "nothing"}> ${at(i)}`;
      i = close.lastIndex;
      continue;
    }
    const start = new RegExp(`<(${xmlName})`, "y");
    start.lastIndex = i;
    const s = start.exec(text);
    if (!s) return `malformed tag ${at(i)}`;
    let j = start.lastIndex;
    const seen = new Set<string>();
    xmlAttr.lastIndex = j;
    for (let m = xmlAttr.exec(text); m; m = xmlAttr.exec(text)) {
      if (seen.has(m[1]!)) return `duplicate attribute ${m[1]} ${at(j)}`;
      seen.add(m[1]!);
      j = xmlAttr.lastIndex;
    }
    const end = /\s*(\/?)>/y;
    end.lastIndex = j;
    const e = end.exec(text);
    if (!e) return `malformed attributes in <${s[1]}> ${at(j)}`;
    if (stack.length === 0 && ++roots > 1) return `second root element <${s[1]}> ${at(i)}`;
    if (e[1] !== "/") stack.push(s[1]!);
    i = end.lastIndex;
  }
  return stack.length > 0 ? `<${stack[stack.length - 1]}> never closed` : roots === 0 ? "no element" : undefined;
}

/** Every ```mermaid fenced block of a Markdown text, with the line it starts on. */
export function mermaidBlocks(markdown: string): Array<{ line: number; source: string }> {
  const out: Array<{ line: number; source: string }> = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== "```mermaid") continue;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && lines[j]!.trim() !== "```") body.push(lines[j++]!);
    out.push({ line: i + 1, source: body.join("\n") + "\n" });
    i = j;
  }
  return out;
}
