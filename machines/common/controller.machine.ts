// The one machine every kube-controller-manager controller is: informers listing until their
// caches sync (waitingForCacheSync), then running, where a worker takes keys from the work queue.
// Two workers, as podflow's controllers sync in two ways:
// - "perMessage": one key per ProcessNext self-message, a key's sync staying processing until its
//   API answers are in; other keys' syncs run meanwhile (ReplicaSet, Deployment, garbage collector);
// - "oneAtATime": running.idle ⇄ running.syncing, one key at a time, its writes answered before
//   the next (endpoints, EndpointSlice).
// A controller without a queue (node lifecycle, namespace) has no worker, only its own events.
// Each controller names its actions; the implementations are its .controller.ts functions.

import { setup, type MachineContext, type NonReducibleUnknown } from "xstate";
import type { Fx } from "./effects.js";
import { draftStepOf, type Step } from "./step.js";
import { kick, requeueAndKick, type QueuedController } from "./controller.js";

/** One event a controller handles besides the shared ones: the action that handles it, and why. */
export interface ControllerEvent<C> {
  action: string;
  step: Step<C>;
  description?: string;
}

/** One key per ProcessNext message (processNextWorkItem); Requeue events add the key and kick. */
export interface PerMessageWorker<C> {
  kind: "perMessage";
  /** takes the next key (controller.takeNext), syncs it, kicks again */
  processNext: ControllerEvent<C>;
  requeueDescription: string;
}

/** One key at a time: syncing until its writes are answered, then handleErr and Done. */
export interface OneAtATimeWorker<C> {
  kind: "oneAtATime";
  hasQueuedKey: (ctx: C) => boolean;
  syncNextKey: Step<C>;
  isSyncFinished: (ctx: C) => boolean;
  finishKey: Step<C>;
  /** adds the key of a Requeue event */
  requeue: Step<C>;
  requeueDescription: string;
}

export interface ControllerSpec<C, I> {
  id: string;
  /** the context is a value: every step runs on a draft (draftStepOf) and returns the next context */
  valueContext?: boolean;
  description: string;
  context: (input: I) => C;
  startInformers: (ctx: C, fx: Fx) => void;
  /** the caches a worker waits for (client-go HasSynced, or every informer watching) */
  isCacheSynced: (ctx: C) => boolean;
  /** run once, on the way to running (checkLeftoverEndpoints, for instance) */
  onCacheSynced?: { action: string; step: Step<C> };
  watch: { step: Step<C>; description?: string };
  response: { step: Step<C>; description?: string };
  /** the Relist timer of an informer whose list failed, its chart's back-off (a controller that never relists has none) */
  relist?: Step<C>;
  worker?: PerMessageWorker<C> | OneAtATimeWorker<C>;
  /** events handled in every state */
  on?: Record<string, ControllerEvent<C>>;
  /** events handled once running */
  running?: Record<string, ControllerEvent<C>>;
}

type Transition = { actions: string; description?: string } | { actions: string };

function transitions<C>(events: Record<string, ControllerEvent<C>> | undefined): Record<string, Transition> {
  const out: Record<string, Transition> = {};
  for (const [type, e] of Object.entries(events ?? {})) out[type] = e.description ? { actions: e.action, description: e.description } : { actions: e.action };
  return out;
}

function withDescription(actions: string, description: string | undefined): Transition {
  return description ? { actions, description } : { actions };
}

/** The machine of a controller: waitingForCacheSync -> running, with the worker of its kind. */
export function controllerMachine<C extends MachineContext, I extends NonReducibleUnknown, E extends { type: string }>(spec: ControllerSpec<C, I>) {
  // Contexts are values: every action runs on a draft and the next context is a new value.
  const step = draftStepOf<C>();
  const actions: Record<string, ReturnType<typeof step>> = {
    startInformers: step((c, _e, fx) => spec.startInformers(c, fx)),
    applyWatchEvent: step(spec.watch.step),
    handleResponse: step(spec.response.step),
  };
  if (spec.relist) actions.relist = step(spec.relist);
  const guards: Record<string, (args: { context: C; event: E }) => boolean> = {
    isCacheSynced: ({ context }) => spec.isCacheSynced(context),
  };
  const on: Record<string, Transition> = {
    WatchEvent: withDescription("applyWatchEvent", spec.watch.description),
    ApiResponse: withDescription("handleResponse", spec.response.description),
    ...(spec.relist ? { Relist: { actions: "relist", description: "an informer's list back-off ended (informer chart): list again" } } : {}),
    ...transitions(spec.on),
  };
  for (const e of [...Object.values(spec.on ?? {}), ...Object.values(spec.running ?? {})]) actions[e.action] = step(e.step);
  const syncedActions: string[] = [];
  if (spec.onCacheSynced) {
    actions[spec.onCacheSynced.action] = step(spec.onCacheSynced.step);
    syncedActions.push(spec.onCacheSynced.action);
  }
  let running: Record<string, unknown> = { on: transitions(spec.running) };
  const w = spec.worker;
  if (w?.kind === "perMessage") {
    const q = (c: C) => c as unknown as QueuedController;
    actions.requeueKey = step((c, e, fx) => requeueAndKick(q(c), e.key, fx));
    actions.kickQueue = step((c, _e, fx) => kick(q(c).q, fx, q(c).self, true));
    actions[w.processNext.action] = step(w.processNext.step);
    on.Requeue = { actions: "requeueKey", description: w.requeueDescription };
    syncedActions.push("kickQueue");
    running = { on: { ...transitions(spec.running), ProcessNext: withDescription(w.processNext.action, w.processNext.description) } };
  } else if (w?.kind === "oneAtATime") {
    actions.requeueKey = step(w.requeue);
    actions.syncNextKey = step(w.syncNextKey);
    actions.finishKey = step(w.finishKey);
    guards.hasQueuedKey = ({ context }) => w.hasQueuedKey(context);
    guards.isSyncFinished = ({ context }) => w.isSyncFinished(context);
    on.Requeue = { actions: "requeueKey", description: w.requeueDescription };
    running = {
      ...(spec.running ? { on: transitions(spec.running) } : {}),
      initial: "idle",
      states: {
        idle: { always: { guard: "hasQueuedKey", target: "syncing" } },
        syncing: { entry: "syncNextKey", always: { guard: "isSyncFinished", target: "idle", actions: "finishKey" } },
      },
    };
  }
  return setup({
    types: { context: {} as C, events: {} as E, input: {} as I },
    guards,
    actions,
  }).createMachine({
    id: spec.id,
    description: spec.description,
    context: ({ input }: { input: I }) => spec.context(input),
    initial: "waitingForCacheSync",
    entry: "startInformers",
    on,
    states: {
      waitingForCacheSync: { always: { guard: "isCacheSynced", target: "running", ...(syncedActions.length === 0 ? {} : { actions: syncedActions.length === 1 ? syncedActions[0] : syncedActions }) } },
      running,
    },
    // The config is assembled from the spec, so XState cannot infer its state values from literals.
  } as any);
}
