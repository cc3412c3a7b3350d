// One CronJob as the CronJob controller keeps it (pkg/controller/cronjob/cronjob_controllerv2.go):
// after each sync it waits for the next schedule time (nextScheduleTimeDuration: the next
// activation plus 100 ms, an `after` delay that asks for a sync, queue.AddAfter), or it is left
// until its spec changes: suspended, a schedule or time zone the controller cannot use, or
// being deleted. A failed sync is retried with the work queue's back-off, outside the chart.

import { assign, emit, setup } from "xstate";
import type { CronJobObservation } from "./cronjob.logic.js";

export interface CronJobLifecycleContext {
  /** the wait the last sync booked */
  delayMs: number;
  /** UnparseableSchedule, InvalidSchedule or UnknownTimeZone */
  reason: string;
}

export type CronJobLifecycleEvent = CronJobObservation;

const observed = {
  NextScheduleBooked: { target: "#cronjob.Scheduled.waitingForNextSchedule", reenter: true, actions: "book" },
  Suspended: { target: "#cronjob.Suspended" },
  ScheduleInvalid: { target: "#cronjob.ScheduleInvalid", actions: "recordReason" },
  Deleting: { target: "#cronjob.Deleting" },
} as const;

export const cronJobLifecycleMachine = setup({
  types: { context: {} as CronJobLifecycleContext, events: {} as CronJobLifecycleEvent, emitted: {} as { type: "SyncCronJob" } },
  delays: { nextScheduleTime: ({ context }) => Math.max(0, context.delayMs) },
  actions: {
    book: assign(({ event }) => ({ delayMs: event.type === "NextScheduleBooked" ? event.delayMs : 0 })),
    recordReason: assign(({ event }) => ({ reason: event.type === "ScheduleInvalid" ? event.reason : "" })),
    syncCronJob: emit({ type: "SyncCronJob" as const }),
  },
}).createMachine({
  id: "cronjob",
  description: "a CronJob between syncs: waiting for its next schedule time (then a sync starts the Job), Suspended, ScheduleInvalid, or Deleting.",
  context: { delayMs: 0, reason: "" },
  initial: "Created",
  on: observed,
  states: {
    Created: { description: "the CronJob is in the cache; its first sync says when it runs next" },
    Scheduled: {
      description: "the controller knows the next schedule time (from lastScheduleTime, or creation)",
      initial: "waitingForNextSchedule",
      states: {
        waitingForNextSchedule: {
          description: "until the next activation plus 100 ms (nextScheduleTimeDuration)",
          after: { nextScheduleTime: { target: "due", actions: "syncCronJob", description: "the schedule time came: a sync creates the Job <name>-<minutes since the epoch>" } },
        },
        due: { description: "the sync runs: it creates the Job, or records MissSchedule / JobAlreadyActive, and books the next time" },
      },
    },
    Suspended: { description: "spec.suspend: no Job is started; running ones go on. Synced again when the spec changes" },
    ScheduleInvalid: { description: "UnparseableSchedule, InvalidSchedule or UnknownTimeZone (a Warning event): not synced again until the spec changes" },
    Deleting: { type: "final", description: "deletionTimestamp is set: the sync only updates status" },
  },
});
