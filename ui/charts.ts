// The statecharts the live view draws for one pod: each lifecycle Kubernetes names for it (its
// place in the scheduling queue, its pod worker, each container, probe and image pull in the
// kubelet, its CRI sandbox and containers), read from the actors' snapshots, never changed.
// Charts are drawn by the docs' own generator (machineToMermaid, renderSvg), so the page and
// docs/machines/ cannot disagree.

import type { AnyStateMachine } from "xstate";
import { machineToMermaid, stateIds } from "../runtime/docs/statechart.js";
import { renderSvg } from "../runtime/docs/render.js";
import type { Runtime } from "../runtime/runtime.js";
import { apiServerMachine } from "../machines/apiserver/apiserver.machine.js";
import { podQueueMachine } from "../machines/scheduler/queue.machine.js";
import { podWorkerMachine } from "../machines/kubelet/podworker.machine.js";
import { containerMachine as kubeletContainerMachine } from "../machines/kubelet/container.machine.js";
import { probeWorkerMachine } from "../machines/kubelet/prober.machine.js";
import { imagePullerMachine } from "../machines/kubelet/imagepuller.machine.js";
import { sandboxMachine } from "../machines/cri/sandbox.machine.js";
import { containerMachine as criContainerMachine } from "../machines/cri/container.machine.js";
import { endpointsControllerMachine } from "../machines/endpoints/endpoints.machine.js";
import { kubeletMachine } from "../machines/kubelet/kubelet.machine.js";
import { schedulerMachine } from "../machines/scheduler/scheduler.machine.js";

/** Chart name (the docs/machines/ page name) -> its machine. */
export const charts: ReadonlyMap<string, AnyStateMachine> = new Map<string, AnyStateMachine>([
  ["apiserver", apiServerMachine],
  ["scheduler", schedulerMachine],
  ["scheduler-pod-queue", podQueueMachine],
  ["kubelet", kubeletMachine],
  ["kubelet-pod-worker", podWorkerMachine],
  ["kubelet-container", kubeletContainerMachine],
  ["kubelet-probe-worker", probeWorkerMachine],
  ["kubelet-image-puller", imagePullerMachine],
  ["cri-sandbox", sandboxMachine],
  ["cri-container", criContainerMachine],
  ["endpoints", endpointsControllerMachine],
]);

const svgs = new Map<string, string>();
const ids = new Map<string, Map<string, string>>();

/**
 * A chart's SVG as docs/machines/<name>.svg has it, without the web-font import (the page is
 * offline: no request leaves it); undefined for a name that is no chart.
 */
export function chartSvg(name: string): string | undefined {
  const machine = charts.get(name);
  if (!machine) return undefined;
  let svg = svgs.get(name);
  if (svg === undefined) {
    svg = renderSvg(machineToMermaid(machine)).replace(/^\s*@import url\([^)]*\);\s*$/m, "");
    svgs.set(name, svg);
  }
  return svg;
}

/**
 * Renders every chart ahead of the first page that asks (a layout takes a few hundred ms): one
 * per tick, so the server keeps answering meanwhile. Returns a function that stops it.
 */
export function warmCharts(everyMs = 20): () => void {
  const names = [...charts.keys()];
  let timer: NodeJS.Timeout | undefined;
  const next = () => {
    const name = names.shift();
    if (name === undefined) return;
    chartSvg(name);
    timer = setTimeout(next, everyMs);
  };
  timer = setTimeout(next, everyMs);
  return () => clearTimeout(timer);
}

/** The Mermaid ids of the states a value is in (ancestors included), as the chart's SVG names them. */
export function activeIds(chart: string, value: unknown): string[] {
  const machine = charts.get(chart);
  if (!machine) return [];
  let m = ids.get(chart);
  if (!m) ids.set(chart, (m = stateIds(machine)));
  const out: string[] = [];
  const walk = (prefix: string, v: unknown) => {
    if (typeof v === "string") {
      const id = m!.get(prefix ? `${prefix}.${v}` : v);
      if (id) out.push(id);
      return;
    }
    if (v === null || typeof v !== "object") return;
    for (const k of Object.keys(v)) {
      const path = prefix ? `${prefix}.${k}` : k;
      const id = m!.get(path);
      if (id) out.push(id);
      walk(path, (v as Record<string, unknown>)[k]);
    }
  };
  walk("", value);
  return out;
}

/** One lifecycle of a pod, where it is now. */
export interface Instance {
  /** unique within the pod: chart plus what it is of (a container's name, a probe, an image) */
  key: string;
  chart: string;
  title: string;
  value: unknown;
}

/** A lifecycle's change of state, seen after an actor's step. */
export interface Transition {
  from: unknown;
  to: unknown;
  /** simulated ms */
  t: number;
  /** the actor whose step it was, and the message or timer it took */
  actor: string;
}

/** What of a pod the history follows: its uid and the queue key ("namespace/name"). */
export interface PodRef {
  uid: string;
  namespace: string;
  name: string;
  node?: string;
}

/** A pod's lifecycles in the scheduler, the kubelet and the CRI of its node, now. */
export function podInstances(rt: Runtime, pod: PodRef): Instance[] {
  const out: Instance[] = [];
  const queued = rt.snapshot("scheduler")?.context?.queue?.known?.get(`${pod.namespace}/${pod.name}`);
  if (queued && queued.pod?.metadata?.uid === pod.uid) out.push({ key: "scheduler-pod-queue", chart: "scheduler-pod-queue", title: "scheduler: the pod in the scheduling queue", value: queued.lifecycle.value });
  if (pod.node) {
    out.push(...kubeletInstances(rt.snapshot(`kubelet/${pod.node}`)?.context?.workers?.get(pod.uid)));
    out.push(...criInstances(rt.snapshot(`cri/${pod.node}`)?.context, pod.uid));
  }
  return out;
}

function kubeletInstances(w: any): Instance[] {
  if (!w) return [];
  const out: Instance[] = [{ key: "kubelet-pod-worker", chart: "kubelet-pod-worker", title: "kubelet: pod worker", value: w.lifecycle.value }];
  for (const c of w.containers ?? []) {
    out.push({ key: `kubelet-container/${c.name}`, chart: "kubelet-container", title: `kubelet: container ${c.name}`, value: c.lifecycle.value });
    for (const [kind, p] of Object.entries(c.probes ?? {}) as Array<[string, any]>) {
      if (p) out.push({ key: `kubelet-probe-worker/${c.name}/${kind}`, chart: "kubelet-probe-worker", title: `kubelet: ${kind} probe of ${c.name}`, value: p.value });
    }
  }
  for (const [image, p] of (w.pulls ?? new Map()) as Map<string, any>) out.push({ key: `kubelet-image-puller/${image}`, chart: "kubelet-image-puller", title: `kubelet: pulls of ${image}`, value: p.value });
  return out;
}

function criInstances(ctx: any, uid: string): Instance[] {
  if (!ctx?.sandboxes) return [];
  const out: Instance[] = [];
  const mine = new Set<string>();
  for (const sb of ctx.sandboxes.values()) {
    if (sb.podUid !== uid) continue;
    mine.add(sb.id);
    out.push({ key: `cri-sandbox/${sb.id}`, chart: "cri-sandbox", title: `CRI: sandbox ${sb.id}`, value: sb.lifecycle.value });
  }
  for (const c of ctx.containers.values()) {
    if (mine.has(c.sandboxId)) out.push({ key: `cri-container/${c.id}`, chart: "cri-container", title: `CRI: container ${c.name} (attempt ${c.attempt})`, value: c.lifecycle.value });
  }
  return out;
}

/** Lifecycles kept per pod; past this many pods the oldest pod's history goes. */
export const historyPodsMax = 20_000;
/** Transitions kept per lifecycle. */
export const transitionsMax = 64;

interface Followed {
  chart: string;
  title: string;
  value: unknown;
  valueText: string;
  transitions: Transition[];
  gone: boolean;
}

/**
 * The transitions every pod's lifecycles took, seen after each step of the scheduler, a kubelet
 * or a CRI (Runtime.stepHooks): what changed is found by identity (contexts are values, so an
 * unchanged pod worker or queue entry is the same object), so a step costs a walk of that
 * actor's pods, never a copy.
 */
export class LifecycleHistory {
  private readonly pods = new Map<string, Map<string, Followed>>();
  /** per actor, the objects last seen per pod uid (a worker, a queue entry, a sandbox set) */
  private readonly seen = new Map<string, Map<string, unknown>>();
  private lastKnown: unknown;
  private readonly hook = (address: string) => this.after(address);

  constructor(private readonly rt: Runtime) {
    rt.stepHooks.push(this.hook);
  }

  close(): void {
    const i = this.rt.stepHooks.indexOf(this.hook);
    if (i >= 0) this.rt.stepHooks.splice(i, 1);
  }

  private after(address: string): void {
    if (address === "scheduler") return this.afterScheduler();
    if (address.startsWith("kubelet/")) return this.afterKubelet(address);
    if (address.startsWith("cri/")) return this.afterCri(address);
  }

  private afterScheduler(): void {
    const known = this.rt.snapshot("scheduler")?.context?.queue?.known;
    if (!known || known === this.lastKnown) return;
    this.lastKnown = known;
    const seen = this.seenOf("scheduler");
    const now = new Set<string>();
    for (const qp of known.values()) {
      const uid = qp.pod?.metadata?.uid;
      if (!uid) continue;
      now.add(uid);
      if (seen.get(uid) === qp) continue;
      seen.set(uid, qp);
      this.note(uid, [{ key: "scheduler-pod-queue", chart: "scheduler-pod-queue", title: "scheduler: the pod in the scheduling queue", value: qp.lifecycle.value }], "scheduler", ["scheduler-pod-queue"]);
    }
    for (const uid of seen.keys()) if (!now.has(uid)) {
      seen.delete(uid);
      // the queue forgets a pod once its binding is seen: its lifecycle ended in `forgotten`
      this.gone(uid, "scheduler-pod-queue", "forgotten", "scheduler");
    }
  }

  private afterKubelet(address: string): void {
    const workers: Map<string, any> | undefined = this.rt.snapshot(address)?.context?.workers;
    if (!workers) return;
    const seen = this.seenOf(address);
    for (const [uid, w] of workers) {
      if (seen.get(uid) === w) continue;
      seen.set(uid, w);
      this.note(uid, kubeletInstances(w), address, ["kubelet-"]);
    }
    for (const uid of seen.keys()) if (!workers.has(uid)) seen.delete(uid);
  }

  private afterCri(address: string): void {
    const ctx = this.rt.snapshot(address)?.context;
    if (!ctx?.sandboxes) return;
    const seen = this.seenOf(address);
    // the CRI's maps change as a whole when any sandbox or container does: one pass per step that changed them
    if (seen.get("") === ctx.sandboxes && seen.get("\u0000") === ctx.containers) return;
    seen.set("", ctx.sandboxes);
    seen.set("\u0000", ctx.containers);
    const uids = new Set<string>();
    for (const sb of ctx.sandboxes.values()) uids.add(sb.podUid);
    for (const uid of uids) this.note(uid, criInstances(ctx, uid), address, ["cri-"]);
  }

  private seenOf(address: string): Map<string, unknown> {
    let m = this.seen.get(address);
    if (!m) this.seen.set(address, (m = new Map()));
    return m;
  }

  private followedOf(uid: string): Map<string, Followed> {
    let m = this.pods.get(uid);
    if (!m) {
      if (this.pods.size >= historyPodsMax) this.pods.delete(this.pods.keys().next().value!);
      this.pods.set(uid, (m = new Map()));
    }
    return m;
  }

  /** Records the instances one actor holds for a pod; those of `prefixes` it no longer holds are gone. */
  private note(uid: string, instances: Instance[], actor: string, prefixes: string[]): void {
    const m = this.followedOf(uid);
    const live = new Set<string>();
    for (const i of instances) {
      live.add(i.key);
      const text = JSON.stringify(i.value);
      const f = m.get(i.key);
      if (!f) {
        m.set(i.key, { chart: i.chart, title: i.title, value: i.value, valueText: text, transitions: [], gone: false });
        continue;
      }
      f.gone = false;
      if (f.valueText === text) continue;
      f.transitions.push({ from: f.value, to: i.value, t: this.rt.now, actor });
      if (f.transitions.length > transitionsMax) f.transitions.shift();
      f.value = i.value;
      f.valueText = text;
    }
    for (const [k, f] of m) if (!live.has(k) && prefixes.some((p) => k.startsWith(p)) && !f.gone) f.gone = true;
  }

  private gone(uid: string, key: string, finalState: string, actor: string): void {
    const f = this.pods.get(uid)?.get(key);
    if (!f || f.gone) return;
    f.gone = true;
    if (f.valueText !== JSON.stringify(finalState)) {
      f.transitions.push({ from: f.value, to: finalState, t: this.rt.now, actor });
      f.value = finalState;
      f.valueText = JSON.stringify(finalState);
    }
  }

  /** A pod's lifecycles: what the actors hold now, and those that ended, each with the transitions it took. */
  of(pod: PodRef): Array<Instance & { transitions: Transition[]; gone: boolean }> {
    const out: Array<Instance & { transitions: Transition[]; gone: boolean }> = [];
    const m = this.pods.get(pod.uid);
    const current = podInstances(this.rt, pod);
    const keys = new Set<string>();
    for (const i of current) {
      keys.add(i.key);
      out.push({ ...i, transitions: m?.get(i.key)?.transitions ?? [], gone: false });
    }
    for (const [key, f] of m ?? []) if (!keys.has(key)) out.push({ key, chart: f.chart, title: f.title, value: f.value, transitions: f.transitions, gone: true });
    return out.sort((a, b) => order(a.chart) - order(b.chart) || (a.key < b.key ? -1 : 1));
  }

  /** Forgets a deleted pod. */
  forget(uid: string): void {
    this.pods.delete(uid);
  }
}

const chartOrder = ["kubelet-pod-worker", "kubelet-container", "cri-sandbox", "cri-container", "kubelet-probe-worker", "kubelet-image-puller", "scheduler-pod-queue"];

function order(chart: string): number {
  const i = chartOrder.indexOf(chart);
  return i < 0 ? chartOrder.length : i;
}
