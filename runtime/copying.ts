// The copying path: how the runtime runs a machine whose steps still change its context in place
// (one not listed in runtime/values.ts). Such a machine runs as an XState actor, and a fork must
// copy its context: copy-on-write, a fork holds a frozen deep copy and creates the actor only when
// it first runs. Queued messages and timer events that such an actor sent or will receive are
// deep-copied by fork() too (copyMessages).
//
// Once every machine is a value this file goes away, with the places in runtime.ts that name it
// (the `copying` field of an actor entry and fork()'s copyMessages).

import { createActor, type AnyActorRef, type AnyStateMachine } from "xstate";
import type { Address, Effects } from "../machines/messages.js";
import { isDeepFrozen } from "../machines/common/equal.js";
import { lastStepContext } from "../machines/common/step.js";

/** What a copying actor needs of its runtime. */
export interface CopyingHost {
  perform(owner: Address, fx: Effects): void;
  /** An exception the actor threw: true when it is isolated (it happened during a delivery), false when it failed the run. */
  caught(address: Address, err: unknown): boolean;
}

/** One machine run as an XState actor, whose context forks must copy. */
export class CopyingActor {
  /** undefined while this is a fork's unmaterialized copy (see frozen) */
  private ref: AnyActorRef | undefined;
  /** copy-on-write: a persisted snapshot nobody mutates; the actor is created from a copy of it when first needed */
  private frozen: any;
  /** a frozen copy of the live actor, made by fork() and shared by its forks until the actor next runs */
  private frozenCache: any;

  private constructor(
    private readonly host: CopyingHost,
    readonly address: Address,
    readonly machine: AnyStateMachine,
    readonly input: unknown,
  ) {}

  /** A new actor, started (its entry actions run now). */
  static start(host: CopyingHost, address: Address, machine: AnyStateMachine, input: unknown): CopyingActor {
    const a = new CopyingActor(host, address, machine, input);
    const ref = createActor(machine, { input, id: address });
    a.wire(ref);
    a.ref = ref;
    ref.start();
    return a;
  }

  /** The actor's snapshot (never mutate it). */
  snapshot(): any {
    return this.ref ? this.ref.getSnapshot() : this.frozen;
  }

  /** The snapshot of a running actor, undefined for a fork's copy not run yet (the trace records only the former). */
  runningSnapshot(): any {
    return this.ref?.getSnapshot();
  }

  /** The never-mutated snapshot of the actor as it is now, if one exists. */
  shared(): any {
    return this.ref ? this.frozenCache : this.frozen;
  }

  /** Makes now the frozen copy fork() would make. */
  freeze(): void {
    if (this.ref && this.frozenCache === undefined) this.frozenCache = persisted(this.machine, this.ref);
  }

  /** The copy a fork holds, bound to the fork's runtime: it shares this actor's frozen snapshot. */
  fork(host: CopyingHost): CopyingActor {
    this.freeze();
    const a = new CopyingActor(host, this.address, this.machine, this.input);
    a.frozen = this.shared();
    return a;
  }

  /** The live snapshot an event is about to change (the actor is created from the frozen copy if need be). */
  liveSnapshot(): any {
    return this.live().getSnapshot();
  }

  /** Sends an event; what it throws comes back through host.caught. */
  send(msg: unknown): void {
    this.live().send(msg as never);
  }

  /**
   * After a fault: a new actor in the state it was in before the event, its context as the failed
   * step left it (for a machine of value steps run here, the one its last completed step returned).
   */
  resume(): void {
    const snap: any = this.ref!.getSnapshot();
    const { error: _error, ...rest } = this.machine.getPersistedSnapshot({ ...snap, context: emptyContext } as any) as any;
    const ref = createActor(this.machine, { input: this.input, id: this.address, snapshot: { ...rest, status: "active", context: emptyContext } as any });
    // a machine changed in place runs no value step: snap.context is already as the failed step left it
    const stepped = lastStepContext();
    (ref.getSnapshot() as any).context = stepped !== undefined ? stepped.context : snap.context;
    this.wire(ref);
    this.ref = ref;
    this.frozen = undefined;
    this.frozenCache = undefined;
    ref.start();
  }

  stop(): void {
    this.ref?.stop();
  }

  /** The live actor, created from the frozen snapshot on first use. */
  private live(): AnyActorRef {
    this.frozenCache = undefined;
    if (this.ref) return this.ref;
    const ref = restored(this.machine, this.input, this.address, this.frozen);
    this.wire(ref);
    this.ref = ref;
    this.frozen = undefined;
    ref.start();
    return ref;
  }

  /** Connects the actor's effects to the network and its errors to the fault handling. */
  private wire(ref: AnyActorRef): void {
    ref.on("effects", (fx: Effects) => this.host.perform(this.address, fx));
    ref.subscribe({
      error: (err: unknown) => {
        if (!this.host.caught(this.address, err)) return;
        // XState emits what an event's steps asked for only once the whole event is handled, and
        // drops it when a step throws: what the steps before the throw decided (the reply to
        // another request) still goes out, before the actor's listeners are cleared.
        const decided = (ref as unknown as { _deferred?: Array<() => void> })._deferred;
        if (Array.isArray(decided)) for (const fn of decided.splice(0)) fn();
      },
    });
  }
}

/** Deep copies of what a fork must not share with its origin (messages and timer events of copying actors). */
export function copyMessages(): <T>(v: T) => T {
  const memo = new Map<object, unknown>();
  return (v) => deepCopy(v, memo) as typeof v;
}

// XState's persist and restore walk the whole context (to find and re-link child actors), frozen
// stored objects included; our machines spawn no children, so only an empty context goes through them.
const emptyContext = Object.freeze({});

/** A frozen copy of a live actor's persisted snapshot: the context deep-copied, stored objects shared. */
function persisted(machine: AnyStateMachine, ref: AnyActorRef): any {
  const snap = ref.getSnapshot();
  if (Object.keys(snap.children ?? {}).length > 0) return deepCopy((ref as any).getPersistedSnapshot(), new Map());
  const p = machine.getPersistedSnapshot({ ...snap, context: emptyContext } as any) as any;
  return { ...p, context: deepCopy(snap.context, new Map()) };
}

/** An actor created from a frozen snapshot, on a deep copy of its context. */
function restored(machine: AnyStateMachine, input: unknown, id: Address, frozen: any): AnyActorRef {
  const { context, ...rest } = frozen;
  if (Object.keys(rest.children ?? {}).length > 0) return createActor(machine, { input, id, snapshot: deepCopy(frozen, new Map()) as any });
  const ref = createActor(machine, { input, id, snapshot: { ...rest, context: emptyContext } as any });
  // Before start() nothing has read the placeholder; the actor runs on its own copy of the context.
  (ref.getSnapshot() as any).context = deepCopy(context, new Map());
  return ref;
}

/** A deep copy that keeps shared references shared and class instances (an Rng) in their class; deeply frozen values (stored objects) are shared, not copied. */
function deepCopy(v: unknown, memo: Map<object, unknown>): unknown {
  if (typeof v !== "object" || v === null || isDeepFrozen(v)) return v;
  const seen = memo.get(v);
  if (seen !== undefined) return seen;
  if (Array.isArray(v)) {
    const a: unknown[] = new Array(v.length);
    memo.set(v, a);
    for (let i = 0; i < v.length; i++) a[i] = deepCopy(v[i], memo);
    return a;
  }
  if (v instanceof Map) {
    const m = new Map();
    memo.set(v, m);
    for (const [k, x] of v) m.set(deepCopy(k, memo), deepCopy(x, memo));
    return m;
  }
  if (v instanceof Set) {
    const s = new Set();
    memo.set(v, s);
    for (const x of v) s.add(deepCopy(x, memo));
    return s;
  }
  if (v instanceof Date) return new Date(v.getTime());
  const o = Object.create(Object.getPrototypeOf(v));
  memo.set(v, o);
  for (const k of Object.keys(v)) o[k] = deepCopy((v as any)[k], memo);
  return o;
}
