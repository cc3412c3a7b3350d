// How a component holds its Lease in kube-system. kube-controller-manager and kube-scheduler hold
// theirs by client-go's leader election (tools/leaderelection/leaderelection.go): acquire runs
// tryAcquireOrRenew at once and every RetryPeriod (2 s) until the lock is theirs, then renew runs it
// every RetryPeriod; a renewal that has not succeeded for RenewDeadline (10 s) loses the lead, and
// the component exits and starts over. kube-apiserver's identity Lease is kept by the lease
// controller of k8s.io/component-helpers (ensured, then renewed every 10 s, never lost).

import { emit, setup } from "xstate";

export type LeaseHolderEvent =
  /** tryAcquireOrRenew (or the lease controller's sync) wrote the lock: it is ours */
  | { type: "Held" }
  /** it did not: held by another holder, or the write failed; how long since the last success */
  | { type: "NotHeld"; sinceRenewMs: number };

export type LeaseHolderOutput = { type: "TryAcquireOrRenew" };

export interface LeaseHolderInput {
  /** RetryPeriod (leader election) or the renew interval (lease controller) */
  retryPeriodMs: number;
  /** RenewDeadline; a lease controller's lease is never lost (Infinity) */
  renewDeadlineMs: number;
}

export const leaseHolderLifecycleMachine = setup({
  types: { context: {} as LeaseHolderInput, input: {} as LeaseHolderInput, events: {} as LeaseHolderEvent, emitted: {} as LeaseHolderOutput },
  delays: { immediately: 0, retryPeriod: ({ context }) => context.retryPeriodMs },
  guards: {
    // renew's PollImmediateUntil with a RenewDeadline timeout: past it, "failed to renew lease"
    isPastRenewDeadline: ({ context, event }) => event.type === "NotHeld" && event.sinceRenewMs >= context.renewDeadlineMs,
  },
  actions: { tryAcquireOrRenew: emit({ type: "TryAcquireOrRenew" as const }) },
}).createMachine({
  id: "leaseHolder",
  description: "a component's Lease: acquired (created, or taken over once another holder's has expired), then renewed every retry period; a renewal failing past the renew deadline loses it",
  context: ({ input }) => input,
  initial: "starting",
  states: {
    starting: { after: { immediately: { target: "acquiring", actions: "tryAcquireOrRenew" } } },
    acquiring: {
      description: "tryAcquireOrRenew in flight: get the lock, create it if absent, take it over if its holder's lease expired",
      on: { Held: { target: "leading" }, NotHeld: { target: "waitingToAcquire" } },
    },
    waitingToAcquire: {
      description: "the lock is another holder's and has not expired (or the write failed): tried again every retry period",
      after: { retryPeriod: { target: "acquiring", actions: "tryAcquireOrRenew" } },
    },
    leading: {
      description: "the lock is ours: renewed every retry period (the fast path updates the record last written, with no get)",
      after: { retryPeriod: { target: "renewing", actions: "tryAcquireOrRenew" } },
    },
    renewing: {
      on: {
        Held: { target: "leading" },
        NotHeld: [
          { guard: "isPastRenewDeadline", target: "waitingToAcquire", description: "leaderelection lost: the component exits, and its restart acquires the lock again" },
          { target: "leading", description: "tried again at the next retry period, within the renew deadline" },
        ],
      },
    },
  },
});
