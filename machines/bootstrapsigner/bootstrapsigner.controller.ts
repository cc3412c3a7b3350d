// The bootstrap signer's steps (pkg/controller/bootstrap/bootstrapsigner.go): informers on Secrets
// and ConfigMaps; any change to kube-public/cluster-info or to a bootstrap token Secret of
// kube-system pokes the one key of its queue, and signConfigMap writes the ConfigMap back when a
// signature is new, changed or gone. The context is a value: these steps run on a draft.

import type { ConfigMap, Secret } from "kubernetes-types/core/v1";
import type { Fx } from "../common/effects.js";
import { newClient, request, startInformer, type ClientState, type InformerDelta, type PendingRequest } from "../common/client.js";
import { bootstrapTokenSecretType, clusterInfoConfigMapName } from "../common/bootstraptoken.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import * as W from "../common/workqueue.js";
import * as C from "../common/controller.js";
import * as I from "../common/informer.js";
import * as L from "./bootstrapsigner.logic.js";

export const controllerName = "bootstrap-signer";
const SECRETS = 1;
const CONFIGMAPS = 2;
/** DefaultSignerOptions: the ConfigMap kube-public/cluster-info, the tokens of kube-system */
const configMapNamespace = "kube-public";
const tokenSecretNamespace = "kube-system";
const configMapKey = `${configMapNamespace}/${clusterInfoConfigMapName}`;

export interface SignerContext {
  self: string;
  client: ClientState;
  /** syncQueue: only ever the one key kube-public/cluster-info, so updates from both informers collapse */
  q: W.WorkQueue;
}

export interface SignerInput {
  token: string;
  address?: string;
}

export type SignerEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "ProcessNext" } & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp);

/** A fresh signer. */
export function initialSigner(input: SignerInput): SignerContext {
  return { self: input.address ?? controllerName, client: newClient(input.token), q: W.newWorkQueue() };
}

/**
 * Informers on Secrets and ConfigMaps. kube-controller-manager's are the shared ones over every
 * namespace, narrowed by the handlers' FilterFuncs; podflow lists the two namespaces the filters
 * keep, the same objects reaching the handlers with less cached.
 */
export function startInformers(ctx: SignerContext, fx: Fx): void {
  startInformer(ctx.client, fx, SECRETS, { group: "", resource: "secrets", namespace: tokenSecretNamespace });
  startInformer(ctx.client, fx, CONFIGMAPS, { group: "", resource: "configmaps", namespace: configMapNamespace });
}

/** pokeConfigMapSync: cluster-info added or updated, a bootstrap token added, updated or deleted. */
export function onDelta(ctx: SignerContext, watchId: number, d: InformerDelta): void {
  const m = d.object.metadata;
  const poke = watchId === SECRETS
    ? (d.object as Secret).type === bootstrapTokenSecretType && m?.namespace === tokenSecretNamespace
    : d.type !== "DELETED" && m?.name === clusterInfoConfigMapName && m?.namespace === configMapNamespace;
  if (poke) W.add(ctx.q, configMapKey);
}

/** serviceConfigMapQueue: signConfigMap for the key. */
export function processNext(ctx: SignerContext, now: number, fx: Fx): void {
  const key = C.takeNext(ctx);
  if (key !== undefined) signConfigMap(ctx, key, now, fx);
  C.kickWhenSynced(ctx, fx);
}

function signConfigMap(ctx: SignerContext, key: string, now: number, fx: Fx): void {
  const cm: ConfigMap | undefined = ctx.client.informers.get(CONFIGMAPS)!.store.get(key);
  const secrets: Iterable<Secret> = ctx.client.informers.get(SECRETS)!.store.values();
  const data = cm ? L.signedData(cm, L.signingTokens(secrets, now)) : undefined;
  if (cm && data) {
    // the sync stays in processing until the update is answered, as Update is a blocking call
    W.track(ctx.q, key);
    request(ctx.client, fx, { verb: "update", group: "", resource: "configmaps", namespace: configMapNamespace, name: clusterInfoConfigMapName, body: { ...cm, data } }, "update-cluster-info", { key });
  }
  W.doneIfIdle(ctx.q, key);
}

/** Handles a watch event. */
export function onWatch(ctx: SignerContext, ev: WatchEvent & Stamp, fx: Fx): void {
  I.handleWatchEvent(ctx.client, fx, ev, (w, d) => onDelta(ctx, w, d));
  C.kickWhenSynced(ctx, fx);
}

/** Handles an API response: the lists and the ConfigMap updates. */
export function onResponse(ctx: SignerContext, res: ApiResponse & Stamp, fx: Fx): void {
  const p = I.handleResponse(ctx.client, fx, res, (w, d) => onDelta(ctx, w, d));
  if (p) onOwnResponse(ctx, p);
  C.kickWhenSynced(ctx, fx);
}

/**
 * An update's answer: Conflict and NotFound are expected (a newer ConfigMap's event pokes the
 * queue again), any other error is only logged; the queue is never rate-limited (Done, no retry).
 */
function onOwnResponse(ctx: SignerContext, p: PendingRequest): void {
  const key: string | undefined = p.data?.key;
  if (key === undefined) return;
  W.untrack(ctx.q, key);
}
