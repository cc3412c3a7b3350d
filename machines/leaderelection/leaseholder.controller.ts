// A component holding its Lease in kube-system (leaseholder.lifecycle.machine.ts is the chart):
// tryAcquireOrRenew as client-go's LeaderElector runs it for kube-controller-manager and
// kube-scheduler (the fast path: update the record last written; else get, create when absent,
// take over when expired), or the lease controller's sync for kube-apiserver's identity Lease
// (update the Lease last written; else get or create it). The context is a value: these steps run
// on a draft.

import type { Fx } from "../common/effects.js";
import { newClient, request, settleResponse, type ClientState } from "../common/client.js";
import { keep, lifecycleOf, scheduleLifecycleTimers, stepKept, type KeptLifecycle } from "../common/lifecycle.js";
import { Rng, seedFor } from "../common/prng.js";
import type { ApiResponse, Stamp } from "../messages.js";
import { leaseHolderLifecycleMachine, type LeaseHolderEvent } from "./leaseholder.lifecycle.machine.js";
import * as L from "./leaseholder.logic.js";

/** Which protocol holds the lock: client-go's leader election, or the lease controller (a heartbeat). */
export type LockKind = "leaderElection" | "identity";

export interface LeaseHolderInput {
  token: string;
  address: string;
  kind: LockKind;
  /** the component's host: a leader's identity is `<host>_<uuid>`; the identity Lease is named from it */
  hostname: string;
  /** the Lease's name (leader election: the component's, kube-controller-manager or kube-scheduler) */
  lockName?: string;
  seed: number;
}

export interface LeaseHolderContext {
  self: string;
  client: ClientState;
  kind: LockKind;
  lockName: string;
  identity: string;
  hostname: string;
  chart: KeptLifecycle<typeof leaseHolderLifecycleMachine>;
  /** the Lease as last written or read (its resourceVersion is the fast path's precondition) */
  lease?: any;
  /** the record this holder last observed, and when it saw it change */
  observed?: L.ElectionRecord;
  observedAt: number;
  /** when the lock was last written by this holder */
  renewedAt: number;
}

export type LeaseHolderMessage = ((ApiResponse & Stamp) | ({ type: "LeaseTimer"; event: LeaseHolderEvent | { type: string } } & Stamp));

const lifecycle = lifecycleOf(leaseHolderLifecycleMachine);
const namespace = "kube-system";
const base = { group: "coordination.k8s.io", resource: "leases", namespace };

function timings(kind: LockKind) {
  return kind === "leaderElection"
    ? { retryPeriodMs: L.leaderElectionTimings.retryPeriodMs, renewDeadlineMs: L.leaderElectionTimings.renewDeadlineMs }
    : { retryPeriodMs: L.identityLeaseTimings.renewIntervalMs, renewDeadlineMs: Number.POSITIVE_INFINITY };
}

/** A holder that has not tried yet: its identity drawn from the seed (uuid.NewUUID), its chart at its start. */
export function initialLeaseHolder(input: LeaseHolderInput): LeaseHolderContext {
  const rng = new Rng(seedFor(input.seed, input.address));
  const lockName = input.kind === "identity" ? L.apiServerIdentity(input.hostname) : input.lockName ?? input.address;
  // kube-controller-manager: hostname + "_" + uuid; kube-apiserver: its identity + "_" + uuid
  const identity = `${input.kind === "identity" ? lockName : input.hostname}_${rng.uuid()}`;
  return { self: input.address, client: newClient(input.token), kind: input.kind, lockName, identity, hostname: input.hostname, chart: keep(lifecycle.start(timings(input.kind)).snapshot), observedAt: 0, renewedAt: 0 };
}

/** The chart starts: its first tryAcquireOrRenew comes with its first timer, at once. */
export function start(ctx: LeaseHolderContext, fx: Fx): void {
  const s = lifecycle.start(timings(ctx.kind));
  ctx.chart = keep(s.snapshot);
  // a holder renews for as long as the cluster runs: its timers never hold settle() up
  scheduleLifecycleTimers(fx, "lease", s, (e) => ({ type: "LeaseTimer", event: e }), true);
}

function observe(ctx: LeaseHolderContext, event: LeaseHolderEvent | { type: string }, now: number, fx: Fx): void {
  const s = stepKept(lifecycle, ctx.chart, event as never);
  ctx.chart = keep(s.snapshot);
  scheduleLifecycleTimers(fx, "lease", s, (e) => ({ type: "LeaseTimer", event: e }), true);
  for (const out of s.outputs) if (out.type === "TryAcquireOrRenew") tryAcquireOrRenew(ctx, now, fx);
}

/** A timer of the chart: the next retry period. */
export function onTimer(ctx: LeaseHolderContext, ev: { event: { type: string }; now: number }, fx: Fx): void {
  observe(ctx, ev.event, ev.now, fx);
}

const isLeader = (ctx: LeaseHolderContext) => ctx.observed?.holderIdentity === ctx.identity;

function tryAcquireOrRenew(ctx: LeaseHolderContext, now: number, fx: Fx): void {
  if (ctx.kind === "identity") {
    // sync: the Lease last written is updated optimistically; without one it is ensured first
    if (ctx.lease) request(ctx.client, fx, { ...base, verb: "update", name: ctx.lockName, body: L.identityLease(ctx.lease, ctx.lockName, ctx.identity, ctx.hostname, now) }, "update-fast");
    else request(ctx.client, fx, { ...base, verb: "get", name: ctx.lockName }, "get");
    return;
  }
  // 1. the fast path: a leader whose lease is valid updates the record it observed last, with no get
  const o = ctx.observed;
  if (o && isLeader(ctx) && ctx.lease && ctx.observedAt + o.leaseDurationSeconds * 1000 > now) {
    const record: L.ElectionRecord = { ...o, renewTime: now };
    request(ctx.client, fx, { ...base, verb: "update", name: ctx.lockName, body: { ...ctx.lease, spec: L.leaseSpecOf(record) } }, "update-fast", { record });
    return;
  }
  request(ctx.client, fx, { ...base, verb: "get", name: ctx.lockName }, "get");
}

const held = (ctx: LeaseHolderContext, now: number, fx: Fx) => {
  ctx.renewedAt = now;
  observe(ctx, { type: "Held" }, now, fx);
};
const notHeld = (ctx: LeaseHolderContext, now: number, fx: Fx) => observe(ctx, { type: "NotHeld", sinceRenewMs: now - ctx.renewedAt }, now, fx);

/** The answers to the lock's get, create and updates. */
export function onResponse(ctx: LeaseHolderContext, res: ApiResponse & Stamp, fx: Fx): void {
  const p = settleResponse(ctx.client, res);
  if (!p) return;
  const now = res.now;
  if (p.purpose === "update-fast") {
    if (res.ok) {
      ctx.lease = res.object;
      // setObservedRecord: the record and the time it was observed
      if (p.data?.record) {
        ctx.observed = p.data.record;
        ctx.observedAt = now;
      }
      return held(ctx, now, fx);
    }
    // "failed to update lock optimistically ... falling back to slow path"
    ctx.lease = undefined;
    request(ctx.client, fx, { ...base, verb: "get", name: ctx.lockName }, "get");
    return;
  }
  if (p.purpose === "get") {
    if (!res.ok && res.code === 404) {
      if (ctx.kind === "identity") {
        request(ctx.client, fx, { ...base, verb: "create", body: L.identityLease(undefined, ctx.lockName, ctx.identity, ctx.hostname, now) }, "create");
        return;
      }
      const record: L.ElectionRecord = { holderIdentity: ctx.identity, leaseDurationSeconds: L.leaderElectionTimings.leaseDurationSeconds, acquireTime: now, renewTime: now, leaderTransitions: 0 };
      request(ctx.client, fx, { ...base, verb: "create", body: { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: ctx.lockName, namespace }, spec: L.leaseSpecOf(record) } }, "create", { record });
      return;
    }
    if (!res.ok) return notHeld(ctx, now, fx);
    if (ctx.kind === "identity") {
      request(ctx.client, fx, { ...base, verb: "update", name: ctx.lockName, body: L.identityLease(res.object, ctx.lockName, ctx.identity, ctx.hostname, now) }, "update");
      return;
    }
    const d = L.decide(L.recordOf(res.object?.spec), { ...(ctx.observed ? { record: ctx.observed } : {}), at: ctx.observedAt }, { identity: ctx.identity, leaseDurationSeconds: L.leaderElectionTimings.leaseDurationSeconds }, now);
    ctx.observed = d.observed.record;
    ctx.observedAt = d.observed.at;
    const record = d.write;
    // "lock is held by %v and has not yet expired"
    if (!record) return notHeld(ctx, now, fx);
    request(ctx.client, fx, { ...base, verb: "update", name: ctx.lockName, body: { ...res.object, spec: L.leaseSpecOf(record) } }, "update", { record });
    return;
  }
  // create or the slow path's update
  if (!res.ok) return notHeld(ctx, now, fx);
  ctx.lease = res.object;
  if (p.data?.record) {
    ctx.observed = p.data.record;
    ctx.observedAt = now;
  }
  held(ctx, now, fx);
}
