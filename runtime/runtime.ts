// The actor system: actors made from the machines, one FIFO channel per (sender, receiver)
// pair and one more per watch stream (a watch's events do not queue behind responses, as on
// separate HTTP/2 streams), a clock (virtual or live), a seeded chooser that picks which ready
// channel delivers next, named timers, and a trace. Same seed, same run, byte for byte.

import { isValueMachine } from "./values.js";
import { freezeContext } from "../machines/common/freeze.js";
import { forgetLastStep, lastStepContext } from "../machines/common/step.js";
import { copyWith } from "../machines/common/own.js";
import type { AnyMachineSnapshot, AnyStateMachine } from "xstate";
import type { Address, Effects, TimerRequest } from "../machines/messages.js";
import { Rng, seedFor } from "../machines/common/prng.js";
import { MinHeap } from "./heap.js";
import { summarize } from "./summary.js";
import type { TraceEntry } from "./docs/trace-types.js";
import { inertActorOf } from "../machines/common/lifecycle.js";
import { fastTransition, getDefaultInterpreter, type Interpreter } from "./fastpath.js";

interface Channel {
  key: string;
  from: Address;
  to: Address;
  /** the stream within the (from, to) pair (a watch's), or undefined for the pair's request/response channel */
  stream?: string;
  queue: any[];
  head: number;
  /** index in Runtime.ready, or -1 when empty */
  readyIndex: number;
  /** fault hook: the channel delivers nothing before this time (FIFO is kept) */
  cloggedUntil?: number;
}

interface Timer {
  at: number;
  seq: number;
  owner: Address;
  key: string;
  event: { type: string; [k: string]: unknown };
  background: boolean;
  canceled: boolean;
  /** a runtime callback (fault hooks) instead of an event to an actor */
  fn?: () => void;
}

/** An actor: its machine's snapshot, stepped without an XState actor (contexts are values). */
interface ActorEntry {
  address: Address;
  machine: AnyStateMachine;
  input: unknown;
  lastValue: string;
  /** never changed (each step makes the next one), so forks share it as it is */
  value: AnyMachineSnapshot;
}

/** Remembered steps: receiver snapshot -> queued message -> `address|from|now` -> the outcome. */
export type StepMemo = WeakMap<object, WeakMap<object, Map<string, { machine: AnyStateMachine; value: AnyMachineSnapshot; effects: Effects[] }>>>;

/** An empty step memo (Runtime.stepMemo). */
export function newStepMemo(): StepMemo {
  return new WeakMap();
}

/** An endpoint outside the actor system (the cluster facade, the HTTP server). */
/**
 * An endpoint outside the actor system; `rt` is the runtime delivering (a fork shares its parent's
 * externals, so an endpoint that answers must answer on the runtime that asked, not on its parent).
 */
export type External = (msg: any, from: Address, rt: Runtime) => void;

/** Decides whether a message may cross; returns the reason when it may not. */
export type ChannelPolicy = (from: Address, to: Address, msg: { type: string }) => string | undefined;

export interface RuntimeOptions {
  seed: number;
  /** ms since the epoch at which simulated time starts */
  startTime?: number;
  trace?: boolean;
  policy?: ChannelPolicy;
  /** bound on messages delivered by one settle() before it fails by name */
  maxStepsPerSettle?: number;
  /**
   * bound on the simulated time one settle() runs through before it fails by name (a day): work
   * timers that keep coming (a pull retried at every sync) are a livelock, and a settle that never
   * ends would block its test's event loop, so the test could not even time out. A day, not
   * runUntil's hour: a manifest's own work can lie hours ahead (an activeDeadlineSeconds, a long
   * grace period) and settle() has always run to it
   */
  maxSettleMs?: number;
  /** replaces the seeded chooser: given n > 1 ready channels, the index of the one to deliver */
  choose?: (n: number) => number;
  /**
   * Deep-freezes an actor's context and the message before every transition (all actors, those
   * whose machines runtime/values.ts lists, or those the predicate names): a step that changes its
   * input then throws. Proves contexts are values.
   */
  freezeSnapshots?: boolean | "values" | ((address: Address) => boolean);
  /**
   * What steps value machines: "fast" runs the dispatch plan compiled from each machine's
   * definition (runtime/fastpath.ts), falling back to XState where it does not cover the machine;
   * "xstate" runs every step on XState's interpreter, the reference. Default: setDefaultInterpreter's
   * choice ("fast" unless changed).
   */
  interpreter?: Interpreter;
}

/** Sees a message before it is queued; returns true when it took the message (dropped, held or duplicated it). */
export type SendHook = (from: Address, to: Address, msg: { type: string; [k: string]: any }) => boolean;

/** Sees every delivered message, before the observers run. */
export type DeliveryHook = (from: Address, to: Address, msg: any) => void;

/** An exception a machine threw while handling an event, caught at the actor boundary. */
export interface InternalError {
  actor: Address;
  /** the type of the event being handled */
  event: string;
  message: string;
  /** simulated time of the fault */
  t: number;
}

/**
 * The event the runtime sends an actor right after it threw while handling `during`: the actor
 * is back in the state it was in before that event (its context keeps what the failed step had
 * already changed in place; for a value machine, it is the one the last completed step returned)
 * and may answer the request it had in hand (the API server answers it with a 500 InternalError).
 * A machine with no handler for it just keeps serving.
 */
export interface InternalErrorEvent {
  type: "InternalError";
  message: string;
  during: string;
}

/** How many internal errors the runtime keeps for inspection (all are counted). */
export const internalErrorsKept = 100;

/** Raised when a bounded loop exceeds its bound; the name says which. */
export class BoundExceeded extends Error {
  constructor(public bound: string, detail: string) {
    super(`${bound} exceeded: ${detail}`);
  }
}

export class Runtime {
  now: number;
  readonly seed: number;
  private readonly chooser: Rng;
  private readonly actors = new Map<Address, ActorEntry>();
  private externals = new Map<Address, External>();
  private readonly channels = new Map<string, Channel>();
  private readonly channelByPair = new Map<Address, Map<Address, Channel>>();
  /** a pair's channel -> its watch streams by watch id (what channelByPair is for pairs; channels are never removed) */
  private readonly watchStreams = new WeakMap<Channel, Map<number, Channel>>();
  /** (from>to) -> until: a clogged pair (a partition) also holds the streams it opens meanwhile */
  private pairClogs = new Map<string, number>();
  private readonly ready: Channel[] = [];
  private readonly timers = new MinHeap<Timer>();
  private readonly timerByKey = new Map<string, Timer>();
  private timerSeq = 0;
  private workTimers = 0;
  private readonly traceOn: boolean;
  private readonly entries: TraceEntry[] = [];
  private seq = 0;
  private readonly policy: ChannelPolicy | undefined;
  private readonly maxSteps: number;
  private readonly maxSettleMs: number;
  /** messages delivered since the runtime started */
  delivered = 0;
  refused = 0;
  private delivering = false;
  private failure: Error | undefined;
  /** the exception an actor threw during the current delivery */
  private faulted: { err: unknown } | undefined;
  /** faults caught at the actor boundary: the first internalErrorsKept of them, and their count */
  readonly internalErrors: InternalError[] = [];
  internalErrorCount = 0;
  /** told of every caught fault (serve logs them; tracing may be off there) */
  readonly faultHooks: Array<(f: InternalError) => void> = [];
  /** observers called after every delivery (invariant checks) */
  readonly observers: Array<(rt: Runtime) => void> = [];
  /** fault hook on every send (undefined when faults are off: the hot path stays one check) */
  sendHook: SendHook | undefined;
  /** called with every delivered message (watch-order invariants) */
  readonly deliveryHooks: DeliveryHook[] = [];
  /** called with the actor that just took a step (a message or one of its timers), after the step: the live view's lifecycle history */
  readonly stepHooks: Array<(address: Address) => void> = [];
  /** when set, picks the ready channel instead of the seeded chooser (fast-check, the model checker) */
  choose: ((n: number) => number) | undefined;
  private readonly opts: RuntimeOptions;
  private spawned = new Map<Address, { machine: AnyStateMachine; input: unknown }>();
  private incarnations = new Map<Address, number>();
  /**
   * True while externals, spawned, incarnations and pairClogs may be shared with a fork (they
   * rarely change after start-up): the first write copies them (ownMaps), so a fork copies none.
   */
  private sharedMaps = false;
  private readonly fast: boolean;
  /**
   * Set by the model checker (forks share it): steps already taken, by the receiver's snapshot
   * and the queued message, so a branch that delivers the same message to the same snapshot
   * replays the outcome instead of stepping the machine again. Undefined elsewhere.
   */
  stepMemo: StepMemo | undefined;
  /** the effects performed during the step being remembered */
  private recording: Effects[] | undefined;

  constructor(opts: RuntimeOptions) {
    this.seed = opts.seed;
    this.now = opts.startTime ?? Date.UTC(2026, 0, 1);
    this.chooser = new Rng(seedFor(opts.seed, "chooser"));
    this.traceOn = opts.trace ?? true;
    this.policy = opts.policy;
    this.maxSteps = opts.maxStepsPerSettle ?? 50_000_000;
    this.maxSettleMs = opts.maxSettleMs ?? 86_400_000;
    this.choose = opts.choose;
    this.opts = opts;
    this.fast = (opts.interpreter ?? getDefaultInterpreter()) === "fast";
  }

  /** Starts an actor from a machine at an address. */
  spawn(address: Address, machine: AnyStateMachine, input?: unknown): void {
    if (this.actors.has(address) || this.externals.has(address)) throw new Error(`actor ${address} already exists`);
    const entry = { address, machine, input, lastValue: "" } as ActorEntry;
    this.actors.set(address, entry);
    this.ownMaps();
    this.spawned.set(address, { machine, input });
    this.incarnations.set(address, (this.incarnations.get(address) ?? 0) + 1);
    this.startValue(entry);
    this.recordState(entry);
  }

  /** True when an actor (not an external endpoint) is at the address: its snapshot and the messages it sends are values, shared by forks. */
  runsAsValue(address: Address): boolean {
    return this.actors.has(address);
  }

  /** How many times an address has been started: a restarted process is a new incarnation with new connections. */
  incarnation(address: Address): number {
    return this.incarnations.get(address) ?? 0;
  }

  /**
   * Restarts an actor from the machine and input it was first spawned with (crash, then start
   * afresh); `disk` changes that input into what the process finds on disk when it starts again
   * (host-local's store survives a node's reboot).
   */
  revive(address: Address, disk?: (input: any) => unknown): void {
    const s = this.spawned.get(address);
    if (!s) throw new Error(`actor ${address} was never spawned`);
    this.restart(address, s.machine, disk ? disk(s.input) : s.input);
    this.ownMaps();
    this.spawned.set(address, s);
  }

  /** Restarts an actor on a changed machine (same address and input): how mutants and variants are built from outside. */
  replace(address: Address, change: (machine: AnyStateMachine) => AnyStateMachine): void {
    const s = this.spawned.get(address);
    if (!s) throw new Error(`actor ${address} was never spawned`);
    this.restart(address, change(s.machine), s.input);
  }

  /** Registers an endpoint that is not a machine (it receives messages through a callback). */
  external(address: Address, handler: External): void {
    this.ownMaps();
    this.externals.set(address, handler);
  }

  /** Stops an actor (a crash): its in-memory state is lost, messages to it are dropped, its timers canceled. */
  crash(address: Address): void {
    const e = this.actors.get(address);
    if (!e) return;
    this.actors.delete(address);
    for (const ch of this.channels.values()) if (ch.to === address || ch.from === address) this.drain(ch);
    for (const t of this.timerByKey.values()) if (t.owner === address) this.cancelTimer(t);
    this.record({ kind: "fault", fault: "crash", detail: address });
    // The crashed process's connections close: the API server is told at once (a message, so its
    // own action ends the watches and drops the requests), before a restarted client can send
    // anything: all the API server holds for this client is then the dead process's.
    if (address !== "apiserver" && address !== "etcd" && this.actors.has("apiserver")) this.handOver("runtime", "apiserver", { type: "ClientGone", client: address });
    // etcd's connection to the API server closes too: its request in flight fails, later ones wait
    if (address === "etcd" && this.actors.has("apiserver")) this.handOver("runtime", "apiserver", { type: "EtcdGone" });
  }

  /** Starts a crashed actor again from its machine and input: state is rebuilt from the API server. */
  restart(address: Address, machine: AnyStateMachine, input?: unknown): void {
    this.crash(address);
    this.spawn(address, machine, input);
  }

  /** The addresses ever spawned with an input that carries this token: the actors of one process (kube-controller-manager's controllers). */
  spawnedWithToken(token: string): Address[] {
    return [...this.spawned].filter(([, s]) => (s.input as { token?: unknown } | undefined)?.token === token).map(([a]) => a);
  }

  has(address: Address): boolean {
    return this.actors.has(address);
  }

  /** The snapshot of an actor, for inspection (never mutate it). */
  snapshot(address: Address): any {
    const e = this.actors.get(address);
    if (!e) return undefined;
    return e.value;
  }

  /**
   * An exception an actor threw: during a delivery it is isolated
   * (deliverTo), anywhere else (start-up) it fails the run. Returns true when it was isolated.
   */
  caught(address: Address, err: unknown): boolean {
    if (this.delivering) {
      this.faulted = { err };
      return true;
    }
    this.fail(new Error(`actor ${address} failed: ${(err as Error)?.stack ?? err}`));
    return false;
  }

  /** Starts a value machine: its initial snapshot, and the effects of entering it. */
  private startValue(e: ActorEntry): void {
    const deferred: Array<() => void> = [];
    const snap = e.machine.getInitialSnapshot(this.scopeFor(e, deferred, true) as never, e.input) as AnyMachineSnapshot;
    if (snap.status === "error") {
      // As an actor that failed to start: stopped, and the fault isolated or failing the run.
      e.value = snap;
      if (this.caught(e.address, snap.error)) runAll(deferred);
      return;
    }
    e.value = snap;
    runAll(deferred);
  }

  /**
   * One step of a value machine: XState's transition on its snapshot, in an inert scope (no actor
   * per step, and none per fork). The effects are performed once the step is done, as an actor's
   * are. A step that throws is isolated like an actor's fault: the machine stays in the state it
   * was in, its context is the one the last completed step of the event returned (as a context
   * changed in place kept what the steps before the throw did), and the effects decided before
   * the throw still go out.
   */
  private stepValue(e: ActorEntry, event: unknown): void {
    const snap = e.value!;
    // an actor that stopped (a final state, or failed to start) takes no more events
    if (snap.status !== "active") return;
    if (this.fast && this.stepFast(e, snap, event)) return;
    const deferred: Array<() => void> = [];
    let next: AnyMachineSnapshot;
    try {
      next = e.machine.transition(snap, event as never, this.scopeFor(e, deferred, false) as never) as AnyMachineSnapshot;
    } catch (err) {
      this.stepFailed(e, snap, err, () => runAll(deferred));
      return;
    }
    if (next.status === "error") {
      // an error event no state takes: the actor fails, as XState's own does
      if (this.caught(e.address, next.error)) runAll(deferred);
      return;
    }
    e.value = next;
    runAll(deferred);
  }

  /**
   * The same step on the fast path (runtime/fastpath.ts), with the same outcome, faults included;
   * false when its plan does not cover the machine or the event (XState then takes it).
   */
  private stepFast(e: ActorEntry, snap: AnyMachineSnapshot, event: unknown): boolean {
    const effects: Effects[] = [];
    let next: AnyMachineSnapshot | undefined;
    try {
      next = fastTransition(e.machine, snap, event as { type: string }, effects);
    } catch (err) {
      this.stepFailed(e, snap, err, () => this.performAll(e.address, effects));
      return true;
    }
    if (next === undefined) return false;
    e.value = next;
    this.performAll(e.address, effects);
    return true;
  }

  private performAll(owner: Address, effects: Effects[]): void {
    for (const fx of effects) this.perform(owner, fx);
  }

  /**
   * A step threw: the machine stays in the state it was in, with the context the last completed
   * step of the event returned; the effects decided before the throw go out once it is isolated.
   */
  private stepFailed(e: ActorEntry, snap: AnyMachineSnapshot, err: unknown, performDecided: () => void): void {
    const stepped = lastStepContext();
    if (stepped !== undefined) e.value = { ...snap, context: stepped.context } as AnyMachineSnapshot;
    if (this.caught(e.address, err)) performDecided();
  }

  /**
   * The actor scope XState runs a value machine's step in: the machine's inert actor as `self`,
   * effects emitted to this runtime. Actions run as a running actor runs them (at once; emits and
   * other deferred work once the step is done); while starting, all of it waits for the end.
   */
  private scopeFor(e: ActorEntry, deferred: Array<() => void>, starting: boolean): object {
    const { self, system } = inertActorOf(e.machine);
    return {
      self,
      id: e.address,
      sessionId: e.address,
      logger: console.log,
      system: inertSystemOf(system),
      stopChild: noChildren,
      defer: (fn: () => void) => void deferred.push(fn),
      emit: (ev: { type: string }) => {
        if (ev.type === "effects") this.perform(e.address, ev as Effects);
      },
      actionExecutor: (a: { exec?: (info: unknown, params: unknown) => void; info: unknown; params: unknown }) => {
        if (a.exec === undefined) return;
        if (starting) deferred.push(() => a.exec!(a.info, a.params));
        else a.exec(a.info, a.params);
      },
    };
  }

  addresses(): Address[] {
    return [...this.actors.keys()];
  }

  /** Puts a message on the (from, to) channel, unless the policy refuses it. */
  send(from: Address, to: Address, msg: { type: string; [k: string]: any }): void {
    const why = this.policy?.(from, to, msg);
    if (why !== undefined) {
      this.refused++;
      this.record({ kind: "refused", from, to, type: msg.type, why });
      return;
    }
    if (this.sendHook !== undefined && this.sendHook(from, to, msg)) return;
    this.post(from, to, msg);
  }

  /** Queues a message on its channel, past the policy and the send hook (faults re-send through here). */
  post(from: Address, to: Address, msg: { type: string; [k: string]: any }): void {
    this.enqueue(this.channelFor(from, to, msg), msg);
  }

  /** Queues a message and holds its channel (that stream only) for ms: a slow link, order kept. */
  hold(from: Address, to: Address, msg: { type: string; [k: string]: any }, ms: number): void {
    const ch = this.channelFor(from, to, msg);
    this.enqueue(ch, msg);
    this.clogChannel(ch, this.now + ms);
  }

  private enqueue(ch: Channel, msg: any): void {
    ch.queue.push(msg);
    if (ch.readyIndex < 0 && ch.cloggedUntil === undefined) {
      ch.readyIndex = this.ready.length;
      this.ready.push(ch);
    }
  }

  /** The channel a message travels on: its watch's stream, or the pair's request/response channel. */
  private channelFor(from: Address, to: Address, msg: { type: string; [k: string]: any }): Channel {
    const pair = this.channelByPair.get(from)?.get(to);
    if (msg.type !== "WatchEvent" || typeof msg.watchId !== "number") return pair ?? this.channel(from, to);
    // A watch's stream, found by its number under its pair's channel (made by the pair's first
    // answer): the fan-out sends one event per watcher, and a key string per event (two template
    // strings and a lookup) was most of a send.
    if (pair === undefined) return this.streamChannel(from, to, streamOf(msg)!);
    let byWatch = this.watchStreams.get(pair);
    if (byWatch === undefined) this.watchStreams.set(pair, (byWatch = new Map()));
    let ch = byWatch.get(msg.watchId);
    if (ch === undefined) byWatch.set(msg.watchId, (ch = this.streamChannel(from, to, streamOf(msg)!)));
    return ch;
  }

  /** A stream's channel, made on first use; a stream opened while its pair is clogged is held as well. */
  private streamChannel(from: Address, to: Address, stream: string): Channel {
    const key = `${from}>${to}#${stream}`;
    let ch = this.channels.get(key);
    if (ch === undefined) {
      ch = { key, from, to, stream, queue: [], head: 0, readyIndex: -1 };
      this.channels.set(key, ch);
      const until = this.pairClogs.get(`${from}>${to}`);
      if (until !== undefined && until > this.now) this.clogChannel(ch, until);
    }
    return ch;
  }

  /** The (from, to) channel, made on first use; found through a per-sender map, so sending builds no key string. */
  private channel(from: Address, to: Address): Channel {
    let byTo = this.channelByPair.get(from);
    if (byTo === undefined) this.channelByPair.set(from, (byTo = new Map()));
    let ch = byTo.get(to);
    if (ch === undefined) {
      const key = `${from}>${to}`;
      ch = this.channels.get(key);
      if (ch === undefined) {
        ch = { key, from, to, queue: [], head: 0, readyIndex: -1 };
        this.channels.set(key, ch);
      }
      byTo.set(to, ch);
    }
    return ch;
  }

  /** Number of messages in flight. */
  get inFlight(): number {
    let n = 0;
    for (const ch of this.ready) n += ch.queue.length - ch.head;
    return n;
  }

  /** Messages queued anywhere, clogged channels included. */
  get queued(): number {
    let n = 0;
    for (const ch of this.channels.values()) n += ch.queue.length - ch.head;
    return n;
  }

  /** Where the seeded chooser is: a `choose` that falls back on a copy of it picks what the runtime would have. */
  get chooserState(): number {
    return this.chooser.state;
  }

  /** Keys (`from>to`) of the ready channels, in the order the chooser indexes them. */
  readyKeys(): string[] {
    return this.ready.map((c) => c.key);
  }

  /** The channels holding messages or a clog, for inspection (never mutate): messages in delivery order, the clog's end. */
  queuedChannels(): Array<{ key: string; from: Address; to: Address; messages: readonly any[]; cloggedUntil: number | undefined }> {
    const out: Array<{ key: string; from: Address; to: Address; messages: readonly any[]; cloggedUntil: number | undefined }> = [];
    for (const ch of this.channels.values()) {
      if (ch.queue.length === ch.head && ch.cloggedUntil === undefined) continue;
      out.push({ key: ch.key, from: ch.from, to: ch.to, messages: ch.queue.slice(ch.head), cloggedUntil: ch.cloggedUntil });
    }
    return out;
  }

  /** The timers that can still fire (canceled ones left out), in firing order, for inspection (never mutate). */
  pendingTimers(): Array<{ owner: Address; key: string; at: number; event: { type: string; [k: string]: unknown }; background: boolean; callback: boolean }> {
    return [...this.timerByKey.values()]
      .sort((a, b) => a.at - b.at || a.seq - b.seq)
      .map((t) => ({ owner: t.owner, key: t.key, at: t.at, event: t.event, background: t.background, callback: t.fn !== undefined }));
  }

  /** True when an address is an endpoint registered with external() (delivery does not stamp its messages). */
  isExternal(address: Address): boolean {
    return this.externals.has(address);
  }

  /** Holds every channel from `from` to `to` (each stream too, and those opened meanwhile) for ms of simulated time: nothing crosses, order is kept, then it flows again. */
  clog(from: Address, to: Address, ms: number): void {
    const until = this.now + ms;
    const pair = `${from}>${to}`;
    if ((this.pairClogs.get(pair) ?? -Infinity) < until) {
      this.ownMaps();
      this.pairClogs.set(pair, until);
    }
    this.clogChannel(this.channel(from, to), until);
    for (const ch of this.channels.values()) if (ch.stream !== undefined && ch.from === from && ch.to === to) this.clogChannel(ch, until);
  }

  private clogChannel(ch: Channel, until: number): void {
    if (ch.cloggedUntil !== undefined && ch.cloggedUntil >= until) return;
    ch.cloggedUntil = until;
    this.unready(ch);
    const c = ch;
    this.later(until - this.now, () => {
      if (c.cloggedUntil === undefined || c.cloggedUntil > this.now) return;
      c.cloggedUntil = undefined;
      if (c.queue.length > c.head && c.readyIndex < 0) {
        c.readyIndex = this.ready.length;
        this.ready.push(c);
      }
    });
  }

  /** Runs fn after ms of simulated time, as a work timer (settle waits for it). */
  later(ms: number, fn: () => void, background = false): void {
    const t: Timer = { at: this.now + ms, seq: this.timerSeq++, owner: "", key: `@${this.timerSeq}`, event: { type: "RuntimeCallback" }, background, canceled: false, fn };
    this.timerByKey.set(`|${t.key}`, t);
    this.timers.push(t);
    if (!background) this.workTimers++;
  }

  /** True when some channel has a message to deliver. */
  get hasReady(): boolean {
    return this.ready.length > 0;
  }

  /** Pending timers that keep settle() busy. */
  get pendingWork(): number {
    return this.workTimers;
  }

  /** Delivers one message from a channel the chooser picks. Returns false when none is ready. */
  step(): boolean {
    if (this.ready.length === 0) return false;
    const n = this.ready.length;
    const ch = n === 1 ? this.ready[0]! : this.ready[this.choose !== undefined ? this.choose(n) : this.chooser.int(n)]!;
    const msg = ch.queue[ch.head];
    ch.queue[ch.head++] = undefined;
    if (ch.head === ch.queue.length) this.drain(ch);
    else if (ch.head > 1024 && ch.head * 2 > ch.queue.length) {
      ch.queue = ch.queue.slice(ch.head);
      ch.head = 0;
    }
    this.deliver(ch.from, ch.to, msg);
    return true;
  }

  private drain(ch: Channel): void {
    ch.queue = [];
    ch.head = 0;
    this.unready(ch);
  }

  private unready(ch: Channel): void {
    if (ch.readyIndex >= 0) {
      const last = this.ready.pop()!;
      if (last !== ch) {
        this.ready[ch.readyIndex] = last;
        last.readyIndex = ch.readyIndex;
      }
      ch.readyIndex = -1;
    }
  }

  private freezing(e: ActorEntry): boolean {
    const f = this.opts.freezeSnapshots;
    if (f === undefined || f === false) return false;
    if (f === true) return true;
    return f === "values" ? isValueMachine(e.machine) : f(e.address);
  }

  private deliver(from: Address, to: Address, msg: any): void {
    this.handOver(from, to, msg);
    this.check();
  }

  /** Delivers a message now, bypassing the channels, and leaves the observers to the step it happens in. */
  private handOver(from: Address, to: Address, msg: any): void {
    this.delivered++;
    if (this.traceOn) this.record({ kind: "deliver", from, to, type: msg.type, summary: summarize(msg) });
    for (const h of this.deliveryHooks) h(from, to, msg);
    const ext = this.externals.get(to);
    if (ext) {
      // An endpoint outside the actor system (the HTTP server, the facade) is isolated the same way.
      try {
        ext(msg, from, this);
      } catch (err) {
        this.noteFault(to, msg, err);
      }
    } else {
      const e = this.actors.get(to);
      if (!e) return; // the receiver is down: the message is lost, as on a broken connection
      // stamped on a copy: the sender may still hold the message it sent
      if (this.stepMemo !== undefined && typeof msg === "object" && msg !== null) this.deliverMemo(this.stepMemo, e, from, msg);
      else this.deliverTo(e, stamped(msg, from, this.now));
      this.recordState(e);
      for (const h of this.stepHooks) h(to);
    }
  }

  /**
   * deliverTo through the step memo: a step is a function of the snapshot and the stamped message
   * (contexts are values; machines read no clock or randomness of their own), so the same
   * (snapshot, message, sender, time) gives the same next snapshot and the same effects, which are
   * performed again as they were (the policy and the send hook see them again). A step that
   * faulted is not remembered: it is taken again.
   */
  private deliverMemo(memo: StepMemo, e: ActorEntry, from: Address, msg: object): void {
    const snap = e.value;
    const key = `${e.address}|${from}|${this.now}`;
    let byMsg = memo.get(snap);
    let byKey = byMsg?.get(msg);
    const known = byKey?.get(key);
    if (known !== undefined && known.machine === e.machine) {
      e.value = known.value;
      const fx = known.effects;
      for (let i = 0; i < fx.length; i++) this.perform(e.address, fx[i]!);
      return;
    }
    const errors = this.internalErrorCount;
    const effects: Effects[] = [];
    this.recording = effects;
    try {
      this.deliverTo(e, stamped(msg, from, this.now));
    } finally {
      this.recording = undefined;
    }
    if (this.internalErrorCount !== errors || this.failure !== undefined || this.actors.get(e.address) !== e) return;
    if (byMsg === undefined) memo.set(snap, (byMsg = new WeakMap()));
    if (byKey === undefined) byMsg.set(msg, (byKey = new Map()));
    byKey.set(key, { machine: e.machine, value: e.value, effects });
  }

  /**
   * Sends an event to an actor; an exception thrown while handling it is caught here, at the actor
   * boundary, so one faulty event never stops the others: it is counted and traced, the actor
   * goes on from the state it was in before the event, and it is told (InternalErrorEvent).
   */
  private deliverTo(e: ActorEntry, msg: any): void {
    if (this.freezing(e)) {
      freezeContext(e.value.context);
      freezeContext(msg);
    }
    const f = this.run(e, msg);
    if (f === undefined) return;
    const message = this.noteFault(e.address, msg, f.err);
    // The machine is still in the state it was in before the event.
    const notice: InternalErrorEvent = { type: "InternalError", message, during: msg.type };
    const g = this.run(e, { ...notice, from: e.address, now: this.now });
    if (g !== undefined) {
      // Handling the fault faulted too: the actor restarts from scratch, as a crashed process does.
      this.noteFault(e.address, notice, g.err);
      this.revive(e.address);
    }
  }

  /** Hands an event to an actor; returns what it threw, if it did (its effects are performed either way). */
  private run(e: ActorEntry, msg: any): { err: unknown } | undefined {
    this.delivering = true;
    this.faulted = undefined;
    forgetLastStep();
    try {
      this.stepValue(e, msg);
    } finally {
      this.delivering = false;
    }
    const f = this.faulted as { err: unknown } | undefined;
    this.faulted = undefined;
    return f;
  }

  /** Counts, keeps and traces a caught fault (with the event that caused it); returns its message. */
  private noteFault(actor: Address, msg: { type: string }, err: unknown): string {
    const message = String((err as Error)?.message ?? err);
    this.internalErrorCount++;
    const f: InternalError = { actor, event: msg.type, message, t: this.now };
    if (this.internalErrors.length < internalErrorsKept) this.internalErrors.push(f);
    for (const h of this.faultHooks) h(f);
    this.record({ kind: "fault", fault: "internalError", detail: `${actor} threw handling ${msg.type} ${summarize(msg)}: ${message}` });
    return message;
  }

  private check(): void {
    if (this.failure) {
      const f = this.failure;
      this.failure = undefined;
      throw f;
    }
    for (const o of this.observers) o(this);
  }

  private fail(err: Error): void {
    this.failure = err;
    if (!this.delivering) this.check();
  }

  /** Performs what an actor's step asked for. */
  perform(owner: Address, fx: Effects): void {
    this.recording?.push(fx);
    for (const o of fx.send) this.send(owner, o.to, o.msg);
    for (const key of fx.cancel) {
      const t = this.timerByKey.get(`${owner}|${key}`);
      if (t) this.cancelTimer(t);
    }
    for (const t of fx.timers) this.startTimer(owner, t);
  }

  private startTimer(owner: Address, req: TimerRequest): void {
    const k = `${owner}|${req.key}`;
    const old = this.timerByKey.get(k);
    if (old) this.cancelTimer(old);
    const t: Timer = { at: this.now + req.ms, seq: this.timerSeq++, owner, key: req.key, event: req.event, background: req.background, canceled: false };
    this.timerByKey.set(k, t);
    this.timers.push(t);
    if (!t.background) this.workTimers++;
  }

  private cancelTimer(t: Timer): void {
    if (t.canceled) return;
    t.canceled = true;
    this.timerByKey.delete(`${t.owner}|${t.key}`);
    if (!t.background) this.workTimers--;
  }

  /** The time of the next live timer, or undefined. */
  nextTimerAt(): number | undefined {
    for (;;) {
      const t = this.timers.peek();
      if (!t) return undefined;
      if (!t.canceled) return t.at;
      this.timers.pop();
    }
  }

  /** Fires the earliest timer (moving the clock to it). Returns false when there is none. */
  fireNextTimer(limit = Infinity): boolean {
    const at = this.nextTimerAt();
    if (at === undefined || at > limit) return false;
    const t = this.timers.pop()!;
    this.cancelTimer(t);
    if (t.at > this.now) this.now = t.at;
    if (t.fn !== undefined) {
      t.fn();
      this.check();
      return true;
    }
    const e = this.actors.get(t.owner);
    if (e) {
      const ev: any = { ...t.event, from: t.owner, now: this.now };
      if (this.traceOn) this.record({ kind: "deliver", from: t.owner, to: t.owner, type: ev.type, summary: summarize(ev) });
      this.deliverTo(e, ev);
      this.recordState(e);
      for (const h of this.stepHooks) h(t.owner);
      this.check();
    } else {
      const ext = this.externals.get(t.owner);
      if (ext) {
        try {
          ext({ ...t.event }, t.owner, this);
        } catch (err) {
          this.noteFault(t.owner, t.event, err);
        }
      }
    }
    return true;
  }

  /** Delivers every ready message (at the current time). */
  drainMessages(bound = this.maxSteps): number {
    let n = 0;
    while (this.ready.length > 0) {
      this.step();
      if (++n > bound) throw new BoundExceeded("maxStepsPerSettle", `${n} messages delivered without quiescence at t=${this.now}`);
    }
    return n;
  }

  /** Runs until no message is in flight and no work timer is pending (background timers don't count). */
  settle(): number {
    const limit = this.now + this.maxSettleMs;
    let n = this.drainMessages();
    while (this.workTimers > 0) {
      if (!this.fireNextTimer(limit)) {
        if (this.nextTimerAt() === undefined) break;
        throw new BoundExceeded("maxSettleMs", `work timers still pending after ${this.maxSettleMs} ms of simulated time without quiescence: ${this.pendingWorkTimerNames()}`);
      }
      n += this.drainMessages(this.maxSteps - n);
    }
    return n;
  }

  /** The pending work timers, owner and key, for a settle that did not end (a few, then a count). */
  private pendingWorkTimerNames(): string {
    const work = this.pendingTimers().filter((t) => !t.background).map((t) => `${t.owner} ${t.key}`);
    return work.length <= 5 ? work.join(", ") : `${work.slice(0, 5).join(", ")} and ${work.length - 5} more`;
  }

  /** Moves the clock forward by ms, firing every timer due and delivering every message on the way. */
  advance(ms: number): void {
    const target = this.now + ms;
    this.drainMessages();
    while (this.fireNextTimer(target)) this.drainMessages();
    if (this.now < target) this.now = target;
  }

  /**
   * Works toward `target` (simulated ms) as advance() does, but for at most about budgetMs of wall
   * time: a live server runs the cluster in such slices and answers I/O between them. Returns true
   * when everything due by `target` has run (the clock is then at `target`).
   */
  runSlice(target: number, budgetMs: number): boolean {
    const end = performance.now() + budgetMs;
    let n = 0;
    for (;;) {
      if (this.ready.length > 0) this.step();
      else if (!this.fireNextTimer(target)) break;
      // reading the wall clock costs more than a delivery: every 32nd one
      if ((++n & 31) === 0 && performance.now() >= end) return false;
    }
    if (this.now < target) this.now = target;
    return true;
  }

  /**
   * One delivery, for a paced or paused run (the live view's step): a ready message if there is
   * one, else the earliest timer up to `limit` (the clock jumps to it, as on the simulated clock).
   * The same order as settle() and advance() take, so a run stepped one at a time is the
   * simulated clock's run. Returns what it did, or undefined when nothing is due by `limit`.
   */
  stepOne(limit = Infinity): "message" | "timer" | undefined {
    if (this.ready.length > 0) {
      this.step();
      return "message";
    }
    return this.fireNextTimer(limit) ? "timer" : undefined;
  }

  /** Runs until `done()` holds, delivering messages and firing timers; throws by name past the bound. */
  runUntil(done: () => boolean, what: string, maxMs = 3_600_000): void {
    const limit = this.now + maxMs;
    while (!done()) {
      if (this.ready.length > 0) {
        this.step();
        continue;
      }
      if (!this.fireNextTimer(limit)) throw new BoundExceeded("runUntil", `${what} did not happen within ${maxMs} ms of simulated time`);
    }
  }

  private recordState(e: ActorEntry): void {
    if (!this.traceOn) return;
    const v = e.value.value;
    const s = typeof v === "string" ? v : JSON.stringify(v);
    if (s !== e.lastValue) {
      e.lastValue = s;
      this.record({ kind: "state", actor: e.address, value: s });
    }
  }

  /** Appends an entry to the trace (no-op when tracing is off). */
  record(entry: DistributiveOmit<TraceEntry, "seq" | "t">): void {
    if (!this.traceOn) return;
    this.entries.push({ seq: this.seq++, t: this.now, ...entry } as TraceEntry);
  }

  trace(): readonly TraceEntry[] {
    return this.entries;
  }

  /** The trace as JSON lines. */
  traceJsonl(): string {
    return this.entries.map((e) => JSON.stringify(e)).join("\n") + (this.entries.length ? "\n" : "");
  }

  /**
   * An independent copy of this runtime at this instant (the model checker's branch point). Every
   * machine's snapshot is a value, shared as it is (O(1)), and so are the queued messages and timer
   * events. Hooks, observers and fault callbacks are not copied; tracing is off in the copy.
   */
  fork(): Runtime {
    const rt = new Runtime({ ...this.opts, trace: false });
    rt.now = this.now;
    rt.chooser.state = this.chooser.state;
    rt.timerSeq = this.timerSeq;
    rt.delivered = this.delivered;
    rt.refused = this.refused;
    rt.choose = this.choose;
    rt.stepMemo = this.stepMemo;
    rt.externals = this.externals;
    rt.spawned = this.spawned;
    rt.incarnations = this.incarnations;
    rt.pairClogs = this.pairClogs;
    rt.sharedMaps = this.sharedMaps = true;
    for (const e of this.actors.values()) {
      rt.actors.set(e.address, { address: e.address, machine: e.machine, input: e.input, lastValue: e.lastValue, value: e.value });
    }
    // Ready channels first, in the same order, so chooser indexes mean the same in the copy.
    const order = [...this.ready, ...[...this.channels.values()].filter((c) => c.readyIndex < 0)];
    for (const ch of order) {
      if (ch.queue.length === ch.head && ch.cloggedUntil === undefined) continue;
      const queue = ch.queue.slice(ch.head);
      const copy: Channel = { key: ch.key, from: ch.from, to: ch.to, queue, head: 0, readyIndex: -1 };
      if (ch.stream !== undefined) copy.stream = ch.stream;
      if (ch.cloggedUntil !== undefined) copy.cloggedUntil = ch.cloggedUntil;
      rt.channels.set(ch.key, copy);
      if (ch.readyIndex >= 0) {
        copy.readyIndex = rt.ready.length;
        rt.ready.push(copy);
      }
    }
    for (const t of this.timerByKey.values()) {
      if (t.fn !== undefined) throw new Error("fork: a fault callback is pending; fork before injecting faults");
      const c: Timer = { ...t };
      rt.timerByKey.set(`${t.owner}|${t.key}`, c);
      rt.timers.push(c);
      if (!c.background) rt.workTimers++;
    }
    return rt;
  }

  /** Makes externals, spawned, incarnations and pairClogs this runtime's own before it writes one (a fork may share them). */
  private ownMaps(): void {
    if (!this.sharedMaps) return;
    this.externals = new Map(this.externals);
    this.spawned = new Map(this.spawned);
    this.incarnations = new Map(this.incarnations);
    this.pairClogs = new Map(this.pairClogs);
    this.sharedMaps = false;
  }

  stopAll(): void {
    this.actors.clear();
  }
}

/**
 * A delivered message: a copy of what was sent with its sender and the time, as
 * `copyWith(msg, { from, now })` makes it (the same keys in the same order), without the second
 * object that call builds for every delivery.
 */
function stamped(msg: any, from: Address, now: number): any {
  if (Object.hasOwn(msg, "__proto__")) return copyWith(msg, { from, now });
  const out = Object.assign({}, msg);
  out.from = from;
  out.now = now;
  return out;
}

/** The stream a message travels on within its (from, to) pair: each watch has its own (client-go opens one HTTP/2 stream per watch). */
function streamOf(msg: { type: string; [k: string]: any }): string | undefined {
  return msg.type === "WatchEvent" && typeof msg.watchId === "number" ? `watch:${msg.watchId}` : undefined;
}

/** Runs a step's deferred work in order (what runs may defer more). */
function runAll(deferred: Array<() => void>): void {
  for (let i = 0; i < deferred.length; i++) deferred[i]!();
}

function noChildren(): never {
  throw new Error("value machines spawn no child actors");
}

const inertSystems = new WeakMap<object, object>();

/**
 * The system of a value machine's inert actor, with no scheduler: XState's delayed events would run
 * on the wall clock, outside the trace; a component asks for time with fx.after (a lifecycle's
 * `after` is stepped by lifecycleOf and reaches the runtime that way too).
 */
function inertSystemOf(system: unknown): object {
  let s = inertSystems.get(system as object);
  if (s === undefined) {
    const refuse = (): never => {
      throw new Error("a value machine used XState's own delayed events: time goes through fx.after, on the runtime's clock");
    };
    s = Object.create(system as object, { scheduler: { value: { schedule: refuse, cancel: refuse, cancelAll: () => {} } } }) as object;
    inertSystems.set(system as object, s);
  }
  return s;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
