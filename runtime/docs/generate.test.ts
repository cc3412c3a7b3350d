import { describe, expect, it } from "vitest";
import { createMachine } from "xstate";
import {
  arrowLabel,
  discoverMachines,
  findMachine,
  formatGap,
  invariantsPage,
  machinePages,
  mermaidBlocks,
  pairMessages,
  registeredInvariants,
  storyEntries,
  tellsStory,
  withTimeNotes,
  xmlProblem,
  type StoryFilter,
} from "./generate.js";
import type { TraceEntry } from "./trace-types.js";
import { validateMermaid } from "./render.js";
import { traceToSequenceDiagram } from "./sequence.js";

let seq = 0;
/** A delivered message as the runtime records it. */
function msg(from: string, to: string, type: string, summary: string): Extract<TraceEntry, { kind: "deliver" }> {
  return { seq: seq++, t: 0, kind: "deliver", from, to, type, summary };
}

const podFilter: StoryFilter = { resources: ["pods", "pods/binding", "pods/status"], watches: { Pod: ["scheduler", "kubelet/"] } };

describe("pairMessages", () => {
  it("pairs each response with the request sent on the same channel, in order", () => {
    const trace = [
      msg("kubectl", "apiserver", "ApiRequest", "get pods default/nginx"),
      msg("kubectl", "apiserver", "ApiRequest", "create pods default"),
      msg("apiserver", "kubectl", "ApiResponse", "404 NotFound"),
      msg("apiserver", "kubectl", "ApiResponse", "201 Pod default/nginx"),
    ];
    expect(pairMessages(trace).map((m) => m.request)).toEqual([undefined, undefined, "get pods default/nginx", "create pods default"]);
  });

  it("skips watches, which the API server never answers", () => {
    const trace = [
      msg("scheduler", "apiserver", "ApiRequest", "watch pods"),
      msg("scheduler", "apiserver", "ApiRequest", "create pods/binding default/nginx"),
      msg("apiserver", "scheduler", "ApiResponse", "201 Status"),
    ];
    expect(pairMessages(trace)[2]!.request).toBe("create pods/binding default/nginx");
  });

  it("pairs etcd transaction results with their transactions", () => {
    const trace = [
      msg("apiserver", "etcd", "Txn", "put /registry/events/default/x.1"),
      msg("apiserver", "etcd", "Txn", "put /registry/pods/default/nginx"),
      msg("etcd", "apiserver", "TxnResponse", "ok rev 13"),
      msg("etcd", "apiserver", "TxnResponse", "ok rev 14"),
    ];
    expect(pairMessages(trace).slice(2).map((m) => m.request)).toEqual(["put /registry/events/default/x.1", "put /registry/pods/default/nginx"]);
  });
});

describe("tellsStory", () => {
  const rows: Array<{ name: string; trace: Array<Extract<TraceEntry, { kind: "deliver" }>>; want: boolean }> = [
    { name: "A pod create from kubectl is part of the pod story.", trace: [msg("kubectl", "apiserver", "ApiRequest", "create pods default")], want: true },
    { name: "kubectl apply's preliminary get is a read and is left out.", trace: [msg("kubectl", "apiserver", "ApiRequest", "get pods default/nginx")], want: false },
    { name: "The scheduler's binding is part of the pod story.", trace: [msg("scheduler", "apiserver", "ApiRequest", "create pods/binding default/nginx")], want: true },
    { name: "An Event written by the scheduler is left out.", trace: [msg("scheduler", "apiserver", "ApiRequest", "create events default")], want: false },
    { name: "A lease renewal is left out.", trace: [msg("kubelet/node-1", "apiserver", "ApiRequest", "update leases kube-node-lease/node-1")], want: false },
    { name: "A pod write to etcd is kept.", trace: [msg("apiserver", "etcd", "Txn", "put /registry/pods/default/nginx")], want: true },
    { name: "A lease write to etcd is left out.", trace: [msg("apiserver", "etcd", "Txn", "put /registry/leases/kube-node-lease/node-1")], want: false },
    { name: "The API server's own etcd watch is left out.", trace: [msg("etcd", "apiserver", "WatchResponse", "PUT /registry/pods/default/nginx")], want: false },
    { name: "A pod watch event to a kubelet is kept.", trace: [msg("apiserver", "kubelet/node-1", "WatchEvent", "ADDED Pod default/nginx")], want: true },
    { name: "A pod watch event to a controller the flow does not follow is left out.", trace: [msg("apiserver", "endpoints-controller", "WatchEvent", "ADDED Pod default/nginx")], want: false },
    { name: "A timer firing inside one actor is left out.", trace: [msg("kubelet/node-1", "kubelet/node-1", "RenewLease", "")], want: false },
    { name: "A kubelet call to its container runtime is kept.", trace: [msg("kubelet/node-1", "cri/node-1", "RunPodSandbox", "")], want: true },
    {
      name: "The answer to a pod write is kept because its request is about a pod.",
      trace: [msg("apiserver", "etcd", "Txn", "put /registry/pods/default/nginx"), msg("etcd", "apiserver", "TxnResponse", "ok rev 13")],
      want: true,
    },
    {
      name: "The answer to an Event write is left out because its request is about an Event.",
      trace: [msg("scheduler", "apiserver", "ApiRequest", "create events default"), msg("apiserver", "scheduler", "ApiResponse", "201 Event default/nginx.1")],
      want: false,
    },
  ];
  for (const r of rows) {
    it(r.name, () => {
      const last = pairMessages(r.trace).at(-1)!;
      expect(tellsStory(last, podFilter)).toBe(r.want);
    });
  }

  it("keeps only messages naming the given objects when names are set", () => {
    const [a, b] = pairMessages([
      msg("apiserver", "scheduler", "WatchEvent", "MODIFIED Pod default/web-1"),
      msg("apiserver", "scheduler", "WatchEvent", "MODIFIED Pod default/other"),
    ]);
    expect([tellsStory(a!, { ...podFilter, names: ["web-"] }), tellsStory(b!, { ...podFilter, names: ["web-"] })]).toEqual([true, false]);
  });
});

describe("arrowLabel", () => {
  const id = "d326968c987efd5e4051091fb16d7d9ba1d33658eedc65a5dd8621db9f8e8409";
  const rows = [
    { name: "A container runtime answer shows its type and the id shortened to 13 characters.", m: msg("cri/node-1", "kubelet/node-1", "RunPodSandboxResult", id), want: "RunPodSandboxResult d326968c987ef" },
    { name: "An API request shows its verb, resource and object.", m: msg("kubectl", "apiserver", "ApiRequest", "create pods default"), want: "create pods default" },
    { name: "A watch event is marked as such.", m: msg("apiserver", "scheduler", "WatchEvent", "ADDED Pod default/nginx"), want: "watch ADDED Pod default/nginx" },
    { name: "A message with no summary shows its type alone.", m: msg("kubelet/node-1", "cri/node-1", "RunPodSandbox", ""), want: "RunPodSandbox" },
  ];
  for (const r of rows) it(r.name, () => expect(arrowLabel({ entry: r.m })).toBe(r.want));
});

describe("storyEntries", () => {
  it("keeps injected faults and relabels the kept deliveries", () => {
    const fault: TraceEntry = { seq: seq++, t: 0, kind: "fault", fault: "crash", detail: "kubelet/node-2" };
    const out = storyEntries([fault, msg("apiserver", "kubelet/node-1", "WatchEvent", "ADDED Pod default/nginx"), msg("apiserver", "etcd", "Range", "/registry/")], podFilter);
    expect(out.map((e) => (e.kind === "deliver" ? e.summary : e.kind))).toEqual(["fault", "watch ADDED Pod default/nginx"]);
  });
});

describe("xmlProblem", () => {
  const rows: Array<{ name: string; text: string; want: string | undefined }> = [
    { name: "A nested document with entities, comments and a self-closing tag is well formed.", text: '<svg a="1"><!-- c --><g><text>x &amp; y &#60;</text><rect/></g></svg>\n', want: undefined },
    { name: "A closing tag that does not match the open one is reported.", text: "<svg><g></svg>", want: "</svg> closes <g> at offset 8" },
    { name: "A bare ampersand in text is reported.", text: "<svg>a & b</svg>", want: 'bare "&" at offset 7' },
    { name: "A duplicated attribute is reported.", text: '<svg a="1" a="2"/>', want: "duplicate attribute a at offset 10" },
    { name: "An unquoted attribute is reported.", text: "<svg a=1/>", want: "malformed attributes in <svg> at offset 4" },
    { name: "A second root element is reported.", text: "<svg/><svg/>", want: "second root element <svg> at offset 6" },
    { name: "An element never closed is reported.", text: "<svg><g>", want: "<g> never closed" },
  ];
  for (const r of rows) it(r.name, () => expect(xmlProblem(r.text)).toBe(r.want));
});

describe("mermaidBlocks", () => {
  it("finds each fenced mermaid block with the line it starts on", () => {
    const md = "# t\n\n```mermaid\nsequenceDiagram\n  a->>b: hi\n```\n\n```ts\nx\n```\n```mermaid\nstateDiagram-v2\n```\n";
    expect(mermaidBlocks(md)).toEqual([
      { line: 3, source: "sequenceDiagram\n  a->>b: hi\n" },
      { line: 11, source: "stateDiagram-v2\n" },
    ]);
  });
});

describe("machinePages", () => {
  const toggle = createMachine({ id: "toggle", description: "flips on and off.", initial: "off", states: { off: { on: { FLIP: "on" } }, on: { on: { FLIP: "off" } } } });
  const files = machinePages([{ component: "toggle", exportName: "toggleMachine", machine: toggle }]);

  it("writes a page and an SVG per machine and an index", () => {
    expect(files.map((f) => f.path)).toEqual(["machines/toggle.md", "machines/toggle.svg", "machines/README.md"]);
  });

  it("puts a valid state diagram and the machine's description on the page", () => {
    const page = files[0]!.content;
    expect(page).toContain("flips on and off.");
    const [block] = mermaidBlocks(page);
    expect(validateMermaid(block!.source)).toEqual({ ok: true });
  });

  it("lists the machine in the index with its counts of states and transitions", () => {
    expect(files[2]!.content).toContain("| [toggle](toggle.md) | `toggleMachine` | 2 | 2 | flips on and off. |");
  });

  it("renders a well-formed SVG", () => {
    expect(files[1]!.content.startsWith("<svg")).toBe(true);
    expect(xmlProblem(files[1]!.content)).toBeUndefined();
  });
});

describe("discoverMachines", () => {
  it("finds the machines on disk by component folder, sorted", async () => {
    const found = await discoverMachines();
    const names = found.map((m) => m.component);
    expect(names).toEqual([...names].sort());
    expect(found.filter((m) => ["etcd", "apiserver", "scheduler"].includes(m.component)).map((m) => m.exportName)).toEqual(["apiServerMachine", "etcdMachine", "schedulerMachine"]);
  });

  it("finds a machine by component name and lists the known ones when the name is unknown", async () => {
    expect((await findMachine("etcd")).machine?.id).toBe("etcd");
    const miss = await findMachine("no-such-machine");
    expect(miss.machine).toBeUndefined();
    expect(miss.names).toContain("scheduler");
  });
});

describe("invariantsPage", () => {
  it("lists each invariant by name with its description, escaping table pipes", () => {
    const page = invariantsPage([{ name: "uniquePodIPs", description: "pod IPs are unique | among live pods" }]);
    expect(page.path).toBe("invariants.md");
    expect(page.content).toContain("| `uniquePodIPs` | pod IPs are unique \\| among live pods |");
  });

  it("reads the registry, which names the core invariants", async () => {
    const names = (await registeredInvariants()).map((i) => i.name);
    expect(names).toEqual(expect.arrayContaining(["neverRunningWithoutNodeName", "allocatableNeverExceeded", "uniquePodIPs", "nodeNameSetOnce", "phasesOnlyMoveForward", "etcdRevisionOnlyGrows"]));
  });
});

describe("podflow describe machine and podflow docs", () => {
  /** Runs the CLI, capturing what it prints. */
  async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    const { main } = await import("../../cli/index.js");
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(["node", "podflow", ...args], { out: (s) => out.push(s), err: (s) => err.push(s) });
    return { code, out: out.join("\n"), err: err.join("\n") };
  }

  it("prints the named machine's states and transitions", async () => {
    const r = await cli("describe", "machine", "etcd");
    expect(r.code).toBe(0);
    expect(r.out).toContain("serving (initial)");
    expect(r.out).toContain("- Txn -> (internal) / serveRequest");
  });

  it("exits 2 on an unknown machine and lists the known ones", async () => {
    const r = await cli("describe", "machine", "etdc");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error: unknown machine "etdc"; known machines: .*etcd.*scheduler/);
  });

  it("writes the generated docs under --out", async () => {
    const { mkdtempSync, existsSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "podflow-docs-"));
    try {
      const r = await cli("docs", "--out", dir);
      expect(r.code).toBe(0);
      expect(["machines/README.md", "machines/etcd.md", "machines/etcd.svg", "flows/pod-create.md", "invariants.md"].filter((p) => !existsSync(join(dir, p)))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("withTimeNotes", () => {
  const at = (t: number, e: Extract<TraceEntry, { kind: "deliver" }>) => ({ ...e, t });
  const entries: TraceEntry[] = [
    at(0, msg("kubectl", "apiserver", "ApiRequest", "create pods default")),
    { seq: seq++, t: 0, kind: "fault", fault: "crash", detail: "kubelet/node-2" },
    at(400, msg("apiserver", "kubectl", "ApiResponse", "201 Pod default/nginx")),
    at(50_400, msg("kubectl", "apiserver", "ApiRequest", "delete pods default/nginx")),
  ];
  const diagram = withTimeNotes(traceToSequenceDiagram(entries, { participants: ["kubectl", "apiserver"] }), entries, 1000);

  it("notes a wait of at least the threshold before the arrow that follows it, and only there", () => {
    const body = diagram.split("\n").filter((l) => l.includes("->>") || l.includes("Note"));
    expect(body).toEqual([
      "  kubectl->>apiserver: create pods default",
      "  Note over kubectl,apiserver: fault crash: kubelet/node-2",
      "  apiserver->>kubectl: 201 Pod default/nginx",
      "  Note over kubectl,apiserver: 50 s later",
      "  kubectl->>apiserver: delete pods default/nginx",
    ]);
  });

  it("keeps the diagram valid Mermaid", () => {
    expect(validateMermaid(diagram)).toEqual({ ok: true });
  });
});

describe("formatGap", () => {
  const rows = [
    { name: "Under a second is shown in milliseconds.", ms: 800, want: "800 ms" },
    { name: "Under a minute is shown in seconds.", ms: 38_000, want: "38 s" },
    { name: "Whole minutes drop the seconds.", ms: 300_000, want: "5 min" },
    { name: "Minutes and seconds are both shown.", ms: 310_000, want: "5 min 10 s" },
  ];
  for (const r of rows) it(r.name, () => expect(formatGap(r.ms)).toBe(r.want));
});
