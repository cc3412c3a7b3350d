// What the live view shows of a running cluster: its nodes and pods as the API server's watch
// reports them, the messages delivered, the invariants, the pace. Changes are collected between
// flushes and sent to every page as one batch (Server-Sent Events), so a burst of thousands of
// pods costs one message per flush, never one per change.

import type { Cluster } from "../runtime/cluster.js";
import { podSummary } from "../runtime/printers.js";
import { summarize } from "../runtime/summary.js";
import { FaultInjector, faultNames, type FaultName } from "../runtime/faults.js";
import { seedFor } from "../machines/common/prng.js";
import { InvariantChecker, invariants, type Violation } from "../properties/invariants/index.js";
import { LifecycleHistory, activeIds, warmCharts, type PodRef } from "./charts.js";
import { ApiError } from "../runtime/manifests.js";
import * as S from "../machines/apiserver/status.js";
import type { Action, Backend } from "./server.js";

export interface PodCard {
  uid: string;
  namespace: string;
  name: string;
  node: string;
  phase: string;
  status: string;
  ready: string;
  restarts: string;
  ip: string;
  deleting: boolean;
}

export interface NodeCard {
  name: string;
  ready: string;
}

export interface MessageRow {
  seq: number;
  t: number;
  from: string;
  to: string;
  type: string;
  summary: string;
}

export interface InvariantRow {
  name: string;
  description: string;
  status: "holds" | "violated";
  violations: Array<{ message: string; t: number; delivered: number; replay: string }>;
}

/** Messages the server keeps for a page that opens (the newest ones). */
export const messagesKept = 2_000;
/** Messages one batch carries at most; older ones of a burst are counted, not sent. */
export const messagesPerBatch = 500;
/** Violations kept per invariant. */
const violationsKept = 20;

/** A batch sent to the pages: what changed since the last one. */
export interface Batch {
  t: number;
  delivered: number;
  pace: Cluster["pace"];
  nodes?: NodeCard[];
  pods?: PodCard[];
  removed?: string[];
  messages?: MessageRow[];
  skipped?: number;
  invariants?: InvariantRow[];
  faults?: string[];
  /** the server's wall clock when the batch was sent (ms): the page measures its update latency from it */
  sent?: number;
  /** a recorded trace's components and their states, and its length (podflow view) */
  states?: Record<string, string>;
  total?: number;
}

/** A pod object as its card: kubectl get pods' READY, STATUS, RESTARTS, and where it runs. */
export function podCard(pod: any, now: number): PodCard {
  const s = podSummary(pod, now);
  return {
    uid: String(pod.metadata?.uid ?? ""),
    namespace: String(pod.metadata?.namespace ?? ""),
    name: String(pod.metadata?.name ?? ""),
    node: String(pod.spec?.nodeName ?? ""),
    phase: String(pod.status?.phase ?? "Pending"),
    status: s.status,
    ready: s.ready,
    restarts: s.restarts,
    ip: String(pod.status?.podIP ?? ""),
    deleting: pod.metadata?.deletionTimestamp !== undefined,
  };
}

function nodeCard(node: any): NodeCard {
  const ready = (node.status?.conditions ?? []).find((c: any) => c.type === "Ready");
  return { name: String(node.metadata?.name ?? ""), ready: ready ? (ready.status === "True" ? "Ready" : "NotReady") : "Unknown" };
}

export class LiveView {
  readonly pods = new Map<string, PodCard>();
  readonly nodes = new Map<string, NodeCard>();
  private readonly messages: MessageRow[] = [];
  private pendingMessages: Array<{ seq: number; t: number; from: string; to: string; msg: any }> = [];
  private skipped = 0;
  private readonly dirtyPods = new Set<string>();
  private readonly removed = new Set<string>();
  private dirtyNodes = false;
  private readonly faults: string[] = [];
  private newFaults: string[] = [];
  private readonly invariantRows: InvariantRow[];
  private readonly checker: InvariantChecker;
  private invariantsChanged = true;
  private readonly history: LifecycleHistory;
  private readonly listeners = new Set<(b: Batch) => void>();
  private readonly stops: Array<() => void> = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private injections = 0;
  private closed = false;

  constructor(readonly cluster: Cluster, readonly flushMs = 100) {
    const rt = cluster.runtime;
    this.history = new LifecycleHistory(rt);
    const safety = invariants.filter((i) => (i.kind ?? "safety") === "safety");
    this.checker = new InvariantChecker(rt, safety);
    this.invariantRows = safety.map((i) => ({ name: i.name, description: i.description, status: "holds", violations: [] }));
    // Messages are values: the hook keeps a reference, and the summary is made at the flush, for the newest ones only.
    const hook = (from: string, to: string, msg: any) => {
      this.pendingMessages.push({ seq: rt.delivered, t: rt.now, from, to, msg });
      if (this.pendingMessages.length >= messagesKept * 2) {
        this.skipped += this.pendingMessages.length - messagesKept;
        this.pendingMessages = this.pendingMessages.slice(-messagesKept);
      }
    };
    rt.deliveryHooks.push(hook);
    this.stops.push(() => rt.deliveryHooks.splice(rt.deliveryHooks.indexOf(hook) >>> 0, 1));
    this.follow("nodes", (type, obj) => {
      const name = String(obj?.metadata?.name ?? "");
      if (type === "DELETED") this.nodes.delete(name);
      else this.nodes.set(name, nodeCard(obj));
      this.dirtyNodes = true;
    });
    this.follow("pods", (type, obj) => {
      const uid = String(obj?.metadata?.uid ?? "");
      if (type === "DELETED") {
        this.pods.delete(uid);
        this.dirtyPods.delete(uid);
        this.removed.add(uid);
        return;
      }
      this.pods.set(uid, podCard(obj, this.cluster.now()));
      this.dirtyPods.add(uid);
      this.removed.delete(uid);
    });
    this.flushTimer = setInterval(() => this.flush(), flushMs);
  }

  /** Lists, then watches from the list's resourceVersion, as an informer does. */
  private follow(resource: "pods" | "nodes", on: (type: string, obj: any) => void): void {
    void this.cluster.request({ verb: "list", group: "", resource }).then((list) => {
      if (this.closed || !list.ok) return;
      for (const o of list.object.items) on("ADDED", o);
      this.stops.push(this.cluster.watch({ group: "", resource, resourceVersion: list.object.metadata.resourceVersion }, (ev) => {
        if (ev.eventType === "ADDED" || ev.eventType === "MODIFIED" || ev.eventType === "DELETED") on(ev.eventType, ev.object);
        // a watch that ends (compaction, a dropped stream) is followed again from a fresh list
        else if (ev.eventType === "ERROR" || ev.eventType === "CLOSED") {
          if (!this.closed) setTimeout(() => this.follow(resource, on), 100);
        }
      }));
    });
  }

  /** The invariants, checked once per flush (not per delivery: the live view samples them). */
  private checkInvariants(): void {
    let vs: Violation[];
    try {
      vs = this.checker.step();
    } catch (e) {
      vs = [{ invariant: "noInternalErrors", message: `checking the invariants threw: ${(e as Error)?.message ?? e}` }];
    }
    for (const v of vs) {
      const row = this.invariantRows.find((r) => r.name === v.invariant);
      if (!row) continue;
      row.status = "violated";
      if (row.violations.length < violationsKept) {
        row.violations.push({ message: v.message, t: this.cluster.now(), delivered: this.cluster.runtime.delivered, replay: replayLine(this.cluster) });
      }
      this.invariantsChanged = true;
    }
  }

  /** The whole view, for a page that opens. */
  snapshot(): Batch {
    return {
      t: this.cluster.now(),
      delivered: this.cluster.runtime.delivered,
      pace: this.cluster.pace,
      nodes: [...this.nodes.values()],
      pods: [...this.pods.values()],
      messages: this.messages.slice(-messagesPerBatch),
      invariants: this.invariantRows,
      faults: this.faults.slice(-50),
    };
  }

  /** The messages delivered since the last flush, summarised (the newest messagesPerBatch; the others counted as skipped), kept for pages that open later. */
  private takeMessages(): MessageRow[] {
    const raw = this.pendingMessages;
    this.pendingMessages = [];
    const newest = raw.length > messagesPerBatch ? raw.slice(-messagesPerBatch) : raw;
    this.skipped += raw.length - newest.length;
    const rows = newest.map((m) => ({ seq: m.seq, t: m.t, from: m.from, to: m.to, type: String(m.msg.type), summary: summarize(m.msg) }));
    this.messages.push(...rows);
    if (this.messages.length > messagesKept) this.messages.splice(0, this.messages.length - messagesKept);
    return rows;
  }

  /** Sends what changed since the last flush to every page. */
  flush(): void {
    if (this.closed) return;
    this.checkInvariants();
    if (this.listeners.size === 0) {
      this.dirtyPods.clear();
      this.removed.clear();
      this.takeMessages();
      this.skipped = 0;
      return;
    }
    const b: Batch = { t: this.cluster.now(), delivered: this.cluster.runtime.delivered, pace: this.cluster.pace };
    if (this.dirtyNodes) b.nodes = [...this.nodes.values()];
    if (this.dirtyPods.size > 0) b.pods = [...this.dirtyPods].map((u) => this.pods.get(u)!).filter(Boolean);
    if (this.removed.size > 0) b.removed = [...this.removed];
    const rows = this.takeMessages();
    if (rows.length > 0) b.messages = rows;
    if (this.skipped > 0) b.skipped = this.skipped;
    if (this.invariantsChanged) b.invariants = this.invariantRows;
    if (this.newFaults.length > 0) b.faults = this.newFaults;
    this.newFaults = [];
    this.dirtyNodes = false;
    this.dirtyPods.clear();
    this.removed.clear();
    this.skipped = 0;
    this.invariantsChanged = false;
    b.sent = Date.now();
    for (const l of this.listeners) l(b);
  }

  /** Subscribes a page; returns the function that unsubscribes it. */
  subscribe(l: (b: Batch) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  /** A pod's lifecycles with their charts' active states and the transitions they took. */
  lifecycles(uid: string): unknown {
    const card = this.pods.get(uid);
    if (!card) return undefined;
    const ref: PodRef = { uid, namespace: card.namespace, name: card.name, ...(card.node ? { node: card.node } : {}) };
    const rt = this.cluster.runtime;
    const shared = [
      { key: "apiserver", chart: "apiserver", title: "API server: its request pipeline (shared by every request)", value: rt.snapshot("apiserver")?.value, transitions: [], gone: false },
    ];
    return {
      pod: card,
      charts: [...this.history.of(ref), ...shared].map((c) => ({
        key: c.key,
        chart: c.chart,
        title: c.title,
        gone: c.gone,
        state: stateText(c.value),
        active: activeIds(c.chart, c.value),
        transitions: c.transitions.map((tr) => ({ t: tr.t, actor: tr.actor, from: stateText(tr.from), to: stateText(tr.to), ...changedIds(activeIds(c.chart, tr.from), activeIds(c.chart, tr.to)) })),
      })),
    };
  }

  /** Kills a node: its kubelet, container runtime and CNI plugin stop and stay down. */
  killNode(node: string): boolean {
    const rt = this.cluster.runtime;
    const agents = [`kubelet/${node}`, `cri/${node}`, `cni/${node}`].filter((a) => rt.has(a));
    if (agents.length === 0) return false;
    for (const a of agents) rt.crash(a);
    this.noteFault(`node ${node} killed: ${agents.join(", ")} stopped`);
    return true;
  }

  /** The API clients a crash can hit (as the crash fault picks them). */
  crashable(): string[] {
    const rt = this.cluster.runtime;
    return rt.addresses().filter((a) => rt.snapshot(a)?.context?.client !== undefined).sort();
  }

  /** Crashes one component and starts it again after downMs of simulated time, as the crash fault does. */
  crash(address: string, downMs = 5_000): boolean {
    const rt = this.cluster.runtime;
    if (!this.crashable().includes(address)) return false;
    rt.crash(address);
    rt.later(downMs, () => {
      if (!rt.has(address)) rt.revive(address);
    });
    this.noteFault(`${address} crashed, back in ${downMs} ms`);
    return true;
  }

  /** Injects one fault by name now (per-send faults: for the next 10 s of simulated time, drawn often enough to be seen). */
  inject(name: FaultName): void {
    const rt = this.cluster.runtime;
    const injector = new FaultInjector(rt, seedFor(this.cluster.seed, `ui-fault-${this.injections++}`), [name], { delayProbability: 0.2, dropProbability: 0.1, duplicateProbability: 0.1 });
    injector.injectNow(name);
    this.noteFault(`fault ${name} injected`);
  }

  private noteFault(text: string): void {
    this.faults.push(`t=${this.cluster.now()} ${text}`);
    this.newFaults.push(`t=${this.cluster.now()} ${text}`);
    if (this.faults.length > 200) this.faults.shift();
  }

  close(): void {
    this.closed = true;
    if (this.flushTimer) clearInterval(this.flushTimer);
    for (const s of this.stops) s();
    this.history.close();
    this.listeners.clear();
  }
}

/** The states a transition left and entered: those in both (the ancestors, a parallel region that stayed) took no edge. */
export function changedIds(from: string[], to: string[]): { fromIds: string[]; toIds: string[] } {
  const a = new Set(from);
  const b = new Set(to);
  return { fromIds: from.filter((x) => !b.has(x)), toIds: to.filter((x) => !a.has(x)) };
}

/** A state value as text: "SyncPod.containers", or the regions of a parallel state joined by " | ". */
export function stateText(v: unknown): string {
  if (v === undefined) return "";
  if (typeof v === "string") return v;
  if (v === null || typeof v !== "object") return String(v);
  const parts = Object.entries(v as Record<string, unknown>).map(([k, x]) => (typeof x === "string" ? `${k}.${x}` : x && typeof x === "object" && Object.keys(x).length > 1 ? `${k}(${stateText(x)})` : `${k}.${stateText(x)}`));
  return parts.join(" | ");
}

/**
 * What replays a violation. A live cluster's interleaving follows the wall clock and cannot be
 * replayed; the line names what can be: the seed, and the same manifests on the simulated clock.
 */
function replayLine(c: Cluster): string {
  return `podflow simulate --seed ${c.seed} --nodes ${c.set.nodes.length} -f <the manifests applied> (a live run replays only on the simulated clock; pace "paced" follows its order)`;
}

/** How long a control waits for the cluster before answering 202 (a paused cluster answers only as it is stepped). */
export const controlWaitMs = 10_000;

/** The live view of a cluster, as the /ui/ routes serve it: each control takes the path the CLI takes. */
export function liveBackend(cluster: Cluster, flushMs = 100): Backend & { view: LiveView; close(): void } {
  const view = new LiveView(cluster, flushMs);
  // the charts are drawn once, ahead of the first pod a page selects
  const cold = warmCharts();
  const notFound = (what: string) => new ApiError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: what, reason: "NotFound", details: {}, code: 404 });
  return {
    kind: "live",
    view,
    snapshot: () => view.snapshot(),
    subscribe: (l) => view.subscribe(l),
    get subscribers() {
      return view.subscribers;
    },
    lifecycles: (uid) => view.lifecycles(uid),
    info: () => ({ seed: cluster.seed, nodes: cluster.set.nodes.map((n) => n.metadata!.name!), components: view.crashable(), faults: [...faultNames] }),
    close: () => {
      cold();
      view.close();
    },
    async control(a: Action): Promise<unknown> {
      switch (a.action) {
        case "apply": {
          // the same apply as podflow simulate -f: kubectl's client-side apply through the API server
          const applying = cluster.apply(a.manifest, "<the page>").then((rs) => ({ applied: rs.map((r) => `${r.kind.toLowerCase()}/${r.name} ${r.action}`) }));
          let timer: NodeJS.Timeout | undefined;
          const waited = new Promise<"waiting">((done) => (timer = setTimeout(() => done("waiting"), controlWaitMs)));
          const r = await Promise.race([applying, waited]).finally(() => clearTimeout(timer));
          if (r === "waiting") {
            applying.catch(() => {});
            return { accepted: "the cluster has not answered yet (paused?): the apply goes on as it runs" };
          }
          return r;
        }
        case "delete":
          await cluster.delete("Pod", a.name, a.namespace);
          return { deleted: `pod/${a.name}` };
        case "kill-node":
          if (!view.killNode(a.node)) throw notFound(`node ${S.goQuote(a.node)} has no running agents`);
          return { killed: a.node };
        case "crash":
          if (!view.crash(a.component)) throw notFound(`no running API client ${S.goQuote(a.component)} (one of: ${view.crashable().join(", ")})`);
          return { crashed: a.component };
        case "fault":
          view.inject(a.fault);
          return { injected: a.fault };
        case "pace":
          cluster.setPace(a.pace);
          view.flush();
          return { pace: cluster.pace };
        case "step": {
          if (cluster.pace.mode === "live") throw new ApiError(S.badRequest("pause the cluster (pace paused) before stepping it"));
          const did: string[] = [];
          for (let i = 0; i < a.count; i++) {
            const d = cluster.stepOne();
            if (d === undefined) break;
            did.push(d);
          }
          view.flush();
          return { stepped: did, t: cluster.now(), delivered: cluster.runtime.delivered };
        }
      }
    },
  };
}

export { faultNames };
