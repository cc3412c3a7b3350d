// kube-controller-manager's ValidatingAdmissionPolicy status controller
// (pkg/controller/validatingadmissionpolicystatus) on the shared controller chart: an informer on
// the policies (an added or changed one is queued by name), one on CustomResourceDefinitions (what
// its RESTMapper and schema resolver learn of custom kinds through discovery), and a sync that
// type-checks a policy whose generation it has not observed and applies the status.

import type { Fx } from "../common/effects.js";
import { informersSynced, newClient, request, startInformer, type ClientState, type InformerDelta, type PendingRequest } from "../common/client.js";
import { controllerMachine } from "../common/controller.machine.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import * as W from "../common/workqueue.js";
import * as C from "../common/controller.js";
import * as I from "../common/informer.js";
import { statusApply } from "./vapstatus.logic.js";

const POLICIES = 1;
const CRDS = 2;

/** The controller's name, its field manager (ApplyStatus with FieldManager: controllerName). */
export const controllerName = "validatingadmissionpolicy-status-controller";

export interface VAPStatusContext {
  self: string;
  client: ClientState;
  q: W.WorkQueue;
}

export interface VAPStatusInput {
  token: string;
  address?: string;
}

export type VAPStatusEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "ProcessNext" } & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp);

const store = (ctx: VAPStatusContext, watchId: number) => ctx.client.informers.get(watchId)!.store;

/** AddFunc and UpdateFunc: the policy's name is queued (a deletion queues nothing). */
function onDelta(ctx: VAPStatusContext, watchId: number, d: InformerDelta): void {
  if (watchId === POLICIES && d.type !== "DELETED") W.add(ctx.q, d.object.metadata.name);
}

/** processNextWorkItem: reconcile the next policy; one gone from the informer is done. */
function processNext(ctx: VAPStatusContext, fx: Fx): void {
  const name = C.takeNext(ctx);
  if (name !== undefined) {
    const policy = store(ctx, POLICIES).get(name);
    const body = policy === undefined ? undefined : statusApply(policy, { crds: store(ctx, CRDS).values() });
    if (body !== undefined) {
      W.track(ctx.q, name);
      request(ctx.client, fx, { verb: "patch", group: "admissionregistration.k8s.io", resource: "validatingadmissionpolicies", name, subresource: "status", patchType: "apply", fieldManager: controllerName, force: true, body }, "apply-status", { key: name });
    } else W.forget(ctx.q, name);
    W.doneIfIdle(ctx.q, name);
  }
  C.kickWhenSynced(ctx, fx);
}

/** A failed apply is retried rate-limited, a successful one forgotten. */
function onWritten(ctx: VAPStatusContext, p: PendingRequest, res: ApiResponse & Stamp, fx: Fx): void {
  const key: string | undefined = p.data?.key;
  if (key === undefined) return;
  if (res.ok) W.forget(ctx.q, key);
  else W.addRateLimited(ctx.q, fx, key, res.now);
  W.untrack(ctx.q, key);
}

export const vapStatusControllerMachine = controllerMachine<VAPStatusContext, VAPStatusInput, VAPStatusEvent>({
  id: controllerName,
  description: "ValidatingAdmissionPolicies: each generation's expressions type-checked against the kinds it matches, status.typeChecking and observedGeneration applied.",
  context: (input) => ({ self: input.address ?? controllerName, client: newClient(input.token), q: W.newWorkQueue() }),
  startInformers: (c, fx) => {
    startInformer(c.client, fx, POLICIES, { group: "admissionregistration.k8s.io", resource: "validatingadmissionpolicies" });
    startInformer(c.client, fx, CRDS, { group: "apiextensions.k8s.io", resource: "customresourcedefinitions" });
  },
  isCacheSynced: (c) => informersSynced(c.client),
  watch: {
    step: (c, e, fx) => {
      I.handleWatchEvent(c.client, fx, e, (w, d) => onDelta(c, w, d));
      C.kickWhenSynced(c, fx);
    },
    description: "a policy added or changed is queued; CRDs are kept for their kinds and schemas",
  },
  response: {
    step: (c, e, fx) => {
      const p = I.handleResponse(c.client, fx, e, (w, d) => onDelta(c, w, d));
      if (p) onWritten(c, p, e, fx);
      C.kickWhenSynced(c, fx);
    },
    description: "the lists, and the answers to the status applies (a failure is retried rate-limited)",
  },
  relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
  worker: {
    kind: "perMessage",
    processNext: { action: "reconcile", step: (c, _e, fx) => processNext(c, fx), description: "reconcile: a generation not yet observed is type-checked and its status applied" },
    requeueDescription: "a rate-limited retry is due",
  },
});
