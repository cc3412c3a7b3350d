// The token cleaner's steps (pkg/controller/bootstrap/tokencleaner.go): an informer on Secrets
// queues the bootstrap token Secrets of kube-system; syncFunc deletes an expired one (uid
// precondition; NotFound and Conflict are no errors) and queues one that expires later again for
// when it does (AddAfter ttl). The context is a value: these steps run on a draft.

import type { Secret } from "kubernetes-types/core/v1";
import type { Fx } from "../common/effects.js";
import { newClient, request, startInformer, type ClientState, type InformerDelta, type PendingRequest } from "../common/client.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import * as W from "../common/workqueue.js";
import * as C from "../common/controller.js";
import * as I from "../common/informer.js";
import * as L from "./tokencleaner.logic.js";

export const controllerName = "token-cleaner";
const SECRETS = 1;
/** TokenSecretNamespace (DefaultTokenCleanerOptions) */
const tokenSecretNamespace = "kube-system";

export interface TokenCleanerContext {
  self: string;
  client: ClientState;
  q: W.WorkQueue;
}

export interface TokenCleanerInput {
  token: string;
  address?: string;
}

export type TokenCleanerEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "ProcessNext" } & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp);

/** A fresh token cleaner. */
export function initialTokenCleaner(input: TokenCleanerInput): TokenCleanerContext {
  return { self: input.address ?? controllerName, client: newClient(input.token), q: W.newWorkQueue() };
}

/**
 * An informer on Secrets. kube-controller-manager's is the shared one over every namespace, which
 * the FilterFunc narrows to token Secrets in kube-system; podflow lists kube-system only, the same
 * Secrets reaching the handler with less cached.
 */
export function startInformers(ctx: TokenCleanerContext, fx: Fx): void {
  startInformer(ctx.client, fx, SECRETS, { group: "", resource: "secrets", namespace: tokenSecretNamespace });
}

const keyOf = (o: { metadata?: { namespace?: string; name?: string } }) => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;

/** enqueueSecrets on add and update (a deletion is not queued); only bootstrap tokens in kube-system. */
export function onDelta(ctx: TokenCleanerContext, d: InformerDelta): void {
  if (d.type === "DELETED" || !L.isWatchedToken(d.object as Secret, tokenSecretNamespace)) return;
  W.add(ctx.q, keyOf(d.object));
}

/** processNextWorkItem: syncFunc for the next key. */
export function processNext(ctx: TokenCleanerContext, now: number, fx: Fx): void {
  const key = C.takeNext(ctx);
  if (key !== undefined) syncSecret(ctx, key, now, fx);
  C.kickWhenSynced(ctx, fx);
}

function syncSecret(ctx: TokenCleanerContext, key: string, now: number, fx: Fx): void {
  const secret: Secret | undefined = ctx.client.informers.get(SECRETS)!.store.get(key);
  // a Secret gone from the cache has been deleted; one whose type changed is no token any more
  if (!secret || secret.type !== "bootstrap.kubernetes.io/token") return W.done(ctx.q, key);
  const v = L.evalSecret(secret, now);
  if (v.action === "delete") {
    W.track(ctx.q, key);
    request(ctx.client, fx, {
      verb: "delete", group: "", resource: "secrets", namespace: secret.metadata?.namespace, name: secret.metadata?.name,
      ...(v.uid ? { body: { preconditions: { uid: v.uid } } } : {}),
    }, "delete-token", { key });
  } else if (v.action === "requeueAfter") {
    // a token that expires in a day is a watchdog, not pending work: its timer does not hold settle() up
    W.addAfter(fx, key, v.ms, true);
  }
  W.doneIfIdle(ctx.q, key);
}

/** Handles a watch event. */
export function onWatch(ctx: TokenCleanerContext, ev: WatchEvent & Stamp, fx: Fx): void {
  I.handleWatchEvent(ctx.client, fx, ev, (_w, d) => onDelta(ctx, d));
  C.kickWhenSynced(ctx, fx);
}

/** Handles an API response: the Secrets list and the deletions. */
export function onResponse(ctx: TokenCleanerContext, res: ApiResponse & Stamp, fx: Fx): void {
  const p = I.handleResponse(ctx.client, fx, res, (_w, d) => onDelta(ctx, d));
  if (p) onOwnResponse(ctx, p);
  C.kickWhenSynced(ctx, fx);
}

/**
 * A deletion's answer. syncFunc returns no error whatever the delete gave (evalSecret only logs
 * it), so the key is forgotten either way: the next add or update of the Secret brings it back.
 */
function onOwnResponse(ctx: TokenCleanerContext, p: PendingRequest): void {
  const key: string | undefined = p.data?.key;
  if (key === undefined) return;
  W.untrack(ctx.q, key);
}
