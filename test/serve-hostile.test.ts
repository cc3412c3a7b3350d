// Hostile clients against a live `podflow serve`: fast-check sends random paths, verbs, queries,
// headers and bodies over HTTP, and after every request and every batch checks that the server
// stays up, answers only Kubernetes Statuses or objects of the kind asked, never answers 5xx,
// changes nothing when it refuses (or when it is a read or a dry run), and that no identity gains
// a right and no prototype gains a property.
//
// Seed: PODFLOW_HOSTILE_SEED (default: the day number, printed first). Requests:
// PODFLOW_HOSTILE_RUNS (default 4,000 with CI=true, about 90 s, 1,500 otherwise). A failure prints the
// command that replays its shrunk counterexample (PODFLOW_HOSTILE_PATH).

import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { createCluster, type Cluster } from "../runtime/cluster.js";
import { startServer, type RunningServer } from "../runtime/server/http.js";
import { resources } from "../machines/apiserver/resources.js";
import { describeRequest, exampleManifests, normalizeMessage as normalize, replyViolation, requestArb, send, type HostileReply, type HostileRequest } from "./support/hostile.js";

const daySeed = Math.floor(Date.now() / 86_400_000);
const seed = process.env.PODFLOW_HOSTILE_SEED ? Number(process.env.PODFLOW_HOSTILE_SEED) : daySeed;
const replayPath = process.env.PODFLOW_HOSTILE_PATH;
const totalRequests = Number(process.env.PODFLOW_HOSTILE_RUNS ?? (process.env.CI === "true" ? 4_000 : 1_500));
/** requests per batch: a batch runs against one fresh cluster, so a counterexample replays alone */
const batchMax = 32;
const manifests = exampleManifests(new URL("../examples/", import.meta.url));

/** What the server holds before a batch: a pod, a deployment and its service, and one object of most kinds. */
const setupObjects = manifests.filter((m) => ["Pod", "Deployment", "Service", "ConfigMap", "Namespace", "PodDisruptionBudget", "PriorityClass", "Lease", "Secret"].includes(m.kind) && m.metadata?.name !== "crasher");

interface Failure {
  cls: string;
  detail: string;
  request?: HostileRequest;
}

// ---- the served cluster --------------------------------------------------------------------

interface Served {
  cluster: Cluster;
  server: RunningServer;
  pump: NodeJS.Timeout;
}

/** A fresh simulated-clock cluster with the setup objects, served over plain HTTP: nothing in it changes unless asked. */
async function freshServed(): Promise<Served> {
  const cluster = createCluster({ nodes: 1, seed: 1, clock: "simulated", trace: false });
  await cluster.apply(setupObjects);
  cluster.runtime.drainMessages();
  // a read at a future resourceVersion waits for it 3 s in kube-apiserver: here briefly, as time stands still
  const server = await startServer({ cluster, port: 0, tls: false, bookmarkIntervalMs: 1_000, freshnessTimeoutMs: 20 });
  // Messages a request leaves in flight (a logs request waiting for the CRI, a watch) are delivered
  // while it waits; timers never fire, so nothing changes by itself.
  const pump = setInterval(() => {
    try {
      cluster.runtime.drainMessages();
    } catch (e) {
      processErrors.push(`runtime failure while delivering: ${(e as Error).message.split("\n")[0]}`);
    }
  }, 3);
  return { cluster, server, pump };
}

async function stopServed(s: Served): Promise<void> {
  clearInterval(s.pump);
  await s.server.close();
  await s.cluster.stop();
}

/**
 * Every object of every kind the server serves (the watch cache's frozen objects, so an unchanged one
 * is the same reference), etcd's revision and the Service IP and port allocators: what "nothing
 * changed" compares.
 */
interface Snapshot {
  objects: unknown[];
  etcdRevision: unknown;
  allocators: string;
}

function snapshot(cluster: Cluster): Snapshot {
  try {
    cluster.runtime.drainMessages();
  } catch {
    /* a broken runtime shows in the batch checks */
  }
  const objects: unknown[] = [];
  for (const r of resources) objects.push(...cluster.list(r.kind));
  const api = cluster.runtime.snapshot("apiserver")?.context;
  return { objects, etcdRevision: cluster.runtime.snapshot("etcd")?.context?.revision, allocators: JSON.stringify(api?.allocators ?? null) };
}

/** How two snapshots differ, or undefined when they are the same. */
function difference(a: Snapshot, b: Snapshot): string | undefined {
  if (a.etcdRevision !== b.etcdRevision) return `etcd revision ${a.etcdRevision} -> ${b.etcdRevision}`;
  if (a.allocators !== b.allocators) return `allocators ${firstDifference(a.allocators, b.allocators)}`;
  if (a.objects.length === b.objects.length && a.objects.every((o, i) => o === b.objects[i])) return undefined;
  const ta = JSON.stringify(a.objects);
  const tb = JSON.stringify(b.objects);
  return ta === tb ? undefined : `objects ${firstDifference(ta, tb)}`;
}

/** The first difference between two snapshots, for the report. */
function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `before …${a.slice(Math.max(0, i - 80), i + 80)}… after …${b.slice(Math.max(0, i - 80), i + 80)}…`;
}

// ---- what a request may change -------------------------------------------------------------------

function queryOf(r: HostileRequest): URLSearchParams {
  const q = r.target.indexOf("?");
  return new URLSearchParams(q < 0 ? "" : r.target.slice(q + 1));
}

/** Why this request must leave the cluster as it was, or undefined when it may change it. */
function mustNotChange(r: HostileRequest, rep: HostileReply): string | undefined {
  if (rep.code >= 400 || rep.code === 0) return `it was refused (${rep.code})`;
  if (r.method === "GET" || r.method === "HEAD" || r.method === "OPTIONS") return "it is a read";
  const dry = queryOf(r).getAll("dryRun");
  if (dry.length === 1 && dry[0] === "All") return "it is a dry run (dryRun=All)";
  return undefined;
}

// ---- identities and prototypes ---------------------------------------------------------------------

interface Probe {
  who: string;
  token: string;
  verb: string;
  req: Parameters<Cluster["request"]>[0];
}

/**
 * What each identity may do, asked as direct requests that cannot succeed once authorized (an absent
 * name, an empty body, a selector that matches nothing): 403 means refused, anything else allowed.
 */
function probes(cluster: Cluster): Probe[] {
  const who: Array<[string, string]> = [["admin", cluster.adminToken], ["anonymous", ""], ["bogus", "hostile-bogus-token"]];
  for (const [t, u] of cluster.tokens) if (t !== cluster.adminToken) who.push([u.name, t]);
  const absent = "hostile-probe-absent";
  const out: Probe[] = [];
  // the resources whose rights differ between the identities, and every verb on them
  const probed = resources.filter((r) => ["pods", "nodes", "secrets", "leases", "events", "deployments", "namespaces", "services", "endpointslices"].includes(r.resource));
  for (const [name, token] of who) {
    for (const r of probed) {
      const base = { group: r.group, resource: r.resource, ...(r.namespaced ? { namespace: "default" } : {}), token };
      out.push({ who: name, token, verb: `get ${r.resource}`, req: { ...base, verb: "get", name: absent } });
      out.push({ who: name, token, verb: `list ${r.resource}`, req: { ...base, verb: "list", labelSelector: "hostile-probe=none" } });
      out.push({ who: name, token, verb: `create ${r.resource}`, req: { ...base, verb: "create", body: { apiVersion: "v0", kind: "Nothing", metadata: { name: "Not A Name" } } } });
      out.push({ who: name, token, verb: `update ${r.resource}`, req: { ...base, verb: "update", name: absent, body: { metadata: { name: "Not A Name" } } } });
      out.push({ who: name, token, verb: `patch ${r.resource}`, req: { ...base, verb: "patch", name: absent, patchType: "merge", body: {} } });
      out.push({ who: name, token, verb: `delete ${r.resource}`, req: { ...base, verb: "delete", name: absent } });
      for (const sub of r.subresources) {
        if (sub === "log") continue;
        out.push({ who: name, token, verb: `patch ${r.resource}/${sub}`, req: { ...base, verb: "patch", name: absent, subresource: sub, patchType: "merge", body: {} } });
      }
    }
  }
  return out;
}

/** The answer class of every probe: "refused 403", "unauthenticated 401" or "allowed". */
async function rights(cluster: Cluster): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const p of probes(cluster)) {
    const resp = await cluster.request(p.req);
    const v = resp.code === 403 ? "refused 403" : resp.code === 401 ? "unauthenticated 401" : `allowed (${resp.code}${resp.ok ? "" : ` ${String(resp.status?.message ?? "").slice(0, 80)}`})`;
    out.set(`${p.who} ${p.verb}`, v);
  }
  return out;
}

const guarded = [Object.prototype, Array.prototype, Function.prototype, String.prototype] as const;
const pristine = guarded.map((p) => new Map(Object.getOwnPropertyNames(p).map((k) => [k, Object.getOwnPropertyDescriptor(p, k)!])));

/** Properties added to or changed on the built-in prototypes; restores them so the run can go on. */
function prototypeChanges(): string[] {
  const out: string[] = [];
  guarded.forEach((proto, i) => {
    const before = pristine[i]!;
    for (const k of Object.getOwnPropertyNames(proto)) {
      const d = Object.getOwnPropertyDescriptor(proto, k)!;
      const was = before.get(k);
      if (!was) {
        out.push(`${["Object", "Array", "Function", "String"][i]}.prototype.${k} was added`);
        delete (proto as any)[k];
      } else if (was.value !== d.value || was.get !== d.get || was.set !== d.set) {
        out.push(`${["Object", "Array", "Function", "String"][i]}.prototype.${k} was replaced`);
        Object.defineProperty(proto, k, was);
      }
    }
  });
  if (({} as any).groups !== undefined) out.push("({}).groups is defined");
  return out;
}

const processErrors: string[] = [];
// Once a failure has stopped an actor, XState warns on every message still sent to it: the failure
// itself is reported, the thousands of warnings after it are not.
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === "string" && args[0].includes("was sent to stopped actor")) return;
  warn(...args);
};
process.on("uncaughtException", (e) => processErrors.push(`uncaughtException: ${(e as Error)?.message ?? e}`));
process.on("unhandledRejection", (e) => processErrors.push(`unhandledRejection: ${(e as Error)?.message ?? e}`));

// ---- one batch -----------------------------------------------------------------------------------

const stats = { requests: 0, ms: 0, byCode: new Map<number, number>() };
let baseline: Map<string, string> | undefined;

/** The served cluster, kept across batches (a fresh one costs most of a second) until a batch fails. */
let current: { s: Served; batches: number } | undefined;
const freshEvery = 40;

async function served(): Promise<Served> {
  if (current && current.batches++ < freshEvery) return current.s;
  if (current) await stopServed(current.s);
  current = { s: await freshServed(), batches: 1 };
  return current.s;
}

async function retire(): Promise<void> {
  if (!current) return;
  const s = current.s;
  current = undefined;
  await stopServed(s);
}

/** An accepted write under rbac.authorization.k8s.io (2xx to anything but GET or HEAD). */
function changesRbac(r: HostileRequest, rep: { code: number }): boolean {
  return r.method !== "GET" && r.method !== "HEAD" && rep.code >= 200 && rep.code < 300 && r.target.split("?")[0]!.startsWith("/apis/rbac.authorization.k8s.io/");
}

/**
 * Shrinking runs the property again and again on smaller batches; past this many runs after the first
 * failure it stops trying (each later candidate passes unrun) and reports the smallest failure so far.
 */
const shrinkBudget = { runs: 200, left: Infinity };

/** Runs a batch; the first failure whose class is not in `known` is thrown (and the server is replaced). */
async function runBatch(batch: HostileRequest[], known: Set<string>, last: { failure?: Failure }, opts: { fresh?: boolean } = {}): Promise<void> {
  if (opts.fresh) await retire();
  const s = await served();
  let knownHit = false;
  const isBroken = () => processErrors.length > 0 || s.cluster.runtime.snapshot("apiserver")?.status !== "active" || s.cluster.runtime.snapshot("etcd")?.status !== "active";
  const fail = (f: Failure) => {
    if (known.has(f.cls)) {
      knownHit = true;
      return;
    }
    last.failure = f;
    throw new Error(`${f.cls}\n  ${f.detail}${f.request ? `\n  request: ${describeRequest(f.request)}` : ""}`);
  };
  let ok = false;
  try {
    baseline ??= await rights(s.cluster);
    for (const r of batch) {
      const before = snapshot(s.cluster);
      const t0 = performance.now();
      const rep = await send(s.server.url, r, { timeoutMs: 10_000, streamMs: 15 });
      stats.ms += performance.now() - t0;
      stats.requests++;
      stats.byCode.set(rep.code, (stats.byCode.get(rep.code) ?? 0) + 1);
      const v = replyViolation(r, rep);
      if (v) fail({ ...v, request: r });
      const why = mustNotChange(r, rep);
      if (why) {
        const diff = difference(before, snapshot(s.cluster));
        if (diff) fail({ cls: `a request changed the cluster although ${why.replace(/ \(\d+\)/, "")}`, detail: `${rep.code} ${rep.body.toString("utf8").slice(0, 200)}\n  ${diff}`, request: r });
      }
      if (processErrors.length > 0) fail({ cls: `process error: ${processErrors[0]!.slice(0, 100)}`, detail: processErrors.join("\n"), request: r });
      // The bootstrap RBAC policy is stored: an allowed write to it (the admin deleting the
      // scheduler's binding, say) changes the components' rights on purpose, as on Kubernetes, and
      // what follows would run on a cluster reconfigured by its admin. The batch ends there, and
      // the next one gets a fresh server.
      if (changesRbac(r, rep)) {
        await retire();
        ok = true;
        return;
      }
      // a failure already reported broke the server: what follows in this batch says nothing new
      if (knownHit && isBroken()) {
        await retire();
        return;
      }
    }
    // The server still answers, documents and API requests alike.
    const version = await send(s.server.url, { method: "GET", target: "/version", headers: {} }, { timeoutMs: 10_000, streamMs: 15 });
    if (version.code !== 200) fail({ cls: "/version does not answer after the batch", detail: `${version.code} ${version.reset ?? ""}` });
    const ns = await send(s.server.url, { method: "GET", target: "/api/v1/namespaces/default", headers: { Authorization: `Bearer ${s.cluster.adminToken}` } }, { timeoutMs: 10_000, streamMs: 15 });
    if (ns.code !== 200) fail({ cls: "the API does not answer after the batch", detail: `${ns.code} ${ns.body.toString("utf8").slice(0, 300)}` });
    const protos = prototypeChanges();
    if (protos.length > 0) fail({ cls: `a prototype changed: ${protos[0]}`, detail: protos.join(", ") });
    const now = await rights(s.cluster);
    const gained = [...now].filter(([k, v]) => baseline!.get(k) !== v).map(([k, v]) => `${k}: ${baseline!.get(k)} -> ${v}`);
    if (gained.length > 0) fail({ cls: `an identity's rights changed: ${gained[0]}`, detail: gained.slice(0, 10).join("\n  ") });
    ok = true;
  } catch (e) {
    if (last.failure && e instanceof Error && e.message.startsWith(last.failure.cls)) throw e;
    // an exception of the harness itself (a request into a stuck API server, a broken runtime)
    fail({ cls: `exception: ${normalize(String((e as Error)?.message ?? e))}`, detail: String((e as Error)?.stack ?? e).slice(0, 600) });
  } finally {
    const broken = prototypeChanges().length > 0 || isBroken();
    processErrors.length = 0;
    // a failure that broke the server (an actor stopped, a polluted prototype) gets the next batch a fresh one
    if (!ok && broken) await retire();
  }
}

// ---- the property --------------------------------------------------------------------------------

describe("podflow serve against hostile clients", () => {
  it("stays up, answers every request with a Status or the object asked, never 5xx, and refused requests change nothing", async () => {
    const probeCluster = createCluster({ nodes: 1, seed: 1, clock: "simulated", trace: false });
    const tokens = { admin: probeCluster.adminToken, components: [...probeCluster.tokens.keys()].filter((t) => t !== probeCluster.adminToken) };
    await probeCluster.stop();
    const arb = fc.array(requestArb(tokens, manifests), { minLength: 1, maxLength: batchMax, size: "max" });
    const numRuns = Math.max(1, Math.ceil(totalRequests / (batchMax / 2)));
    console.log(`hostile: seed ${seed}${process.env.PODFLOW_HOSTILE_SEED ? "" : " (the day's seed)"}, ${totalRequests} requests in ${numRuns} batches${replayPath ? `, replaying path ${replayPath}` : ""}`);
    const start = performance.now();
    const known = new Set<string>();
    const found: Array<{ failure: Failure; seed: number; path: string; batch: HostileRequest[] }> = [];
    // Each failure class is shrunk and reported once; the search goes on past the classes already found.
    for (let round = 0; round < 25; round++) {
      const last: { failure?: Failure } = {};
      shrinkBudget.left = Infinity;
      const details = await fc.check(
        fc.asyncProperty(arb, async (batch) => {
          if (shrinkBudget.left <= 0) return;
          shrinkBudget.left--;
          try {
            await runBatch(batch, known, last);
          } catch (e) {
            if (shrinkBudget.left === Infinity) shrinkBudget.left = shrinkBudget.runs;
            throw e;
          }
        }),
        { seed, numRuns, ...(replayPath ? { path: replayPath, endOnFailure: true } : {}), interruptAfterTimeLimit: 20 * 60_000 },
      );
      if (!details.failed || !details.counterexample) break;
      const failure = last.failure ?? { cls: String((details.errorInstance as Error)?.message ?? details.errorInstance).split("\n")[0]!, detail: "" };
      // the shrinker's last run may have failed differently: re-run the counterexample for its class
      const again: { failure?: Failure } = {};
      await runBatch(details.counterexample[0], known, again, { fresh: true }).catch(() => undefined);
      const f = again.failure ?? failure;
      found.push({ failure: f, seed: details.seed, path: details.counterexamplePath ?? "", batch: details.counterexample[0] });
      console.log(`hostile: found ${f.cls}\n  ${f.request ? describeRequest(f.request) : `batch: ${details.counterexample[0].map(describeRequest).join("\n    ")}`}\n  ${f.detail.slice(0, 300)} (${((performance.now() - start) / 1000).toFixed(0)} s)`);
      known.add(f.cls);
      if (replayPath) break;
    }
    const secs = (performance.now() - start) / 1000;
    const rss = process.resourceUsage().maxRSS / 1024;
    const codes = [...stats.byCode].sort((a, b) => a[0] - b[0]).map(([c, n]) => `${c}:${n}`).join(" ");
    console.log(`hostile: ${stats.requests} requests in ${secs.toFixed(1)} s (${(stats.requests / secs).toFixed(0)} requests/s overall, ${(stats.ms / stats.requests).toFixed(2)} ms per request on the wire), peak RSS ${rss.toFixed(0)} MiB; answers ${codes}`);
    const report = found.map(({ failure, path, batch }, i) => [
      `${i + 1}. ${failure.cls}`,
      `   ${failure.detail.split("\n").join("\n   ")}`,
      ...(failure.request ? [`   request: ${describeRequest(failure.request)}`] : [`   batch: ${batch.map(describeRequest).join("\n          ")}`]),
      `   replay: PODFLOW_HOSTILE_SEED=${seed} PODFLOW_HOSTILE_PATH="${path}" npx vitest run test/serve-hostile.test.ts`,
    ].join("\n"));
    await retire();
    if (found.length > 0) console.log(`hostile: ${found.length} failure classes\n${report.join("\n")}`);
    expect(report).toEqual([]);
  }, 30 * 60_000);
});
