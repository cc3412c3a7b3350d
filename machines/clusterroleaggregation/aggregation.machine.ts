// The ClusterRole aggregation controller as a machine on the shared controller chart: an informer
// on ClusterRoles; any change queues every ClusterRole with an aggregationRule (the controller's
// enqueue), and a sync applies the aggregate rules when they differ. The context is a value.

import type { Fx } from "../common/effects.js";
import { informersSynced, newClient, request, startInformer, type ClientState, type InformerDelta, type PendingRequest } from "../common/client.js";
import { controllerMachine } from "../common/controller.machine.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import * as W from "../common/workqueue.js";
import * as C from "../common/controller.js";
import * as I from "../common/informer.js";
import { aggregationApply, fieldManager } from "./aggregation.logic.js";

const ROLES = 1;

export interface AggregationContext {
  self: string;
  client: ClientState;
  q: W.WorkQueue;
}

export interface AggregationInput {
  token: string;
  address?: string;
}

export type AggregationEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "ProcessNext" } & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp);

const roles = (ctx: AggregationContext) => ctx.client.informers.get(ROLES)!.store;

/** enqueue: whatever changed, every ClusterRole with an aggregation rule is queued. */
function onDelta(ctx: AggregationContext, _watchId: number, _d: InformerDelta): void {
  for (const role of roles(ctx).values()) if (role?.aggregationRule) W.add(ctx.q, role.metadata.name);
}

/** syncClusterRole for the next key: apply the aggregate when it differs from the stored rules. */
function processNext(ctx: AggregationContext, fx: Fx): void {
  const name = C.takeNext(ctx);
  if (name !== undefined) {
    const role = roles(ctx).get(name);
    const body = role === undefined ? undefined : aggregationApply(role, roles(ctx).values());
    if (body !== undefined) {
      W.track(ctx.q, name);
      request(ctx.client, fx, { verb: "patch", group: "rbac.authorization.k8s.io", resource: "clusterroles", name, patchType: "apply", fieldManager, force: true, body }, "apply", { key: name });
    }
    W.doneIfIdle(ctx.q, name);
  }
  C.kickWhenSynced(ctx, fx);
}

function onWritten(ctx: AggregationContext, p: PendingRequest, res: ApiResponse & Stamp, fx: Fx): void {
  const key: string | undefined = p.data?.key;
  if (key === undefined) return;
  if (res.ok) W.forget(ctx.q, key);
  else W.addRateLimited(ctx.q, fx, key, res.now);
  W.untrack(ctx.q, key);
}

export const clusterRoleAggregationMachine = controllerMachine<AggregationContext, AggregationInput, AggregationEvent>({
  id: "clusterrole-aggregation-controller",
  description: "ClusterRoles with an aggregationRule (admin, edit, view and any a client stores) hold the rules of the ClusterRoles their selectors match.",
  context: (input) => ({ self: input.address ?? "clusterrole-aggregation-controller", client: newClient(input.token), q: W.newWorkQueue() }),
  startInformers: (c, fx) => void startInformer(c.client, fx, ROLES, { group: "rbac.authorization.k8s.io", resource: "clusterroles" }),
  isCacheSynced: (c) => informersSynced(c.client),
  watch: {
    step: (c, e, fx) => {
      I.handleWatchEvent(c.client, fx, e, (w, d) => onDelta(c, w, d));
      C.kickWhenSynced(c, fx);
    },
    description: "a ClusterRole added, changed or deleted: every ClusterRole with an aggregationRule is queued",
  },
  response: {
    step: (c, e, fx) => {
      const p = I.handleResponse(c.client, fx, e, (w, d) => onDelta(c, w, d));
      if (p) onWritten(c, p, e, fx);
      C.kickWhenSynced(c, fx);
    },
    description: "the list, and the answers to its applies (a failure is retried rate-limited)",
  },
  relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
  worker: {
    kind: "perMessage",
    processNext: { action: "syncClusterRole", step: (c, _e, fx) => processNext(c, fx), description: "syncClusterRole: apply the aggregated rules when they differ" },
    requeueDescription: "a rate-limited retry is due",
  },
});
