// Where the messages of the benchmark workload go: `node dist/bench/breakdown.js [NODESxPODS]`
// runs the cluster bench's workload (Deployments behind Services, to Running with endpoints) and
// prints messages per pod by receiver, by type (watch events by kind, requests by verb and
// resource) and by sender -> receiver, and the wall time of the steps each receiver took. Kubelets,
// CRIs and CNIs count as one address each (kubelet/*). Wall time of steps on a shared machine is
// only good for shares, not for absolute figures.

import { fileURLToPath } from "node:url";
import { resolve } from "node:path";
import type { Runtime } from "../runtime/runtime.js";
import { benchCluster, benchManifests } from "./workload.js";
import { countReady } from "./cluster-bench.js";
import { parseSize } from "./index.js";

export interface Breakdown {
  pods: number;
  delivered: number;
  byReceiver: Map<string, number>;
  byType: Map<string, number>;
  byPair: Map<string, number>;
  /** nanoseconds of the steps each receiver took (messages and its timers) */
  stepNanos: Map<string, number>;
}

/** kubelet/node-3 -> kubelet/*: one line per component. */
const component = (a: string) => a.replace(/\/.*$/, "/*");

function messageType(msg: { type: string; [k: string]: any }): string {
  if (msg.type === "WatchEvent") return `WatchEvent ${msg.object?.kind ?? msg.eventType}`;
  if (msg.type === "ApiRequest") return `ApiRequest ${msg.verb} ${msg.resource}${msg.subresource ? `/${msg.subresource}` : ""}`;
  return msg.type;
}

const add = (m: Map<string, number>, k: string, n = 1) => m.set(k, (m.get(k) ?? 0) + n);

/** Runs the bench workload at one size and counts its deliveries. */
export async function breakdown(nodes: number, pods: number, seed = 1): Promise<Breakdown> {
  const cluster = benchCluster(nodes, seed);
  const rt = cluster.runtime;
  const out: Breakdown = { pods, delivered: 0, byReceiver: new Map(), byType: new Map(), byPair: new Map(), stepNanos: new Map() };
  rt.deliveryHooks.push((from, to, msg) => {
    const t = messageType(msg);
    add(out.byReceiver, component(to));
    add(out.byType, t);
    add(out.byPair, `${component(from)} -> ${component(to)} | ${t}`);
  });
  // Step times from the step hooks: the time since the previous hook (or the loop's own mark).
  let mark = process.hrtime.bigint();
  rt.stepHooks.push((address) => {
    const now = process.hrtime.bigint();
    add(out.stepNanos, component(address), Number(now - mark));
    mark = now;
  });
  const d0 = rt.delivered;
  const manifests = benchManifests(pods);
  for (let i = 0; i < manifests.length; i += 10) await cluster.apply(manifests.slice(i, i + 10));
  let last = countReady(cluster);
  let n = 0;
  while (last.running < pods || last.endpoints < pods) {
    mark = process.hrtime.bigint();
    if (rt.hasReady) rt.step();
    else if (!rt.fireNextTimer(rt.now + 6 * 3_600_000)) throw new Error(`${nodes}x${pods}: stalled`);
    if (++n % 2_000 === 0) last = countReady(cluster);
  }
  out.delivered = (rt as Runtime).delivered - d0;
  await cluster.stop();
  return out;
}

/** The breakdown as text: per pod, largest first. */
export function formatBreakdown(b: Breakdown, top = 60): string {
  const per = (v: number) => (v / b.pods).toFixed(2).padStart(8);
  const list = (m: Map<string, number>, k: number) => [...m].sort((x, y) => y[1] - x[1]).slice(0, k).map(([name, v]) => `${per(v)}  ${name}`);
  const total = [...b.stepNanos.values()].reduce((x, y) => x + y, 0);
  const steps = [...b.stepNanos].sort((x, y) => y[1] - x[1]).map(([name, v]) => `${(v / 1e3 / b.pods).toFixed(0).padStart(8)} µs ${((100 * v) / total).toFixed(1).padStart(5)}%  ${name}`);
  return [
    `${b.delivered} messages, ${(b.delivered / b.pods).toFixed(1)} per pod`,
    "--- messages per pod, by receiver", ...list(b.byReceiver, top),
    "--- messages per pod, by type", ...list(b.byType, top),
    "--- messages per pod, by sender -> receiver | type", ...list(b.byPair, 2 * top),
    "--- wall time of steps per pod, by actor (shares only on a shared machine)", ...steps,
  ].join("\n");
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [nodes, pods] = parseSize(process.argv[2] ?? "30x900");
  console.log(formatBreakdown(await breakdown(nodes, pods)));
}
