// kube-scheduler: watches pods and nodes through the API server, keeps its own cache (assumed
// pods included), and schedules one pod per cycle: filter, score, assume, bind through the
// binding subresource; or PodScheduled=False with a FailedScheduling event, and preemption.
// Each pending pod's place in the queue is a lifecycle of its own (queue.machine.ts), held in the
// context; the flushes below deliver its `after`s (back-off ended, 5 minutes unschedulable).

import { setup } from "xstate";
import { valueStepOf } from "../common/step.js";
import type { Fx } from "../common/effects.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import * as L from "./scheduler.logic.js";
import { relist } from "../common/informer.js";
import type { SchedulerContext, SchedulerInput } from "./scheduler.logic.js";

export type SchedulerEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "ScheduleNext" } & Stamp)
  | ({ type: "FlushBackoffQ" } & Stamp)
  | ({ type: "FlushUnschedulablePods" } & Stamp)
  | ({ type: "FinishEventSeries" } & Stamp)
  | ({ type: "RefreshEventSeries" } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp);

const valueStep = valueStepOf<SchedulerContext>();
/** A logic function that changes the context it is given, as a value step (see L.stepScheduler). */
const step = (fn: (ctx: SchedulerContext, ev: any, fx: Fx) => void) => valueStep((ctx, ev, fx) => L.stepScheduler(ctx, ev, fx, fn));

export const schedulerMachine = setup({
  types: {
    context: {} as SchedulerContext,
    events: {} as SchedulerEvent,
    input: {} as SchedulerInput,
  },
  guards: {
    isCacheSynced: ({ context }) => L.isCacheSynced(context),
  },
  actions: {
    startInformers: step((c, _e, fx) => L.startInformers(c, fx)),
    applyWatchEvent: step((c, e, fx) => L.onWatch(c, e, fx)),
    handleResponse: step((c, e, fx) => L.onResponse(c, e, fx)),
    scheduleOne: step((c, e, fx) => L.scheduleOne(c, e.now, fx)),
    flushBackoffQ: step((c, e, fx) => L.flushBackoff(c, e.now, fx)),
    flushUnschedulablePods: step((c, e, fx) => L.flushUnschedulable(c, e.now, fx)),
    finishEventSeries: step((c, e, fx) => L.finishSeries(c, e.now, fx)),
    refreshEventSeries: step((c, _e, fx) => L.refreshSeries(c, fx)),
    queueCycle: step((c, e, fx) => L.queueCycle(c, fx, e.now)),
    relistInformer: step((c, e, fx) => relist(c.client, fx, e.watchId)),
  },
}).createMachine({
  id: "scheduler",
  description: "scheduling queue (active, backoff, unschedulable), filter, score, reserve/assume, bind.",
  context: ({ input }) => L.initialScheduler(input),
  initial: "waitingForCacheSync",
  entry: "startInformers",
  on: {
    WatchEvent: { actions: "applyWatchEvent", description: "informer: pods and nodes into the cache, pending pods into the queue" },
    ApiResponse: { actions: "handleResponse", description: "list results, binding results (Scheduled event), status writes" },
    FlushBackoffQ: { actions: "flushBackoffQ", description: "every second: back-off ended, back to activeQ" },
    FlushUnschedulablePods: { actions: "flushUnschedulablePods", description: "every 30 s: pods unschedulable for 5 min retry" },
    FinishEventSeries: { actions: "finishEventSeries", description: "every 6 min: event series quiet for 6 min written a last time (events.k8s.io/v1 recorder)" },
    RefreshEventSeries: { actions: "refreshEventSeries", description: "every 30 min: every event series' count written" },
    Relist: { actions: "relistInformer", description: "an informer's list failed and its back-off ended: list again" },
  },
  states: {
    waitingForCacheSync: {
      always: { guard: "isCacheSynced", target: "scheduling", actions: "queueCycle" },
    },
    scheduling: {
      on: {
        ScheduleNext: { actions: "scheduleOne", description: "one scheduling cycle: filter, score, assume, bind (or FailedScheduling, preemption)" },
      },
    },
  },
});
