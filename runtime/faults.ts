// The fault model: what can go wrong on a real cluster's network and hosts, injected into the
// runtime by name. Network faults act on channels (hold, drop, re-send); the others are messages
// to the machine they affect (the API server ends a watch, slides its watch cache, forgets a dead
// client), so every change of a machine's state is a delivery in the trace. Every draw, and the
// settings themselves, come from the run seed, so a run with faults replays exactly; every
// injected fault is counted and traced. A process that dies (crash, node-reboot) is stopped by the
// runtime, which drops its state and its messages, and started again from its machine.

import { deepCopy } from "../machines/common/equal.js";
import { Rng, seedFor } from "../machines/common/prng.js";
import type { Address } from "../machines/messages.js";
import { release, type IPAMState } from "../machines/cni/ipam.js";
import type { Runtime } from "./runtime.js";

/** Every fault podflow can inject, by the name the CLI takes. */
export const faultNames = ["delay", "watch-disconnect", "drop-request", "duplicate-request", "crash", "partition", "compaction", "node-reboot", "server-error"] as const;
export type FaultName = (typeof faultNames)[number];

/** Probabilities and bounds; per-send faults draw on every send, the others after every step. */
export interface FaultSettings {
  delayProbability: number;
  delayMaxMs: number;
  dropProbability: number;
  retryAfterMs: number;
  duplicateProbability: number;
  disconnectProbability: number;
  crashProbability: number;
  crashDowntimeMaxMs: number;
  partitionProbability: number;
  partitionMaxMs: number;
  compactionProbability: number;
  /** watch-cache history entries kept when a compaction fault trims it */
  compactionKeep: number;
  rebootProbability: number;
  rebootDowntimeMaxMs: number;
  /** a client's get or list answered with an error (500, 429 or 504) instead of being served */
  serverErrorProbability: number;
}

/** Defaults sized so a run of a few thousand steps sees each enabled fault a few times. */
export const defaultFaultSettings: FaultSettings = {
  delayProbability: 0.02,
  delayMaxMs: 2_000,
  dropProbability: 0.01,
  retryAfterMs: 1_000,
  duplicateProbability: 0.01,
  disconnectProbability: 0.003,
  crashProbability: 0.001,
  crashDowntimeMaxMs: 10_000,
  partitionProbability: 0.0005,
  partitionMaxMs: 60_000,
  compactionProbability: 0.002,
  compactionKeep: 2,
  rebootProbability: 0.0003,
  rebootDowntimeMaxMs: 20_000,
  serverErrorProbability: 0.005,
};

/**
 * A run's fault settings drawn from its seed (as TigerBeetle's VOPR does), so that one seed explores
 * one fault mix and many seeds many: each rate and bound is the default scaled by a factor drawn
 * log-uniformly from 1/8 to 4 (rare to frequent, short to long), and the watch-cache history a
 * compaction keeps from 0 to 20 entries. Then swarm testing (Groce et al., "Swarm Testing", ISSTA
 * 2012): each fault is left out of one run in five, and half the runs have one fault hot, at a
 * rate a bug that needs many of it meets (fault `hot` caps), so a race that a fault seldom makes
 * (a Binding repeated after a lost response, a watch resumed past a compaction) is common in some runs.
 */
export function faultSettingsFromSeed(seed: number): FaultSettings {
  const rng = new Rng(seedFor(seed, "fault-settings"));
  const scale = (x: number) => x * 2 ** (rng.next() * 5 - 3);
  const ms = (x: number) => Math.max(1, Math.round(scale(x)));
  const d = defaultFaultSettings;
  const drawn: FaultSettings = {
    delayProbability: scale(d.delayProbability),
    delayMaxMs: ms(d.delayMaxMs),
    dropProbability: scale(d.dropProbability),
    retryAfterMs: ms(d.retryAfterMs),
    duplicateProbability: scale(d.duplicateProbability),
    disconnectProbability: scale(d.disconnectProbability),
    crashProbability: scale(d.crashProbability),
    crashDowntimeMaxMs: ms(d.crashDowntimeMaxMs),
    partitionProbability: scale(d.partitionProbability),
    partitionMaxMs: ms(d.partitionMaxMs),
    compactionProbability: scale(d.compactionProbability),
    compactionKeep: rng.int(21),
    // drawn last, so the settings above are what they were before node-reboot came
    rebootProbability: scale(d.rebootProbability),
    rebootDowntimeMaxMs: ms(d.rebootDowntimeMaxMs),
    serverErrorProbability: 0, // drawn apart below
  };
  // The swarm drawn apart, so the draws above are what they were before it came.
  const swarm = new Rng(seedFor(seed, "fault-swarm"));
  const out = { ...drawn };
  for (const f of swarmed) if (swarm.int(5) === 0) out[rateOf[f]] = 0;
  let hot = false;
  if (swarm.int(2) === 0) {
    const f = swarmed[swarm.int(swarmed.length)]!;
    out[rateOf[f]] = hotRates[f] * (0.5 + swarm.next() / 2);
    hot = true;
  }
  // server-error came later: drawn apart, so every fault above is what it was for a seed before it
  // came; left out of one run in five, and hot in one in eight of the runs with no other fault hot.
  const errors = new Rng(seedFor(seed, "fault-server-error"));
  out.serverErrorProbability = d.serverErrorProbability * 2 ** (errors.next() * 5 - 3);
  const errorRate = errors.next();
  if (errorRate < 0.2) out.serverErrorProbability = 0;
  else if (!hot && errorRate >= 0.875) out.serverErrorProbability = hotRates["server-error"] * (0.5 + errors.next() / 2);
  return out;
}

/** The faults the seed's swarm draws (in this order: a fault added later is drawn apart). */
const swarmed = faultNames.filter((f) => f !== "server-error");

/** The probability setting of each fault. */
const rateOf: Record<FaultName, "delayProbability" | "dropProbability" | "duplicateProbability" | "disconnectProbability" | "crashProbability" | "partitionProbability" | "compactionProbability" | "rebootProbability" | "serverErrorProbability"> = {
  delay: "delayProbability",
  "watch-disconnect": "disconnectProbability",
  "drop-request": "dropProbability",
  "duplicate-request": "duplicateProbability",
  crash: "crashProbability",
  partition: "partitionProbability",
  compaction: "compactionProbability",
  "node-reboot": "rebootProbability",
  "server-error": "serverErrorProbability",
};

/**
 * A hot fault's rate (half to all of it): per send for delay, drop and duplicate (a third of
 * requests), per step for the others, often enough to happen tens of times in a run of thousands
 * of steps but not so often that the cluster never gets anywhere (a crash every few hundred steps).
 */
export const hotRates: Readonly<Record<FaultName, number>> = {
  // a held message holds its stream: more than this lags a controller past any timing bound (a minute behind)
  delay: 0.08,
  "watch-disconnect": 0.03,
  "drop-request": 0.2,
  "duplicate-request": 0.3,
  crash: 0.005,
  partition: 0.003,
  compaction: 0.03,
  "node-reboot": 0.002,
  // a tenth of reads fail: a client's informers and lists retry through it
  "server-error": 0.1,
};

/** The settings on one line, in the order of faultNames: printed first with a run, so a reader knows its fault mix. */
export function describeFaultSettings(s: FaultSettings): string {
  const p = (x: number) => x.toPrecision(2);
  return [
    `delay ${p(s.delayProbability)} (up to ${s.delayMaxMs} ms)`,
    `watch-disconnect ${p(s.disconnectProbability)}`,
    `drop-request ${p(s.dropProbability)} (retry after ${s.retryAfterMs} ms)`,
    `duplicate-request ${p(s.duplicateProbability)}`,
    `crash ${p(s.crashProbability)} (down up to ${s.crashDowntimeMaxMs} ms)`,
    `partition ${p(s.partitionProbability)} (up to ${s.partitionMaxMs} ms)`,
    `compaction ${p(s.compactionProbability)} (keeps ${s.compactionKeep})`,
    `node-reboot ${p(s.rebootProbability)} (down up to ${s.rebootDowntimeMaxMs} ms)`,
    `server-error ${p(s.serverErrorProbability ?? 0)}`,
  ].join(", ");
}

/** Parses a comma-separated list of fault names ("all" and "none" allowed); returns the unknown ones on error. */
export function parseFaults(list: string | undefined): { faults: FaultName[] } | { unknown: string[] } {
  if (list === undefined || list === "" || list === "all") return { faults: [...faultNames] };
  if (list === "none") return { faults: [] };
  const names = list.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(faultNames as readonly string[]).includes(n));
  if (unknown.length > 0) return { unknown };
  return { faults: names as FaultName[] };
}

const readOnly = new Set(["get", "list", "watch", "unwatch"]);

/**
 * One injected fault, keyed to the message it struck (a send) or to the delivery after which it
 * was drawn (a per-step fault), as a schedule keys a delivery to its channel: `at` is
 * "<from>><to> <what>#<n>" (the n-th such message on that pair) or that key of the last delivery
 * then "+<k>" (k steps later, timers). A run given a plan injects exactly these faults, where
 * their keys come up, and draws none: cutting other deliveries moves no fault, and the shrinker
 * can leave faults out one by one.
 */
export interface FaultEntry {
  at: string;
  fault: FaultName;
  /** delay: held for; drop-request: retried after; crash, node-reboot: down for; partition: cut off for */
  ms?: number;
  /** crash: the client; partition: the kubelet; node-reboot: the node */
  target?: string;
  /** watch-disconnect: which client watch (the API server's pick) */
  pick?: number;
  /** compaction: history entries kept */
  keep?: number;
  /** server-error: the HTTP code answered (500, 429 or 504) */
  code?: number;
}

/** How a FaultInjector decides: drawing from the seed (recording what it injects, if asked), or following a plan. */
export interface FaultPlanOptions {
  /** inject exactly these faults and draw none */
  plan?: readonly FaultEntry[];
  /** gets every injected fault, in order */
  record?: FaultEntry[];
}

/** Injects the enabled faults into a runtime; uninstall() turns them off (the liveness phase). */
export class FaultInjector {
  readonly counts: Record<FaultName, number>;
  readonly enabled: ReadonlySet<FaultName>;
  private readonly rng: Rng;
  /** node-reboot draws apart, so the other faults of a seed fall where they did before it came */
  private readonly rebootRng: Rng;
  /** server-error draws apart too */
  private readonly errorRng: Rng;
  private readonly settings: FaultSettings;
  private readonly observer = () => this.afterStep();
  private readonly onDelivery = (from: Address, to: Address, msg: { type: string; [k: string]: any }) => {
    this.lastDelivery = this.keyOf(this.deliveryCounts, from, to, msg);
    this.sinceDelivery = 0;
  };
  private installed = false;
  /** the plan by key (entries of one key in order), when following one */
  private readonly plan: Map<string, FaultEntry[]> | undefined;
  private readonly record: FaultEntry[] | undefined;
  private readonly sendCounts = new Map<string, number>();
  private readonly deliveryCounts = new Map<string, number>();
  private lastDelivery = "start";
  private sinceDelivery = 0;
  /** keys are counted only when recording or following a plan (a plain run builds no key strings) */
  private readonly keyed: boolean;

  constructor(private readonly rt: Runtime, seed: number, enabled: readonly FaultName[], settings: Partial<FaultSettings> = {}, opts: FaultPlanOptions = {}) {
    this.rng = new Rng(seedFor(seed, "faults"));
    this.rebootRng = new Rng(seedFor(seed, "faults-node-reboot"));
    this.errorRng = new Rng(seedFor(seed, "faults-server-error"));
    this.enabled = new Set(enabled);
    this.settings = { ...defaultFaultSettings, ...settings };
    this.counts = Object.fromEntries(faultNames.map((n) => [n, 0])) as Record<FaultName, number>;
    this.record = opts.record;
    this.keyed = opts.record !== undefined || opts.plan !== undefined;
    if (opts.plan) {
      this.plan = new Map();
      for (const e of opts.plan) {
        if (!this.enabled.has(e.fault)) continue;
        const list = this.plan.get(e.at);
        if (list) list.push(e);
        else this.plan.set(e.at, [e]);
      }
    }
  }

  /** "<from>><to> <type>[ <verb> <resource>[/<subresource>]]#<n>": the n-th such message on that pair (counted in counts). */
  private keyOf(counts: Map<string, number>, from: Address, to: Address, msg: { type: string; [k: string]: any }): string {
    const what = msg.type === "ApiRequest" ? `${from}>${to} ApiRequest ${msg.verb} ${msg.resource}${msg.subresource ? `/${msg.subresource}` : ""}` : `${from}>${to} ${msg.type}`;
    const n = (counts.get(what) ?? 0) + 1;
    counts.set(what, n);
    return `${what}#${n}`;
  }

  /** The planned faults of a key (removed from the plan: each happens once). */
  private planned(at: string): FaultEntry[] {
    const list = this.plan!.get(at);
    if (!list) return [];
    this.plan!.delete(at);
    return list;
  }

  /** Total faults injected so far. */
  get total(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }

  /** Hooks into the runtime's sends and steps. */
  install(): void {
    if (this.installed || this.enabled.size === 0) return;
    this.installed = true;
    this.rt.sendHook = (from, to, msg) => this.onSend(from, to, msg);
    this.rt.observers.push(this.observer);
    if (this.keyed) this.rt.deliveryHooks.push(this.onDelivery);
  }

  /** Stops injecting (faults already scheduled, such as a pending restart, still complete). */
  uninstall(): void {
    if (!this.installed) return;
    this.installed = false;
    this.rt.sendHook = undefined;
    const i = this.rt.observers.indexOf(this.observer);
    if (i >= 0) this.rt.observers.splice(i, 1);
    const j = this.rt.deliveryHooks.indexOf(this.onDelivery);
    if (j >= 0) this.rt.deliveryHooks.splice(j, 1);
  }

  private count(name: FaultName, detail: string, entry?: FaultEntry): void {
    this.counts[name]++;
    this.rt.record({ kind: "fault", fault: name, detail });
    if (entry) this.record?.push(entry);
  }

  private draw(name: FaultName, p: number, rng: Rng = this.rng): boolean {
    return this.enabled.has(name) && rng.next() < p;
  }

  private onSend(from: Address, to: Address, msg: { type: string; [k: string]: any }): boolean {
    const s = this.settings;
    const at = this.keyed ? this.keyOf(this.sendCounts, from, to, msg) : "";
    if (this.plan) {
      // A planned fault strikes the message its key names; the first one there decides, as a draw would.
      const e = this.planned(at)[0];
      if (e?.fault === "drop-request") return this.dropRequest(from, to, msg, e.ms ?? s.retryAfterMs, at), true;
      if (e?.fault === "duplicate-request") return this.duplicateRequest(from, to, msg, at), true;
      if (e?.fault === "delay") return this.delay(from, to, msg, e.ms ?? 1, at), true;
      if (e?.fault === "server-error") return this.serverError(from, to, msg, e.code ?? 500, at), true;
      return false;
    }
    const clientRequest = msg.type === "ApiRequest" && to === "apiserver" && from !== "kubectl";
    if (clientRequest && this.draw("drop-request", s.dropProbability)) return this.dropRequest(from, to, msg, s.retryAfterMs, at), true;
    if (clientRequest && !readOnly.has(msg.verb) && !generatesName(msg) && this.draw("duplicate-request", s.duplicateProbability)) return this.duplicateRequest(from, to, msg, at), true;
    if (this.draw("delay", s.delayProbability)) return this.delay(from, to, msg, 1 + this.rng.int(s.delayMaxMs), at), true;
    // drawn last and apart: the draws above are what they were before this fault came
    if (clientRequest && (msg.verb === "get" || msg.verb === "list") && this.draw("server-error", s.serverErrorProbability ?? 0, this.errorRng)) return this.serverError(from, to, msg, serverErrors[this.errorRng.int(serverErrors.length)]!.code, at), true;
    return false;
  }

  /** The request is lost on the wire; the client times out and sends it again. */
  private dropRequest(from: Address, to: Address, msg: { type: string; [k: string]: any }, retryAfterMs: number, at: string): void {
    this.count("drop-request", `${from} ${msg.verb} ${msg.resource} #${msg.id} (retried after ${retryAfterMs} ms)`, { at, fault: "drop-request", ms: retryAfterMs });
    // A process that crashed meanwhile retries nothing: its requests died with it.
    const incarnation = this.rt.incarnation(from);
    this.rt.later(retryAfterMs, () => {
      if ((this.rt.has(from) || this.rt.isExternal(from)) && this.rt.incarnation(from) === incarnation) this.rt.post(from, to, { ...msg, attempt: (msg.attempt ?? 0) + 1 });
    });
  }

  /**
   * The API server answers a read with an error instead of serving it, as a real one does under
   * load: 500 when etcd times out, 429 when API Priority and Fairness sheds the request, 504 when
   * the request outlives its timeout. Nothing was read, nothing changed; the client sees the error.
   */
  private serverError(from: Address, to: Address, msg: { type: string; [k: string]: any }, code: number, at: string): void {
    const e = serverErrors.find((x) => x.code === code) ?? serverErrors[0]!;
    this.count("server-error", `${from} ${msg.verb} ${msg.resource} #${msg.id} answered ${e.code} ${e.reason}`, { at, fault: "server-error", code: e.code });
    this.rt.post(to, from, { type: "ApiResponse", id: msg.id, ok: false, code: e.code, status: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: e.message, reason: e.reason, code: e.code, ...(e.code === 429 ? { details: { retryAfterSeconds: 1 } } : {}) } });
  }

  /**
   * The response was lost, so the client retried a request the server had already done.
   * client-go never retries a create with generateName (it is not idempotent: a retry would
   * make a second object), so only requests that name their object are duplicated.
   */
  private duplicateRequest(from: Address, to: Address, msg: { type: string; [k: string]: any }, at: string): void {
    this.count("duplicate-request", `${from} ${msg.verb} ${msg.resource} #${msg.id}`, { at, fault: "duplicate-request" });
    this.rt.post(from, to, msg);
    this.rt.post(from, to, { ...deepCopy(msg), attempt: (msg.attempt ?? 0) + 1 });
  }

  /** A slow stream: its channel holds this and later messages (order is kept within the stream). */
  private delay(from: Address, to: Address, msg: { type: string; [k: string]: any }, ms: number, at: string): void {
    this.count("delay", `${from}>${to} ${msg.type} held ${ms} ms`, { at, fault: "delay", ms });
    this.rt.hold(from, to, msg, ms);
  }

  private afterStep(): void {
    const s = this.settings;
    const at = this.keyed ? `${this.lastDelivery}+${this.sinceDelivery++}` : "";
    if (this.plan) {
      for (const e of this.planned(at)) {
        if (e.fault === "watch-disconnect") this.disconnectOne(at, e.pick);
        else if (e.fault === "crash") this.crashOne(at, e.target, e.ms);
        else if (e.fault === "partition") this.partitionOne(at, e.target, e.ms);
        else if (e.fault === "compaction") this.compact(at, e.keep);
        else if (e.fault === "node-reboot") this.rebootOne(at, e.target, e.ms);
      }
      return;
    }
    if (this.draw("watch-disconnect", s.disconnectProbability)) this.disconnectOne(at);
    if (this.draw("crash", s.crashProbability)) this.crashOne(at);
    if (this.draw("partition", s.partitionProbability)) this.partitionOne(at);
    if (this.draw("compaction", s.compactionProbability)) this.compact(at);
    if (this.draw("node-reboot", s.rebootProbability, this.rebootRng)) this.rebootOne(at);
  }

  /**
   * Injects one fault now, by name, as a draw of it would (the live view's control): the
   * per-step faults act at once; the per-send ones (delay, drop-request, duplicate-request) are
   * drawn on every send from now on, for `forMs` of simulated time. Returns false for a fault
   * this injector does not enable.
   */
  injectNow(name: FaultName, forMs = 10_000): boolean {
    if (!this.enabled.has(name)) return false;
    switch (name) {
      case "watch-disconnect": this.disconnectOne("now"); break;
      case "crash": this.crashOne("now"); break;
      case "partition": this.partitionOne("now"); break;
      case "compaction": this.compact("now"); break;
      case "node-reboot": this.rebootOne("now"); break;
      default: {
        if (this.installed) break;
        this.rt.sendHook = (from, to, msg) => this.onSend(from, to, msg);
        this.rt.later(forMs, () => {
          if (!this.installed) this.rt.sendHook = undefined;
        }, true);
      }
    }
    return true;
  }

  /**
   * Breaks one client watch's stream: the API server, told so, drops it, and the client sees the
   * stream end (EOF to client-go's StreamWatcher, no ERROR event). Its reflector watches again from
   * the last resourceVersion it saw, and re-lists only on a 410 (compacted meanwhile).
   */
  private disconnectOne(at: string, planned?: number): void {
    const pick = planned ?? this.rng.next();
    this.count("watch-disconnect", `one client watch (pick ${pick.toFixed(6)})`, { at, fault: "watch-disconnect", pick });
    this.rt.post("runtime", "apiserver", { type: "DisconnectWatch", pick });
  }

  /** Crashes one API client (its watches end with the connection) and restarts it after a while. */
  private crashOne(at: string, target?: string, ms?: number): void {
    const clients = this.rt.addresses().filter((a) => this.rt.snapshot(a)?.context?.client !== undefined);
    if (clients.length === 0 || (target !== undefined && !clients.includes(target))) return;
    const a = target ?? clients[this.rng.int(clients.length)]!;
    const downMs = ms ?? 1 + this.rng.int(this.settings.crashDowntimeMaxMs);
    this.count("crash", `${a} down for ${downMs} ms`, { at, fault: "crash", target: a, ms: downMs });
    this.rt.crash(a);
    this.rt.later(downMs, () => {
      if (!this.rt.has(a)) this.rt.revive(a);
    });
  }

  /** Cuts one kubelet off from the API server for a while; on healing its watches are gone (410, re-list). */
  private partitionOne(at: string, target?: string, planned?: number): void {
    const kubelets = this.rt.addresses().filter((a) => a.startsWith("kubelet/"));
    if (kubelets.length === 0 || (target !== undefined && !kubelets.includes(target))) return;
    const k = target ?? kubelets[this.rng.int(kubelets.length)]!;
    const ms = planned ?? 1_000 + this.rng.int(this.settings.partitionMaxMs);
    this.count("partition", `${k} cut off from apiserver for ${ms} ms`, { at, fault: "partition", target: k, ms });
    this.rt.clog(k, "apiserver", ms);
    this.rt.clog("apiserver", k, ms);
    this.rt.later(ms, () => {
      this.rt.record({ kind: "fault", fault: "partition", detail: `${k} reconnects: its watches end with 410` });
      this.rt.post("runtime", "apiserver", { type: "DisconnectClientWatches", client: k });
    });
  }

  /**
   * Reboots one node: its kubelet, container runtime and CNI plugin stop at once, and with the
   * runtime every process of its containers. After the downtime they start again in boot order
   * (CNI, runtime, kubelet). The disk survives: host-local's store (/var/lib/cni/networks/<network>)
   * still holds every address and last_reserved_ip, so the round robin goes on where it was. The
   * runtime cannot restore a sandbox whose network namespace died with the boot: while it
   * restores, before it serves the kubelet, it drops them all and calls CNI DEL for each (CRI-O's
   * restore, cri-o#4900; containerd/cri#948 is the leak when it does not), so an address is freed
   * only once its sandbox is gone, and a new sandbox never finds an old one's address reserved.
   * The kubelet then rebuilds its pods from the API server, which still holds their last status.
   */
  /** A node the workload reboots (`systemctl reboot`), not a draw: counted and traced like one, never part of a fault plan. */
  rebootNode(node: string, downMs: number): void {
    this.rebootOne(undefined, node, downMs);
  }

  private rebootOne(at: string | undefined, target?: string, ms?: number): void {
    const kubelets = this.rt.addresses().filter((a) => a.startsWith("kubelet/"));
    if (kubelets.length === 0 || (target !== undefined && !kubelets.includes(`kubelet/${target}`))) return;
    const node = target ?? kubelets[this.rebootRng.int(kubelets.length)]!.slice("kubelet/".length);
    const order = (a: Address) => ["cni/", "cri/", "kubelet/"].findIndex((p) => a.startsWith(p)) >>> 0;
    const agents = this.rt.addresses().filter((a) => a.endsWith(`/${node}`)).sort((a, b) => order(a) - order(b));
    const downMs = ms ?? 1 + this.rebootRng.int(this.settings.rebootDowntimeMaxMs);
    this.count("node-reboot", `${node} down for ${downMs} ms: ${agents.join(", ")}`, at === undefined ? undefined : { at, fault: "node-reboot", target: node, ms: downMs });
    const cni = `cni/${node}`;
    // a value: the CNI's contexts are never changed in place, so this is the store as it was last written
    const onDisk: IPAMState | undefined = this.rt.snapshot(cni)?.context?.ipam;
    for (const a of agents) this.rt.crash(a);
    // Each starts afresh, even one a pending crash restart brought back meanwhile (it would wait on a runtime that was not there).
    this.rt.later(downMs, () => {
      let store = onDisk;
      if (store) {
        // The runtime's restore: every sandbox died with the boot, and CNI DEL frees what it held.
        const lost = [...new Set(Object.values(store.allocations))].sort();
        for (const sandboxId of lost) store = release(store, sandboxId);
        const kept = store.lastReservedIP ? `, last_reserved_ip ${store.lastReservedIP} kept` : "";
        this.rt.record({ kind: "fault", fault: "node-reboot", detail: `${node} boots: cri/${node} drops ${lost.length} sandboxes and releases their addresses (CNI DEL)${kept}` });
      }
      for (const a of agents) this.rt.revive(a, a === cni && store ? (input) => ({ ...input, store }) : undefined);
    });
  }

  /** Compacts etcd now and slides the watch-cache window, so old resourceVersions are gone: the API server does both when told. */
  private compact(at: string, planned?: number): void {
    const keep = planned ?? this.settings.compactionKeep;
    this.count("compaction", `etcd compacted, watch cache keeps ${keep} history entries`, { at, fault: "compaction", keep });
    this.rt.post("runtime", "apiserver", { type: "SlideWatchCache", keep });
  }
}

/** The errors a real API server answers a read with under load, as its Status says them. */
const serverErrors = [
  { code: 500, reason: "InternalError", message: "Internal error occurred: etcdserver: request timed out" },
  { code: 429, reason: "TooManyRequests", message: "Too many requests, please try again later." },
  { code: 504, reason: "Timeout", message: "Timeout: request did not complete within requested timeout - context deadline exceeded" },
];

/** A create that lets the server pick the name: retrying it is not idempotent. */
function generatesName(msg: { [k: string]: any }): boolean {
  return msg.verb === "create" && !msg.subresource && !msg.body?.metadata?.name && !!msg.body?.metadata?.generateName;
}
