// The fault model: what can go wrong on a real cluster's network and hosts, injected into the
// runtime by name. Every draw comes from one PRNG seeded from the run seed, so a run with
// faults replays exactly; every injected fault is counted and traced.

import { Rng, seedFor } from "../machines/common/prng.js";
import { removeWatch } from "../machines/apiserver/cache.js";
import { gone, tooOldResourceVersionMessage } from "../machines/apiserver/status.js";
import type { Address } from "../machines/messages.js";
import type { Runtime } from "./runtime.js";

/** Every fault podflow can inject, by the name the CLI takes. */
export const faultNames = ["delay", "watch-disconnect", "drop-request", "duplicate-request", "crash", "partition", "compaction"] as const;
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
};

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

/** Injects the enabled faults into a runtime; uninstall() turns them off (the liveness phase). */
export class FaultInjector {
  readonly counts: Record<FaultName, number>;
  readonly enabled: ReadonlySet<FaultName>;
  private readonly rng: Rng;
  private readonly settings: FaultSettings;
  private readonly observer = () => this.afterStep();
  private installed = false;
  private nextCompactId = 1_000_000_000;

  constructor(private readonly rt: Runtime, seed: number, enabled: readonly FaultName[], settings: Partial<FaultSettings> = {}) {
    this.rng = new Rng(seedFor(seed, "faults"));
    this.enabled = new Set(enabled);
    this.settings = { ...defaultFaultSettings, ...settings };
    this.counts = Object.fromEntries(faultNames.map((n) => [n, 0])) as Record<FaultName, number>;
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
  }

  /** Stops injecting (faults already scheduled, such as a pending restart, still complete). */
  uninstall(): void {
    if (!this.installed) return;
    this.installed = false;
    this.rt.sendHook = undefined;
    const i = this.rt.observers.indexOf(this.observer);
    if (i >= 0) this.rt.observers.splice(i, 1);
  }

  private count(name: FaultName, detail: string): void {
    this.counts[name]++;
    this.rt.record({ kind: "fault", fault: name, detail });
  }

  private draw(name: FaultName, p: number): boolean {
    return this.enabled.has(name) && this.rng.next() < p;
  }

  private onSend(from: Address, to: Address, msg: { type: string; [k: string]: any }): boolean {
    const s = this.settings;
    const clientRequest = msg.type === "ApiRequest" && to === "apiserver" && from !== "kubectl";
    if (clientRequest && this.draw("drop-request", s.dropProbability)) {
      // The request is lost on the wire; the client times out and sends it again.
      this.count("drop-request", `${from} ${msg.verb} ${msg.resource} #${msg.id} (retried after ${s.retryAfterMs} ms)`);
      this.rt.later(s.retryAfterMs, () => this.rt.post(from, to, { ...msg, attempt: (msg.attempt ?? 0) + 1 }));
      return true;
    }
    if (clientRequest && !readOnly.has(msg.verb) && !generatesName(msg) && this.draw("duplicate-request", s.duplicateProbability)) {
      // The response was lost, so the client retried a request the server had already done.
      // client-go never retries a create with generateName (it is not idempotent: a retry would
      // make a second object), so only requests that name their object are duplicated.
      this.count("duplicate-request", `${from} ${msg.verb} ${msg.resource} #${msg.id}`);
      this.rt.post(from, to, msg);
      this.rt.post(from, to, { ...structuredClone(msg), attempt: (msg.attempt ?? 0) + 1 });
      return true;
    }
    if (this.draw("delay", s.delayProbability)) {
      // A slow link: the channel holds this and later messages (order is kept, as on one stream).
      const ms = 1 + this.rng.int(s.delayMaxMs);
      this.count("delay", `${from}>${to} ${msg.type} held ${ms} ms`);
      this.rt.post(from, to, msg);
      this.rt.clog(from, to, ms);
      return true;
    }
    return false;
  }

  private afterStep(): void {
    const s = this.settings;
    if (this.draw("watch-disconnect", s.disconnectProbability)) this.disconnectOne();
    if (this.draw("crash", s.crashProbability)) this.crashOne();
    if (this.draw("partition", s.partitionProbability)) this.partitionOne();
    if (this.draw("compaction", s.compactionProbability)) this.compact();
  }

  private apiserverCache(): any {
    return this.rt.snapshot("apiserver")?.context?.cache;
  }

  /** Ends one client watch at the API server with ERROR 410, so the informer re-lists. */
  private disconnectOne(): void {
    const cache = this.apiserverCache();
    if (!cache) return;
    const watches = [...cache.watches.values()].filter((w: any) => this.rt.has(w.client));
    if (watches.length === 0) return;
    const w: any = watches[this.rng.int(watches.length)];
    this.disconnect(w.client, w.watchId);
  }

  private disconnect(client: Address, watchId: number): void {
    const cache = this.apiserverCache();
    removeWatch(cache, client, watchId);
    const oldest = cache.history.length > 0 ? cache.history[0].revision - 1 : cache.revision;
    this.count("watch-disconnect", `${client} watch ${watchId}`);
    this.rt.post("apiserver", client, { type: "WatchEvent", watchId, eventType: "ERROR", object: gone(tooOldResourceVersionMessage(oldest, cache.revision)) });
  }

  /** Crashes one API client (its watches end with the connection) and restarts it after a while. */
  private crashOne(): void {
    const clients = this.rt.addresses().filter((a) => this.rt.snapshot(a)?.context?.client !== undefined);
    if (clients.length === 0) return;
    const a = clients[this.rng.int(clients.length)]!;
    const downMs = 1 + this.rng.int(this.settings.crashDowntimeMaxMs);
    this.count("crash", `${a} down for ${downMs} ms`);
    this.rt.crash(a);
    this.rt.later(downMs, () => {
      if (!this.rt.has(a)) this.rt.revive(a);
    });
  }


  /** Cuts one kubelet off from the API server for a while; on healing its watches are gone (410, re-list). */
  private partitionOne(): void {
    const kubelets = this.rt.addresses().filter((a) => a.startsWith("kubelet/"));
    if (kubelets.length === 0) return;
    const k = kubelets[this.rng.int(kubelets.length)]!;
    const ms = 1_000 + this.rng.int(this.settings.partitionMaxMs);
    this.count("partition", `${k} cut off from apiserver for ${ms} ms`);
    this.rt.clog(k, "apiserver", ms);
    this.rt.clog("apiserver", k, ms);
    this.rt.later(ms, () => {
      const cache = this.apiserverCache();
      if (!cache) return;
      for (const w of [...cache.watches.values()] as any[]) if (w.client === k) this.disconnect(k, w.watchId);
    });
  }

  /** Compacts etcd at its current revision and slides the watch cache window, so old resourceVersions are gone. */
  private compact(): void {
    const etcd = this.rt.snapshot("etcd")?.context;
    const cache = this.apiserverCache();
    if (!etcd || !cache) return;
    // Never past the API server's own etcd watch: that one must survive, as the real compactor ensures.
    let revision = etcd.revision;
    for (const w of etcd.watchers.values()) revision = Math.min(revision, w.nextRevision - 1);
    if (revision <= etcd.compactRevision) return;
    this.count("compaction", `etcd compacted at revision ${revision}`);
    this.rt.post("apiserver", "etcd", { type: "Compact", id: this.nextCompactId++, revision });
    const extra = cache.history.length - this.settings.compactionKeep;
    if (extra > 0) cache.history.splice(0, extra);
  }
}

/** A create that lets the server pick the name: retrying it is not idempotent. */
function generatesName(msg: { [k: string]: any }): boolean {
  return msg.verb === "create" && !msg.subresource && !msg.body?.metadata?.name && !!msg.body?.metadata?.generateName;
}
