// Trace digests: a sha256 over every message delivered in a few seeded runs, so a refactor that
// claims to preserve behaviour can prove it ("every delivered message hashes the same").
// Run after a build: `node dist/bench/trace-digest.js`. Each line is one run's digest; the runs
// are a controller-heavy cluster script and `podflow check --scenario random` for a few seeds.

import { createHash, type Hash } from "node:crypto";
import { pathToFileURL } from "node:url";
import { createCluster, type Cluster } from "../runtime/cluster.js";
import { faultNames } from "../runtime/faults.js";
import type { TraceEntry } from "../runtime/docs/trace-types.js";
import { check } from "../properties/check.js";

/** What one run hashes: every message a receiver got (JSON as delivered) and every timer that fired. */
export interface RunDigest {
  name: string;
  /** sha256 of the delivered messages, in delivery order */
  messages: string;
  /** sha256 of the trace without state entries (deliveries with timers, writes, events, faults) */
  trace: string;
  delivered: number;
}

/** Hashes every message delivered by the cluster's runtime from now on. */
function hashDeliveries(cluster: Cluster, h: Hash, count: { n: number }): void {
  cluster.runtime.deliveryHooks.push((from, to, msg) => {
    count.n++;
    h.update(`${from}\u0000${to}\u0000${JSON.stringify(msg)}\n`);
  });
}

/** Hashes a trace's entries but its state entries (state names are the machines' business, not the protocol's). */
function hashTrace(h: Hash, trace: readonly TraceEntry[]): void {
  for (const e of trace) {
    if (e.kind === "state") continue;
    const { seq: _seq, ...rest } = e;
    h.update(JSON.stringify(rest) + "\n");
  }
}

const deployment = (image: string, replicas: number) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "default" },
  spec: {
    replicas,
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "web", image, ports: [{ containerPort: 80, name: "http" }], readinessProbe: { httpGet: { path: "/", port: 80 }, periodSeconds: 2 } }] },
    },
  },
});

const service = { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "default" }, spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: "http" }] } };

const crashLoop = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "crash", namespace: "default" },
  spec: { containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "echo hi; sleep 2; exit 1"] }] },
};

/** The controller-heavy script: a Deployment of 3 with a Service, a crash loop, scale down, rollout, delete everything, a namespace deleted with its pod. */
export async function clusterRun(seed: number): Promise<RunDigest> {
  const cluster = createCluster({ nodes: 3, seed, clock: "simulated" });
  const h = createHash("sha256");
  const count = { n: 0 };
  hashDeliveries(cluster, h, count);
  await cluster.apply([deployment("nginx:1.27", 3), service, crashLoop]);
  await cluster.settle();
  cluster.advance(60_000);
  await cluster.settle();
  await cluster.apply(deployment("nginx:1.27", 1));
  await cluster.settle();
  cluster.advance(10_000);
  await cluster.apply(deployment("nginx:1.26", 2));
  await cluster.settle();
  cluster.advance(60_000);
  await cluster.settle();
  await cluster.delete("Deployment", "web", "default");
  await cluster.delete("Service", "web", "default");
  await cluster.delete("Pod", "crash", "default");
  await cluster.settle();
  // the namespace controller: a namespace with a pod in it, deleted
  await cluster.apply([{ apiVersion: "v1", kind: "Namespace", metadata: { name: "scratch" } }, { ...crashLoop, metadata: { name: "crash", namespace: "scratch" } }]);
  await cluster.settle();
  await cluster.delete("Namespace", "scratch");
  await cluster.settle();
  cluster.advance(120_000);
  await cluster.settle();
  const t = createHash("sha256");
  hashTrace(t, cluster.trace());
  await cluster.stop();
  return { name: `cluster seed ${seed}`, messages: h.digest("hex"), trace: t.digest("hex"), delivered: count.n };
}

/** `podflow check --scenario random --seed S --seeds N --steps K --faults F`, every run hashed in order. */
export function checkRun(seed: number, faults: "all" | "none", seeds = 5, steps = 2000): RunDigest {
  const h = createHash("sha256");
  const t = createHash("sha256");
  const count = { n: 0 };
  const report = check(
    {
      seed,
      seeds,
      steps,
      faults: faults === "all" ? [...faultNames] : [],
      scenario: "random",
      hooks: {
        trace: true,
        prepare: (cluster) => hashDeliveries(cluster, h, count),
      },
    },
    () => {},
  );
  if (report.failure) throw new Error(`check seed ${seed} found a violation: ${report.failure.result.violations.map((v) => v.message).join("; ")}`);
  // The trace of each run is not reachable from check(); the delivered messages cover every run.
  t.update(`${report.runs} ${report.steps} ${report.faults}`);
  return { name: `check random seed ${seed} faults ${faults}`, messages: h.digest("hex"), trace: t.digest("hex"), delivered: count.n };
}

/** Every digest run, in a fixed order. */
export async function allDigests(): Promise<RunDigest[]> {
  const out: RunDigest[] = [];
  for (const seed of [1, 7]) out.push(await clusterRun(seed));
  for (const seed of [1, 2, 3]) out.push(checkRun(seed, "all"));
  out.push(checkRun(4, "none"));
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const all = await allDigests();
  for (const d of all) console.log(`${d.messages.slice(0, 16)} ${d.trace.slice(0, 16)} ${String(d.delivered).padStart(7)}  ${d.name}`);
  const total = createHash("sha256");
  for (const d of all) total.update(d.messages + d.trace);
  console.log(`total ${total.digest("hex")}`);
}
