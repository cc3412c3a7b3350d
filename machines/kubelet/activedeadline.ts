// The kubelet's active deadline handler (pkg/kubelet/active_deadline.go): a pod with
// spec.activeDeadlineSeconds that has been active on the node that long since status.startTime is
// evicted: generateAPIPodStatus makes it Failed with reason DeadlineExceeded and the handler's
// message, and the pod worker terminates it. The pod worker chart holds the deadline's timer.

import type { Fx } from "../common/effects.js";
import type { KubeletContext, PodWorker } from "./types.js";
import { podEvent } from "./events.js";
import { stepWorker } from "./lifecycles.js";
import { view } from "./view.js";
import { mutant } from "../common/mutation.js";

export const deadlineExceededReason = "DeadlineExceeded";
export const deadlineExceededMessage = "Pod was active on the node longer than the specified deadline";

/** Where the pod's deadline is: none, counting, or DeadlineExceeded. */
export function deadlineState(w: PodWorker): "none" | "counting" | "DeadlineExceeded" {
  return (view(w.lifecycle).value as { worker: { activeDeadline: "none" | "counting" | "DeadlineExceeded" } }).worker.activeDeadline;
}

/** ShouldEvict: the pod is past its active deadline. */
export function isPastActiveDeadline(w: PodWorker): boolean {
  return deadlineState(w) === "DeadlineExceeded";
}

/**
 * pastActiveDeadline at a sync: books (or moves, after an update) the deadline's timer, drops it
 * when the field is gone, and reports whether the pod is past it (ShouldEvict records its event).
 */
export function syncActiveDeadline(ctx: KubeletContext, w: PodWorker, fx: Fx): boolean {
  const past = checkActiveDeadline(ctx, w, fx);
  // Only SyncPod asks, and a pod past its deadline leaves SyncPod at once: the event is recorded once.
  if (past) podEvent(ctx, w, undefined, "Normal", deadlineExceededReason, deadlineExceededMessage, fx);
  return past;
}

function checkActiveDeadline(ctx: KubeletContext, w: PodWorker, fx: Fx): boolean {
  const state = deadlineState(w);
  if (state === "DeadlineExceeded") return true;
  const seconds = view(w.pod).spec?.activeDeadlineSeconds;
  if (seconds === undefined || seconds === null || w.startTime === undefined) {
    if (state === "counting") stepWorker(w, { type: "ClearDeadline" }, fx);
    return false;
  }
  const atMs = w.startTime + seconds * 1000;
  if (atMs <= ctx.now) {
    stepWorker(w, { type: "DeadlinePassed" }, fx);
    return true;
  }
  if (state !== "counting" || (view(w.lifecycle).context.deadlineAtMs !== atMs && !mutant("kubelet.active-deadline-update-ignored"))) stepWorker(w, { type: "ScheduleDeadline", atMs, delayMs: atMs - ctx.now }, fx);
  return false;
}
