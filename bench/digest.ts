// A behaviour digest: seeded simulated clusters and `podflow check` runs, with every message
// delivered between actors (requests, responses, watch events, CRI calls and PLEG events,
// scheduler cycles), every API request and every Event hashed in delivery order. A refactor
// that must not change behaviour keeps every line of `node dist/bench/digest.js` identical.
// Timer firings are hashed apart (their names and keys may change with the machines' timers).

import { createHash, type Hash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { createCluster, type Cluster } from "../runtime/cluster.js";
import { faultNames } from "../runtime/faults.js";
import { examplesDir, runSpec, specFromSeed, type RunSpec } from "../properties/run.js";
import { getDefaultInterpreter, interpreters, setDefaultInterpreter, type Interpreter } from "../runtime/fastpath.js";

/** JSON with object keys sorted, so a digest does not depend on the order fields were set. */
function canonical(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "undefined";
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v instanceof Map) return `Map${canonical([...v.entries()])}`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(",")}}`;
}

interface Digests {
  messages: Hash;
  cri: Hash;
  scheduler: Hash;
  api: Hash;
  timers: Hash;
  /** when each timer fired and at whom, without its name: equal when only timer names changed */
  timerTimes: Hash;
  counts: { messages: number; cri: number; scheduler: number; api: number; timers: number };
}

function newDigests(): Digests {
  return { messages: createHash("sha256"), cri: createHash("sha256"), scheduler: createHash("sha256"), api: createHash("sha256"), timers: createHash("sha256"), timerTimes: createHash("sha256"), counts: { messages: 0, cri: 0, scheduler: 0, api: 0, timers: 0 } };
}

/** Hooks a cluster's runtime: every delivered message goes into the digests as it is delivered. */
function record(cluster: Cluster, d: Digests): void {
  const rt = cluster.runtime;
  rt.deliveryHooks.push((from, to, msg) => {
    const { from: _f, now: _n, ...body } = msg as Record<string, unknown>;
    const line = `${rt.now} ${from}->${to} ${canonical(body)}\n`;
    d.messages.update(line);
    d.counts.messages++;
    if (from.startsWith("cri/") || to.startsWith("cri/")) d.cri.update(line), d.counts.cri++;
    if (from === "scheduler" || to === "scheduler") d.scheduler.update(line), d.counts.scheduler++;
    if ((msg as { type: string }).type === "ApiRequest") d.api.update(line), d.counts.api++;
  });
}

function timerLines(cluster: Cluster, d: Digests): void {
  for (const e of cluster.trace()) {
    if (e.kind === "deliver" && e.from === e.to) {
      d.timers.update(`${e.t} ${e.from} ${e.type} ${e.summary}\n`);
      d.timerTimes.update(`${e.t} ${e.from}\n`);
      d.counts.timers++;
    }
  }
}

function finish(name: string, d: Digests, extra = ""): string {
  const h = (x: Hash) => x.digest("hex").slice(0, 16);
  const c = d.counts;
  return `${name.padEnd(28)} messages=${h(d.messages)} (${c.messages}) cri=${h(d.cri)} (${c.cri}) scheduler=${h(d.scheduler)} (${c.scheduler}) api=${h(d.api)} (${c.api}) timers=${h(d.timers)} (${c.timers}) timer-times=${h(d.timerTimes)}${extra}`;
}

const pod = (name: string, spec: object, labels: Record<string, string> = {}) => ({ apiVersion: "v1", kind: "Pod", metadata: { name, labels }, spec });
const node = (name: string, cpu: string) => {
  const capacity = { cpu, memory: "16Gi", pods: "110", "ephemeral-storage": "100Gi" };
  return { apiVersion: "v1", kind: "Node", metadata: { name, labels: { "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64" } }, status: { capacity, allocatable: capacity } };
};

function examples(file: string): string {
  return readFileSync(`${examplesDir()}${file}`, "utf8");
}

/** One cluster scenario: a name and what is done to the cluster. */
interface Scenario {
  name: string;
  nodes: number;
  seed: number;
  run(c: Cluster): Promise<void>;
}

const scenarios: Scenario[] = [
  {
    name: "deployment-service", nodes: 3, seed: 1,
    async run(c) {
      await c.apply(examples("deployment-service.yaml"));
      await c.settle();
      c.advance(60_000);
      await c.request({ verb: "patch", group: "apps", resource: "deployments", namespace: "default", name: "web", patchType: "merge", body: { spec: { replicas: 1 } } });
      await c.settle();
      c.advance(30_000);
    },
  },
  {
    name: "unschedulable-then-fit", nodes: 2, seed: 7,
    async run(c) {
      // 3 cpu each on 4-cpu nodes: the third waits; a 6-cpu pod fits nowhere until a big node comes.
      for (const n of ["a", "b", "c"]) await c.apply(pod(`big-${n}`, { containers: [{ name: "c", image: "nginx:1.27", resources: { requests: { cpu: "3" } } }] }));
      await c.apply(pod("huge", { containers: [{ name: "c", image: "nginx:1.27", resources: { requests: { cpu: "6" } } }] }));
      await c.settle();
      c.advance(20_000);
      await c.delete("Pod", "big-a");
      await c.settle();
      c.advance(20_000);
      c.advance(6 * 60_000);
      await c.apply(node("node-big", "16"));
      await c.settle();
      c.advance(30_000);
      // priorities in activeQ: two pods created together, the higher priority first
      // priority admission computes spec.priority from the class and refuses one given otherwise
      await c.apply({ apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: "high" }, value: 1000 });
      await c.apply(pod("low", { containers: [{ name: "c", image: "nginx:1.27", resources: { requests: { cpu: "9" } } }] }));
      await c.apply(pod("high", { priorityClassName: "high", containers: [{ name: "c", image: "nginx:1.27", resources: { requests: { cpu: "9" } } }] }));
      await c.settle();
      c.advance(60_000);
    },
  },
  {
    name: "crashloop-and-pull", nodes: 1, seed: 3,
    async run(c) {
      await c.apply(examples("crashloop.yaml"));
      await c.apply(pod("typo", { containers: [{ name: "c", image: "ngnix" }] }));
      await c.apply(examples("exec-liveness.yaml"));
      await c.apply(examples("init-container.yaml"));
      await c.settle();
      for (let i = 0; i < 12; i++) c.advance(30_000);
      await c.settle();
    },
  },
  {
    name: "prestop-grace", nodes: 1, seed: 5,
    async run(c) {
      // ignores SIGTERM (sh as PID 1): SIGKILL at the end of the grace period
      await c.apply(pod("stubborn", { terminationGracePeriodSeconds: 20, containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"], lifecycle: { preStop: { sleep: { seconds: 5 } } } }] }));
      // nginx exits on SIGTERM after its preStop exec
      await c.apply(pod("polite", { terminationGracePeriodSeconds: 30, containers: [{ name: "c", image: "nginx:1.27", lifecycle: { preStop: { exec: { command: ["sh", "-c", "sleep 2"] } } } }] }));
      await c.apply(pod("writer", { containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "while true; do echo tick >> /data/log; sleep 1; done"], volumeMounts: [{ name: "d", mountPath: "/data" }] }, { name: "r", image: "busybox:1.36", command: ["sh", "-c", "sleep 3; tail -f /data/log"], volumeMounts: [{ name: "d", mountPath: "/data" }] }], volumes: [{ name: "d", emptyDir: {} }] }));
      await c.apply(pod("client", { restartPolicy: "Never", containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 2; wget -qO- http://kubernetes.default; nslookup nosuch; wget -qO- http://10.0.0.99/; exit 2"] }] }));
      await c.settle();
      c.advance(30_000);
      await c.delete("Pod", "stubborn");
      await c.delete("Pod", "polite");
      await c.settle();
      c.advance(60_000);
      await c.delete("Pod", "writer", undefined, { gracePeriodSeconds: 0 });
      await c.settle();
      c.advance(10_000);
    },
  },
  {
    name: "delete-everything", nodes: 2, seed: 11,
    async run(c) {
      await c.apply(examples("deployment-service.yaml"));
      await c.apply(examples("crashloop.yaml"));
      await c.apply(examples("nginx.yaml"));
      await c.settle();
      c.advance(45_000);
      await c.delete("Deployment", "web");
      await c.delete("Service", "web");
      await c.delete("Pod", "crasher");
      // as `kubectl delete pod --all` would: a pod the garbage collector removed meanwhile is not an error
      for (const p of c.list("Pod", { namespace: "default" })) await c.delete("Pod", p.metadata.name).catch((e) => { if (e?.status?.code !== 404) throw e; });
      await c.settle();
      c.advance(120_000);
      await c.settle();
    },
  },
];

/** A gated pod: its own line, as the scheduler's handling of schedulingGates is meant to change. */
const gated: Scenario = {
  name: "scheduling-gates", nodes: 1, seed: 13,
  async run(c) {
    await c.apply(pod("gated", { schedulingGates: [{ name: "example.com/wait" }], containers: [{ name: "c", image: "nginx:1.27" }] }));
    await c.settle();
    c.advance(30_000);
    await c.apply(pod("gated", { containers: [{ name: "c", image: "nginx:1.27" }] }));
    await c.settle();
    c.advance(30_000);
  },
};

/** The digest line of one named cluster scenario, optionally under another seed or interpreter. */
export async function scenarioDigest(name: string, seed?: number, interpreter?: Interpreter): Promise<string> {
  const s = [...scenarios, gated].find((x) => x.name === name);
  if (!s) throw new Error(`no digest scenario ${name}`);
  return withInterpreter(interpreter, () => runScenario(seed === undefined ? s : { ...s, seed }));
}

/** The digest line of one `podflow check` run of random commands (with every fault, or none). */
export function checkDigest(seed: number, faults: boolean, interpreter?: Interpreter): Promise<string> {
  return withInterpreter(interpreter, async () => runChecked(`check random${faults ? "+faults" : ""} seed=${seed}`, specFromSeed(seed, { scenario: "random", steps: 400, faults: faults ? [...faultNames] : [] })));
}

/** Runs fn with every runtime it starts on the given interpreter (runSpec starts its own clusters). */
async function withInterpreter<T>(interpreter: Interpreter | undefined, fn: () => Promise<T>): Promise<T> {
  if (interpreter === undefined) return fn();
  const before = getDefaultInterpreter();
  setDefaultInterpreter(interpreter);
  try {
    return await fn();
  } finally {
    setDefaultInterpreter(before);
  }
}

async function runScenario(s: Scenario): Promise<string> {
  const c = createCluster({ nodes: s.nodes, seed: s.seed, clock: "simulated" });
  const d = newDigests();
  record(c, d);
  await s.run(c);
  timerLines(c, d);
  const events = c.events().map((e) => `${e.reason} ${e.involvedObject?.name}: ${e.message} x${e.count ?? 1}`);
  if (process.env.DIGEST_VERBOSE) for (const e of events) console.error(`  ${s.name}: ${e}`);
  const ev = createHash("sha256").update(events.join("\n")).digest("hex").slice(0, 16);
  await c.stop();
  return finish(s.name, d, ` events=${ev} (${events.length})`);
}

function runChecked(name: string, spec: RunSpec): string {
  const d = newDigests();
  let cluster: Cluster | undefined;
  const r = runSpec(spec, { trace: true, prepare: (c) => { cluster = c; record(c, d); } });
  for (const e of r.trace ?? []) if (e.kind === "deliver" && e.from === e.to) d.timers.update(`${e.t} ${e.from} ${e.type} ${e.summary}\n`), d.timerTimes.update(`${e.t} ${e.from}\n`), d.counts.timers++;
  void cluster;
  return finish(name, d, ` steps=${r.steps} violations=${r.violations.length} phase=${r.phase}`);
}

/** Every digest line: cluster scenarios, check runs on a few seeds, and the regression specs. */
export async function behaviourDigests(opts: { gated?: boolean } = {}): Promise<string[]> {
  const out: string[] = [];
  for (const s of scenarios) out.push(await runScenario(s));
  if (opts.gated ?? true) out.push(await runScenario(gated));
  for (const seed of [1, 2, 3]) out.push(runChecked(`check random seed=${seed}`, specFromSeed(seed, { scenario: "random", steps: 400, faults: [] })));
  for (const seed of [4, 5]) out.push(runChecked(`check random+faults seed=${seed}`, specFromSeed(seed, { scenario: "random", steps: 400, faults: [...faultNames] })));
  out.push(runChecked("check deployment seed=6", specFromSeed(6, { scenario: "deployment-service", steps: 300, faults: [] })));
  const dir = fileURLToPath(new URL("../../properties/regressions/", import.meta.url)).replace("/dist/properties/", "/properties/");
  for (const f of readdirSync(dir).filter((x) => x.endsWith(".json")).sort()) {
    out.push(runChecked(`regression ${f}`, JSON.parse(readFileSync(dir + f, "utf8")) as RunSpec));
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  // --interpreter xstate|fast: the same lines either way (runtime/fastpath.ts)
  const i = process.argv.indexOf("--interpreter");
  if (i > 0) {
    const which = process.argv[i + 1] as Interpreter;
    if (!interpreters.includes(which)) throw new Error(`--interpreter: one of ${interpreters.join(", ")}`);
    setDefaultInterpreter(which);
  }
  const started = process.cpuUsage();
  for (const line of await behaviourDigests()) console.log(line);
  const cpu = process.cpuUsage(started);
  console.error(`cpu ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s`);
}
