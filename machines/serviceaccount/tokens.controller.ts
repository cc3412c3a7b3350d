// kube-controller-manager's service-account token controller (pkg/controller/serviceaccount/
// tokens_controller.go), as it runs since auto-generated tokens ended: informers on ServiceAccounts
// and on Secrets of type kubernetes.io/service-account-token. syncSecret fills a token Secret
// (token, ca.crt, namespace, the account's uid annotation) or deletes it when the account it names
// is missing or has another uid; syncServiceAccount deletes the token Secrets of a deleted account.
// The token is signed by the runtime's signer (the key never enters a machine). The context is a
// value: these steps run on a draft.

import { Map as IMap } from "immutable";
import type { Fx } from "../common/effects.js";
import { newClient, request, startInformer, type ClientState, type InformerDelta, type PendingRequest } from "../common/client.js";
import { clusterCACert } from "../common/ca.js";
import type { ApiResponse, Stamp, TokenSigned, WatchEvent } from "../messages.js";
import * as W from "../common/workqueue.js";
import * as C from "../common/controller.js";
import * as I from "../common/informer.js";
import { legacyClaims } from "../common/legacytoken.js";
import { mutant } from "../common/mutation.js";

export const controllerName = "serviceaccount-token-controller";
const SERVICEACCOUNTS = 1;
const SECRETS = 2;

/** v1.SecretTypeServiceAccountToken and the keys and annotations of such a Secret. */
export const serviceAccountTokenType = "kubernetes.io/service-account-token";
export const serviceAccountNameKey = "kubernetes.io/service-account.name";
export const serviceAccountUIDKey = "kubernetes.io/service-account.uid";

/** createTokenController's MaxRetries default. */
const maxRetries = 10;

/** A token being signed for a Secret: the sync of key waits for it. */
interface Signing {
  key: string;
  sa: { metadata: { namespace: string; name: string; uid: string } };
}

export interface TokensControllerContext {
  self: string;
  client: ClientState;
  q: W.WorkQueue;
  /** SignToken id -> the Secret sync waiting for the token */
  signing: IMap<number, Signing>;
  nextSignId: number;
}

export interface TokensControllerInput {
  token: string;
  address?: string;
}

export type TokensControllerEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "ProcessNext" } & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp)
  | (TokenSigned & Stamp);

/** A fresh controller. */
export function initialTokensController(input: TokensControllerInput): TokensControllerContext {
  return { self: input.address ?? controllerName, client: newClient(input.token), q: W.newWorkQueue(), signing: IMap(), nextSignId: 1 };
}

/** ServiceAccounts everywhere, and the Secrets of the token type (the field selector type=...). */
export function startInformers(ctx: TokensControllerContext, fx: Fx): void {
  startInformer(ctx.client, fx, SERVICEACCOUNTS, { group: "", resource: "serviceaccounts" });
  startInformer(ctx.client, fx, SECRETS, { group: "", resource: "secrets", fieldSelector: `type=${serviceAccountTokenType}` });
}

const nsName = (o: any) => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
const annotation = (o: any, k: string): string => {
  const a = o?.metadata?.annotations;
  return a && Object.hasOwn(a, k) && typeof a[k] === "string" ? a[k] : "";
};

/**
 * queueServiceAccountSync (a deleted account: its tokens go, key "sa/<ns>/<name>/<uid>") and
 * queueSecretSync ("secret/<ns>/<name>"). An added or changed account needs nothing since tokens
 * are no longer generated for accounts.
 */
function onDelta(ctx: TokensControllerContext, watchId: number, d: InformerDelta): void {
  if (watchId === SERVICEACCOUNTS) {
    if (d.type === "DELETED") W.add(ctx.q, `sa/${nsName(d.object)}/${d.object.metadata?.uid ?? ""}`);
    return;
  }
  if (d.type !== "DELETED") W.add(ctx.q, `secret/${nsName(d.object)}`);
  // a deleted token Secret: its account's reference to it goes (removeSecretReference)
  else W.add(ctx.q, `gone/${nsName(d.object)}/${annotation(d.object, serviceAccountNameKey)}/${annotation(d.object, serviceAccountUIDKey)}`);
}

/** processNextWorkItem: syncServiceAccount or syncSecret for the next key. */
export function processNext(ctx: TokensControllerContext, fx: Fx): void {
  const key = C.takeNext(ctx);
  if (key !== undefined) {
    if (key.startsWith("sa/")) syncServiceAccount(ctx, key, fx);
    else if (key.startsWith("gone/")) removeSecretReference(ctx, key, fx);
    else syncSecret(ctx, key, fx);
  }
  C.kickWhenSynced(ctx, fx);
}

/** IsServiceAccountToken: the token type, the account's name, and its uid when the Secret names one. */
function isTokenOf(secret: any, ns: string, name: string, uid: string): boolean {
  if (secret.type !== serviceAccountTokenType || secret.metadata?.namespace !== ns) return false;
  const u = annotation(secret, serviceAccountUIDKey);
  return annotation(secret, serviceAccountNameKey) === name && (u === "" || u === uid);
}

/** syncServiceAccount for an account that is gone: deleteTokens (each with a uid precondition). */
function syncServiceAccount(ctx: TokensControllerContext, key: string, fx: Fx): void {
  const [, ns = "", name = "", uid = ""] = key.split("/");
  const live = ctx.client.informers.get(SERVICEACCOUNTS)!.store.get(`${ns}/${name}`);
  // the mutant asks only whether an account of that name exists: one deleted and made again keeps the old one's tokens
  if (live && (live.metadata?.uid === uid || mutant("serviceaccount.recreated-account-keeps-old-tokens"))) return W.doneIfIdle(ctx.q, key);
  for (const secret of ctx.client.informers.get(SECRETS)!.store.values()) {
    if (isTokenOf(secret, ns, name, uid)) deleteToken(ctx, key, secret, fx);
  }
  W.doneIfIdle(ctx.q, key);
}

/**
 * removeSecretReference: the account (with the Secret's uid annotation, when it has one) drops the
 * deleted Secret from its secrets; sent with the cached resourceVersion, a Conflict retries once the
 * cache has caught up (RetryOnConflict).
 */
function removeSecretReference(ctx: TokensControllerContext, key: string, fx: Fx): void {
  const [, ns = "", secretName = "", saName = "", saUID = ""] = key.split("/");
  const sa = ctx.client.informers.get(SERVICEACCOUNTS)!.store.get(`${ns}/${saName}`);
  const refs: Obj[] = Array.isArray(sa?.secrets) ? sa.secrets : [];
  if (!sa || (saUID !== "" && saUID !== sa.metadata?.uid) || !refs.some((r) => r?.name === secretName)) return W.doneIfIdle(ctx.q, key);
  const kept = refs.filter((r) => r?.name !== secretName);
  const { secrets: _dropped, ...rest } = sa;
  const body = kept.length > 0 ? { ...rest, secrets: kept } : rest;
  W.track(ctx.q, key);
  request(ctx.client, fx, { verb: "update", group: "", resource: "serviceaccounts", namespace: ns, name: saName, body }, "remove-reference", { key });
  W.doneIfIdle(ctx.q, key);
}

type Obj = Record<string, any>;

function deleteToken(ctx: TokensControllerContext, key: string, secret: any, fx: Fx): void {
  W.track(ctx.q, key);
  request(ctx.client, fx, { verb: "delete", group: "", resource: "secrets", namespace: secret.metadata.namespace, name: secret.metadata.name, body: { preconditions: { uid: secret.metadata.uid } } }, "delete-token", { key });
}

/** syncSecret: the account it names is looked up (the cache, then the API on a miss). */
function syncSecret(ctx: TokensControllerContext, key: string, fx: Fx): void {
  const secret = ctx.client.informers.get(SECRETS)!.store.get(key.slice("secret/".length));
  // a Secret that is gone: only auto-generated tokens were referenced from their account
  if (!secret) return W.doneIfIdle(ctx.q, key);
  const ns: string = secret.metadata.namespace;
  const saName = annotation(secret, serviceAccountNameKey);
  const saUID = annotation(secret, serviceAccountUIDKey);
  const cached = ctx.client.informers.get(SERVICEACCOUNTS)!.store.get(`${ns}/${saName}`);
  if (cached && (saUID === "" || saUID === cached.metadata?.uid)) return withServiceAccount(ctx, key, secret, cached, fx);
  // getServiceAccount(fetchOnCacheMiss): a live GET before the token is given up
  W.track(ctx.q, key);
  request(ctx.client, fx, { verb: "get", group: "", resource: "serviceaccounts", namespace: ns, name: saName }, "get-serviceaccount", { key });
  W.doneIfIdle(ctx.q, key);
}

/** The account is known (or known missing): delete the token, or fill it when something lacks. */
function withServiceAccount(ctx: TokensControllerContext, key: string, secret: any, sa: any | undefined, fx: Fx): void {
  const saUID = annotation(secret, serviceAccountUIDKey);
  if (!sa || (saUID !== "" && saUID !== sa.metadata?.uid)) {
    deleteToken(ctx, key, secret, fx);
    return W.doneIfIdle(ctx.q, key);
  }
  const data = secret.data ?? {};
  const has = (k: string) => Object.hasOwn(data, k) && typeof data[k] === "string" && data[k] !== "";
  const needsCA = !has("ca.crt") || data["ca.crt"] !== b64(clusterCACert);
  const needsNamespace = !has("namespace");
  const needsToken = !has("token");
  if (!needsCA && !needsNamespace && !needsToken) return W.doneIfIdle(ctx.q, key);
  W.track(ctx.q, key);
  if (!needsToken) {
    writeSecret(ctx, key, secret, sa, undefined, fx);
    return W.doneIfIdle(ctx.q, key);
  }
  // GenerateToken: LegacyClaims signed with the service account key
  const id = ctx.nextSignId++;
  const account = { metadata: { namespace: sa.metadata.namespace, name: sa.metadata.name, uid: sa.metadata.uid } };
  ctx.signing = ctx.signing.set(id, { key, sa: account });
  fx.send("token-signer", { type: "SignToken", id, claims: legacyClaims(account, secret.metadata.name) });
  W.doneIfIdle(ctx.q, key);
}

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

/**
 * generateTokenIfNeeded's update: ca.crt, namespace and (when signed) token set, the account's name
 * and uid annotations written; sent with the cached resourceVersion, so a Secret changed meanwhile
 * is a Conflict and its update event brings the sync back (as the live Get's version check).
 */
function writeSecret(ctx: TokensControllerContext, key: string, secret: any, sa: Signing["sa"], token: string | undefined, fx: Fx): void {
  const data = { ...(secret.data ?? {}) };
  if (data["ca.crt"] !== b64(clusterCACert)) data["ca.crt"] = b64(clusterCACert);
  if (!data.namespace) data.namespace = b64(secret.metadata.namespace);
  if (token !== undefined) data.token = b64(token);
  const annotations = { ...(secret.metadata.annotations ?? {}), [serviceAccountNameKey]: sa.metadata.name, [serviceAccountUIDKey]: sa.metadata.uid };
  const body = { ...secret, metadata: { ...secret.metadata, annotations }, data };
  request(ctx.client, fx, { verb: "update", group: "", resource: "secrets", namespace: secret.metadata.namespace, name: secret.metadata.name, body }, "update-token", { key });
}

/** The signer's answer: the Secret is written with the token, if it still lacks one. */
export function onTokenSigned(ctx: TokensControllerContext, ev: TokenSigned & Stamp, fx: Fx): void {
  const s = ctx.signing.get(ev.id);
  if (!s) return;
  ctx.signing = ctx.signing.delete(ev.id);
  const secret = ctx.client.informers.get(SECRETS)!.store.get(s.key.slice("secret/".length));
  if (!secret) {
    W.untrack(ctx.q, s.key);
    return C.kickWhenSynced(ctx, fx);
  }
  // the request below stands in for the signing one this sync was waiting for
  writeSecret(ctx, s.key, secret, s.sa, ev.token, fx);
}

/** Handles a watch event. */
export function onWatch(ctx: TokensControllerContext, ev: WatchEvent & Stamp, fx: Fx): void {
  I.handleWatchEvent(ctx.client, fx, ev, (w, d) => onDelta(ctx, w, d));
  C.kickWhenSynced(ctx, fx);
}

/** Handles an API response: the lists, the account lookups and the Secret writes. */
export function onResponse(ctx: TokensControllerContext, res: ApiResponse & Stamp, fx: Fx): void {
  const p = I.handleResponse(ctx.client, fx, res, (w, d) => onDelta(ctx, w, d));
  if (p) onOwnResponse(ctx, p, res, fx);
  C.kickWhenSynced(ctx, fx);
}

function onOwnResponse(ctx: TokensControllerContext, p: PendingRequest, res: ApiResponse & Stamp, fx: Fx): void {
  const key: string | undefined = p.data?.key;
  if (key === undefined) return;
  if (p.purpose === "get-serviceaccount") {
    const secret = ctx.client.informers.get(SECRETS)!.store.get(key.slice("secret/".length));
    if (res.ok || res.status.code === 404) {
      // the sync goes on with what the API server said; its own requests keep the key in processing
      if (secret) withServiceAccount(ctx, key, secret, res.ok ? res.object : undefined, fx);
    } else C.retryOrForget(ctx.q, fx, key, true, res.now, maxRetries);
    W.untrack(ctx.q, key);
    return;
  }
  // deleteToken: NotFound and Conflict (the uid precondition) need no retry; generateTokenIfNeeded:
  // Conflict and NotFound come back as update events
  const failed = !res.ok && res.status.code !== 404 && (res.status.code !== 409 || p.purpose === "remove-reference");
  C.retryOrForget(ctx.q, fx, key, failed, res.now, maxRetries);
  W.untrack(ctx.q, key);
}
