// One Deployment's rollout as its Progressing condition and `kubectl rollout status` show it
// (pkg/controller/deployment/progress.go, sync.go, util/deployment_util.go): Progressing while the
// new ReplicaSet is created (NewReplicaSetCreated), found (FoundNewReplicaSet) or scaled
// (ReplicaSetUpdated), or after a resume (DeploymentResumed); Complete once the new ReplicaSet is
// available (NewReplicaSetAvailable, "successfully rolled out"); ProgressDeadlineExceeded when
// progressDeadlineSeconds (600 s by default) pass without progress; Paused under spec.paused
// (DeploymentPaused). While Progressing, the deadline counts from the condition's lastUpdateTime;
// when it passes the controller syncs again (requeueStuckDeployment, a second late to be safe),
// and that sync writes ProgressDeadlineExceeded if nothing moved. The controller keeps one
// snapshot per Deployment in its context, as a value, and steps it with what each sync wrote.

import { assign, emit, setup } from "xstate";
import type { RolloutObservation } from "./deployment.logic.js";

export interface RolloutContext {
  progressDeadlineSeconds: number;
  /** the Progressing condition's lastUpdateTime: the deadline counts from here */
  lastUpdateMs: number;
  /** when the sync that wrote it ran */
  nowMs: number;
}

export type RolloutEvent = RolloutObservation;

/** Each sync moves the rollout to what its status says; a Progressing reason re-enters, restarting the deadline. */
const observed = {
  NewReplicaSetCreated: { target: "#rollout.Progressing.reason.NewReplicaSetCreated", reenter: true, actions: "observe" },
  FoundNewReplicaSet: { target: "#rollout.Progressing.reason.FoundNewReplicaSet", reenter: true, actions: "observe" },
  ReplicaSetUpdated: { target: "#rollout.Progressing.reason.ReplicaSetUpdated", reenter: true, actions: "observe" },
  DeploymentResumed: { target: "#rollout.Progressing.reason.DeploymentResumed", reenter: true, actions: "observe" },
  NewReplicaSetAvailable: { target: "#rollout.Complete", actions: "observe" },
  ProgressDeadlineExceeded: { target: "#rollout.ProgressDeadlineExceeded", actions: "observe" },
  DeploymentPaused: { target: "#rollout.Paused", actions: "observe" },
} as const;

export const rolloutMachine = setup({
  types: { context: {} as RolloutContext, events: {} as RolloutEvent, emitted: {} as { type: "CheckProgress" } },
  delays: {
    // requeueStuckDeployment: lastUpdateTime + progressDeadlineSeconds - now, plus a second against clock skew.
    progressDeadline: ({ context }) => Math.max(0, context.lastUpdateMs + context.progressDeadlineSeconds * 1000 - context.nowMs) + 1000,
  },
  actions: {
    observe: assign(({ event }) => ({ lastUpdateMs: event.lastUpdateMs, nowMs: event.now, progressDeadlineSeconds: event.progressDeadlineSeconds })),
    requeueStuckDeployment: emit({ type: "CheckProgress" as const }),
  },
}).createMachine({
  id: "rollout",
  description: "a rollout as its Progressing condition and kubectl rollout status show it: Progressing (NewReplicaSetCreated, FoundNewReplicaSet, ReplicaSetUpdated, DeploymentResumed), Complete, ProgressDeadlineExceeded after progressDeadlineSeconds without progress, Paused.",
  context: { progressDeadlineSeconds: 600, lastUpdateMs: 0, nowMs: 0 },
  initial: "Created",
  states: {
    Created: { description: "the Deployment is in the cache; its first sync says where its rollout is", on: observed },
    Progressing: {
      type: "parallel",
      description: "Progressing=True (Unknown after a resume): kubectl rollout status waits for updated, then available replicas",
      on: observed,
      states: {
        reason: {
          initial: "NewReplicaSetCreated",
          states: {
            NewReplicaSetCreated: { description: "Created new replica set \"<name>\"" },
            FoundNewReplicaSet: { description: "Found new replica set \"<name>\"" },
            ReplicaSetUpdated: { description: "ReplicaSet \"<name>\" is progressing." },
            DeploymentResumed: { description: "Deployment is resumed" },
          },
        },
        progressDeadline: {
          initial: "counting",
          states: {
            counting: { after: { progressDeadline: { target: "checking", actions: "requeueStuckDeployment", description: "requeueStuckDeployment: a sync looks for progress" } }, description: "progressDeadlineSeconds from the condition's lastUpdateTime" },
            checking: { description: "the deadline passed: the next sync writes ProgressDeadlineExceeded unless the rollout moved" },
          },
        },
      },
    },
    Complete: { description: "NewReplicaSetAvailable: ReplicaSet \"<name>\" has successfully progressed; kubectl: successfully rolled out", on: observed },
    ProgressDeadlineExceeded: { description: "Progressing=False: ReplicaSet \"<name>\" has timed out progressing; kubectl: exceeded its progress deadline", on: observed },
    Paused: { description: "spec.paused: Progressing=Unknown DeploymentPaused, Deployment is paused; no rollout, scaling only", on: observed },
  },
});
