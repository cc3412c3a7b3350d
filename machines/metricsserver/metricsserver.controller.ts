// metrics-server's steps: informers on Nodes and Pods (its node lister says whom to scrape, its pod
// lister gives PodMetrics their labels); the scrape chart (scrape.lifecycle.machine.ts) asks every
// node for its containers' stats each metric resolution; the API it serves behind the aggregator
// answers from the last two scrapes (metrics.logic.ts). The context is a value.

import type { Fx } from "../common/effects.js";
import { newClient, type ClientState } from "../common/client.js";
import { startInformer } from "../common/client.js";
import { keep, lifecycleOf, scheduleLifecycleTimers, stepKept, type KeptLifecycle } from "../common/lifecycle.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import type { ListContainerStatsResult } from "../cri/messages.js";
import * as I from "../common/informer.js";
import * as L from "./metrics.logic.js";
import { scrapeLifecycleMachine } from "./scrape.lifecycle.machine.js";

export const metricsServerAddress = "metrics-server";
const NODES = 1;
const PODS = 2;

/** What the API server's aggregation layer forwards for metrics.k8s.io: the request and who to answer. */
export type ProxiedApiRequest = { type: "ProxiedApiRequest"; client: string; id: number; req: L.MetricsRequest };

export interface MetricsServerContext {
  self: string;
  client: ClientState;
  scrape: KeptLifecycle<typeof scrapeLifecycleMachine>;
  /** node -> its last two scrapes */
  samples: Map<string, L.NodeSamples>;
  /** the nodes this round's scrape still waits for */
  awaiting: string[];
  statsSeq: number;
}

export interface MetricsServerInput {
  token: string;
  address?: string;
}

export type MetricsServerEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp)
  | ({ type: "ScrapeTimer"; event: { type: string } } & Stamp)
  | (ListContainerStatsResult & Stamp)
  | (ProxiedApiRequest & Stamp);

const lifecycle = lifecycleOf(scrapeLifecycleMachine);

/** A fresh metrics-server: no samples yet, its scrape loop not started. */
export function initialMetricsServer(input: MetricsServerInput): MetricsServerContext {
  return { self: input.address ?? metricsServerAddress, client: newClient(input.token), scrape: keep(lifecycle.start(undefined).snapshot), samples: new Map(), awaiting: [], statsSeq: 0 };
}

/** Informers on Nodes and Pods in every namespace. */
export function startInformers(ctx: MetricsServerContext, fx: Fx): void {
  startInformer(ctx.client, fx, NODES, { group: "", resource: "nodes" });
  startInformer(ctx.client, fx, PODS, { group: "", resource: "pods" });
}

/** The caches are synced: the scrape loop starts (its first tick one resolution from now). */
export function startScraping(ctx: MetricsServerContext, fx: Fx): void {
  const s = lifecycle.start(undefined);
  ctx.scrape = keep(s.snapshot);
  schedule(fx, s);
}

// The scrape loop is the steady state of a cluster with metrics: its ticks never keep settle() busy.
function schedule(fx: Fx, s: { timers: { id: string; delayMs: number; event: { type: string } }[]; cancels: string[] }): void {
  scheduleLifecycleTimers(fx, "scrape", s, (e) => ({ type: "ScrapeTimer", event: e }), true);
}

function observe(ctx: MetricsServerContext, event: { type: string }, fx: Fx): void {
  const s = stepKept(lifecycle, ctx.scrape, event as never);
  ctx.scrape = keep(s.snapshot);
  schedule(fx, s);
  for (const out of s.outputs) if (out.type === "ScrapeNodes") scrapeNodes(ctx, fx);
}

/** A timer of the scrape chart: the next tick (scrape every node) or a scrape's timeout. */
export function onScrapeTimer(ctx: MetricsServerContext, event: { type: string }, fx: Fx): void {
  observe(ctx, event, fx);
}

function scrapeNodes(ctx: MetricsServerContext, fx: Fx): void {
  const nodes = [...(ctx.client.informers.get(NODES)?.store.keys() ?? [])].sort();
  ctx.awaiting = nodes;
  for (const n of nodes) fx.send(`cri/${n}`, { type: "ListContainerStats", id: ++ctx.statsSeq });
  if (nodes.length === 0) observe(ctx, { type: "Scraped" }, fx);
}

/** A node's stats: they become its last sample, the one before its previous. */
export function onStats(ctx: MetricsServerContext, msg: ListContainerStatsResult, fx: Fx): void {
  const before = ctx.samples.get(msg.node);
  ctx.samples.set(msg.node, { ...(before?.last ? { prev: before.last, prevAt: before.lastAt } : {}), last: msg.stats, lastAt: msg.timestamp });
  if (!ctx.awaiting.includes(msg.node)) return;
  ctx.awaiting = ctx.awaiting.filter((n) => n !== msg.node);
  if (ctx.awaiting.length === 0) observe(ctx, { type: "Scraped" }, fx);
}

/** A metrics.k8s.io request the aggregator forwarded: answered to the client directly. */
export function onProxiedRequest(ctx: MetricsServerContext, msg: ProxiedApiRequest & Stamp, fx: Fx): void {
  const pods = ctx.client.informers.get(PODS);
  const nodes = ctx.client.informers.get(NODES);
  const answer = L.serveMetrics(msg.req, {
    samples: ctx.samples,
    podLabels: (ns, name) => { const p = pods?.store.get(`${ns}/${name}`); return p ? (p.metadata?.labels ?? undefined) : null; },
    nodeLabels: (name) => { const n = nodes?.store.get(name); return n ? (n.metadata?.labels ?? undefined) : null; },
    now: msg.now,
  });
  fx.send(msg.client, { type: "ApiResponse", id: msg.id, ...answer });
}

/** Handles a watch event of the informers. */
export function onWatch(ctx: MetricsServerContext, ev: WatchEvent & Stamp, fx: Fx): void {
  I.handleWatchEvent(ctx.client, fx, ev, () => {});
  const nodes = ctx.client.informers.get(NODES);
  // a node gone from the cluster is no longer reported
  for (const n of [...ctx.samples.keys()]) if (nodes?.synced && !nodes.store.has(n)) ctx.samples.delete(n);
}

/** Handles the informers' list answers. */
export function onResponse(ctx: MetricsServerContext, res: ApiResponse & Stamp, fx: Fx): void {
  I.handleResponse(ctx.client, fx, res, () => {});
}
