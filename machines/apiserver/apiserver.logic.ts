// The API server's request pipeline as functions over its context: authenticate, authorize,
// read from the watch cache, or prepare a write (create, update, patch, delete, subresources),
// run mutating admission and validation, and persist it with one compare-and-swap Txn.
//
// The context is a value: every step returns the next context and never changes the one it was
// given. A step that builds up the request in flight works on its own fresh copy of it (and of
// the random generator, when it draws), which becomes part of the context it returns.

import type { Status } from "kubernetes-types/meta/v1";
import { List, Map as IMap, OrderedMap } from "immutable";
import { isLegacyClaims, lastUsedLabel, legacyTokenOf, legacyTokenRefusal, legacyTokensMax, legacyTokenUser, verifiedLegacyToken, type LegacyToken } from "../common/legacytoken.js";
import { Fx } from "../common/effects.js";
import { Rng } from "../common/prng.js";
import { issuedToken, prepareTokenRequest, serviceAccountIssuer, serviceAccountRefusal, serviceAccountUser, signedIssue, tokenKey, tokenRequestTargetError, withIssued, withTokenId, type IssuedToken, type PendingToken } from "./auth/tokenrequest.js";
import { rfc3339 } from "../common/time.js";
import { goQuote } from "../common/goquote.js";
import type { ApiRequest, Stamp, TxnOp, Compare, WebhookAnswered, WatchEventType } from "../messages.js";
import { labelSelectorAsRequirements, matchesRequirements, parseFieldSelector, parseSelector, type FieldRequirement } from "../common/labels.js";
import { certificateAdmissionRefusal, signerAttributes } from "./admission/certificates.js";
import { parseCSR } from "../common/csr.js";
import { admitNodeRestriction, anonymous, answerReview, authorize as authorizeAttributes, escalationError, forbidden, impersonate, reviewKinds, type Attributes, type TokenReviewer, type TokenReviewAnswer, type NodeGraph, type Operation, type RbacObjects, type UserInfo } from "./auth/index.js";
import { roleReferenceRules } from "./auth/rbac.js";
import {
  addWatch, applyEtcdEvents, cacheKind, candidates, eventFor, fieldLabelError, historySince, loadObjects, matches, newWatchCache, objectsAt, oldestResumable, removeWatch, slideHistory,
  watchKey, withoutWatches, withResourceVersion, type ClientWatch, type WatchCache,
} from "./cache.js";
import { jsonPatch, mergePatch, PatchError, PatchTooLargeError, StrategicPatchError, StrategicPatchPanic, strategicMergePatchShown } from "./patch.js";
import { aggregatedGroups, apiVersionOf, qualifiedResource, resourceFor, storageKey, storagePrefix, storedApiVersion, unpreparedKey, type ResourceInfo } from "./resources.js";
import { decodeContinue, encodeContinue } from "./continue.js";
import { controlledStatus, resourceAtVersion, resourceForKindIn, resourceIn, resourcesOf } from "./crds.js";
import { admissionActivation, matchConditions, type CelAuthorizerCheck, type MatchResult } from "./admission/celadmission.js";
import { dispatchPolicies, type ParamSource } from "./admission/validatingpolicy.js";
import { atServedVersion, atStorageVersion, customPatchTypes, customScaleOf, prepareCustomResourceForCreate, prepareCustomResourceForUpdate, pruned, setPath, validateCustomResourceWithWarnings, withDefaults } from "./customresource.js";
import * as S from "./status.js";
import { isValidPathSegmentName } from "./validation/names.js";
import { conversionReview, gvkString, judgeConversion, needsWebhook, noSupportedReviewVersions, reviewVersionOf, type ConversionCall } from "./conversionwebhook.js";
import { admissionReview, dryRunRefusal, isExemptFromWebhooks, judgeWebhookAnswer, mutatedKindError, mutatedNamespace, shouldCallHook, webhooksOf, webhookTarget, type WebhookAttributes, type WebhookOutcome, type WebhookRef } from "./admission/webhooks.js";
import { admissionRefusal, admitDefaulted, admitDefaultedKeeping, defaulted, namespaceAdmission, validatingAdmission, type MutateContext, type PriorityClassInfo } from "./admission/index.js";
import { mirrorPodRefusal, serviceAccountLookupAttempts, serviceAccountValidateCreate, serviceAccountValidateEphemeral } from "./admission/serviceaccount.js";
import { bindingLabels, type NodeLookup } from "./admission/podtopologylabels.js";
import { applied, appliedScale, managerFor, updateRecorded } from "./fieldmanager/write.js";
import { validateCreate, validateUpdate } from "./validation/index.js";
import { validateBinding } from "./validation/pod.js";
import { validateCommonObjectMeta, withMetadataMemo } from "./validation/meta.js";
import { statusWriteMeta } from "./statusmeta.js";
import { DEFAULT_SERVICE_CIDR } from "./allocators.js";
import { allocateServiceAddresses, initIPFamilyFields, newServiceAllocators, primaryBitmapRange, serviceIPFamiliesOf, releaseDroppedAddresses, releaseServiceAddresses, type ServiceAllocators } from "./services.js";
import { ipAddressChanges, ipAddressFor, ipAddressKey, serviceNetworkOf } from "./servicecidr.js";
import { shareUnchanged } from "../common/share.js";
import { deepEqual, semanticEqual } from "../common/equal.js";
import { copyWith, getOwn, setOwn } from "../common/own.js";
import { decodePatched } from "./schema/patched.js";
import { maxCustomDepth, maxKeptDepth, objectTooDeep, orTooDeep } from "./schema/depth.js";
import { goSecondsMs, integerOf } from "../common/numberliteral.js";
import { NumberLiteral, canonicalQuantities, canonicalQuantitiesOf, unstructuredNumbers, versionedTypeKey } from "./schema/decode.js";
import { goEncoded } from "./schema/encode.js";
import { requestConversion } from "./conversion.js";
import { mutant } from "../common/mutation.js";
import { appArmorVersionSkewWarnings, podStatusWarnings, serviceStatusWarnings, warningsOnCreate, warningsOnUpdate } from "./warnings.js";
import { containerOption, isConnect as isConnectRequest, streamLocation } from "./connect.js";

export type Request = ApiRequest & Stamp;

export interface InFlight {
  req: Request;
  user: UserInfo;
  r?: ResourceInfo;
  key?: string;
  old?: any;
  /** the object to persist */
  obj?: any;
  op?: "put" | "delete";
  /** extra ops in the same Txn (none today; kept for cascading writes) */
  error?: Status;
  /** the error is the panic recovery's plain-text 500, not a Status the handler wrote */
  panicked?: true;
  code?: number;
  /** what the client gets back, when it is not the persisted object */
  reply?: any;
  txnId?: number;
  /** a write that changes nothing is answered without a Txn */
  noop?: boolean;
  /** reads and writes that bypass persistence once answered */
  done?: boolean;
  /** warnings for the response (unknown fields of a patched object under fieldValidation=Warn) */
  warnings?: string[];
  /** other objects the same Txn writes, each unless it changed since it was read (a quota's charged status.used) */
  also?: { key: string; value: any; modRevision: number }[];
  /** requests the registry makes itself once this one is served, in order (an eviction's condition, then its deletion): queued by prepareWrite */
  then?: Request[];
  /** the managedFields a server-side apply recorded (an Update's are recorded before mutating admission) */
  applyManaged?: any[];
  /** what a put stores: the object as Go encodes it, without its resourceVersion, sharing the stored version's unchanged parts */
  stored?: any;
  /** top-level parts of obj that mutating admission kept as Go decoded and encoded them (a status write's status): not encoded again */
  decoded?: readonly unknown[];
  /** the put would store the stored version as it is (GuaranteedUpdate's bytes.Equal): nothing is written */
  unchanged?: boolean;
  /** the ServiceAccount plugin did not find the pod's account and looks again after intervalMs */
  awaitServiceAccount?: ServiceAccountWait;
  /** a TokenRequest checked and waiting for the signer (serviceaccounts/token) */
  token?: PendingToken;
  /** the Service allocators before this write allocated: a failed write restores them (the REST's txn.Revert) */
  allocatorsBefore?: ServiceAllocators;
  /** a PUT to an object that does not exist, which its strategy lets create it (AllowCreateOnUpdate) */
  createOnUpdate?: boolean;
  /** a create whose body set metadata.resourceVersion to a uint64 other than 0, which etcd3's store.Create refuses */
  createsWithResourceVersion?: boolean;
  /** the admission webhooks of the phase in progress (mutating, then validating) */
  webhooks?: WebhookPhase;
  /** a custom resource converted by its CRD's webhook: the call awaiting its answer, and what the answer is for */
  conversion?: PendingConversion;
  /** the write converted by the webhook to its CRD's storage version: what encodeForStorage stores */
  storageForm?: any;
  /** the stored object an update, patch or delete acts on, converted by the webhook to the request's version */
  oldForm?: any;
  /** a read answered beside the request in flight */
  aside?: true;
  /** a read beside the one in flight that needs a conversion webhook: it waits its turn instead */
  deferred?: true;
}

/** A conversion webhook call in flight: a get's object, a list's page, a write's object before storage or its reply. */
export interface PendingConversion {
  call: ConversionCall;
  purpose: "get" | "list" | "old" | "store" | "reply";
  /** a list's page (every item, the converted ones at their places) and its metadata */
  page?: readonly any[];
  metadata?: any;
  /** a list with selectors: `page` is every candidate, matched and paged once converted */
  window?: { scope: Parameters<typeof matches>[0]; hasSelectors: boolean; fromKey: string | undefined; keyPrefix: string; listRevision: number };
}

/** A webhook phase: the webhooks the source listed when it began, the next to consider, the call awaiting its answer. */
export interface WebhookPhase {
  mutating: boolean;
  hooks: readonly WebhookRef[];
  next: number;
  call?: { id: number; uid: string; hook: any; index: number };
  /** a mutating webhook's patch changed the object (VersionedAttributes.Dirty) */
  dirty?: boolean;
  /** mutating only (reinvocation.go's contexts): 1 once the chain runs again */
  round?: 0 | 1;
  /** a webhook changed the object: the chain runs again (admission.reinvoker) */
  shouldReinvoke?: boolean;
  /** IfNeeded webhooks called since the object last changed, by index */
  previouslyInvoked?: readonly number[];
  /** the webhooks the second round calls, by index */
  reinvoke?: readonly number[];
}

/** A pod create waiting for its ServiceAccount: the lookups made so far and the interval between them. */
export interface ServiceAccountWait {
  lookups: number;
  intervalMs: number;
}

export interface ApiServerContext {
  /** bearer token -> user: a Map, so no token can name a member of Object.prototype */
  users: ReadonlyMap<string, UserInfo>;
  cache: WatchCache;
  /** requests waiting while one is in flight (a persistent list: it can grow long under load) */
  backlog: List<Request>;
  current?: InFlight;
  nextEtcdId: number;
  /** never advanced in place: a step that draws works on a copy and returns it */
  rng: Rng;
  eventLease?: { id: number; grantedAt: number };
  allocators: ServiceAllocators;
  /** --service-cluster-ip-range, primary first, when not the default single-stack IPv4 range */
  serviceCIDRs?: readonly string[];
  /** revision recorded at the last compaction tick; compacted at the next one, as kube-apiserver does */
  compactCandidate: number;
  /** pod creates whose admission waits to look for their ServiceAccount again, by park id */
  parked: IMap<number, Request>;
  nextParkId: number;
  /** the service account tokens issued by TokenRequest, by their signature (tokenKey): the authenticator knows them so */
  issuedTokens: IMap<string, IssuedToken>;
  /** the secret-based tokens the signer signed for the token controller, by their signature: verifiable here */
  legacyTokens: OrderedMap<string, LegacyToken>;
  /** etcd's process died: present (true) from then on */
  etcdGone?: true;
  /** the watches whose CRD's webhook converts their events, by watchKey: present once one was opened */
  watchConversions?: ReadonlyMap<string, WatchConversion>;
}

/** A watch's events on their way through its CRD's conversion webhook, one at a time and in order. */
export interface WatchConversion {
  client: string;
  watchId: number;
  r: ResourceInfo;
  /** the events not yet sent, oldest first (their objects as stored); the first is the one being converted while `call` is set */
  queue: readonly { eventType: WatchEventType; object: any }[];
  call?: ConversionCall;
}

export interface ApiServerInput {
  tokens: ReadonlyMap<string, UserInfo>;
  seed: number;
  /** Live clusters only: a random number drawn once per start by the runtime, mixed into the uid and
   * generateName generator so that two runs with the same seed never mint the same uids. */
  nonce?: number;
  /** --service-cluster-ip-range (one CIDR, or one per family for a dual-stack cluster); the default IPv4 range when absent */
  serviceCIDRs?: readonly string[];
}

export const compactionIntervalMs = 5 * 60_000;

/** A fresh context from the token file and the seed. */
export function initialApiServer(input: ApiServerInput): ApiServerContext {
  return {
    users: input.tokens,
    cache: newWatchCache(),
    backlog: List(),
    nextEtcdId: 1,
    rng: new Rng(input.nonce === undefined ? input.seed : (input.seed ^ Math.imul(input.nonce >>> 0, 0x9e3779b1)) >>> 0),
    allocators: newServiceAllocators(undefined, primaryBitmapRange(input.serviceCIDRs)),
    ...(input.serviceCIDRs !== undefined ? { serviceCIDRs: [...input.serviceCIDRs] } : {}),
    compactCandidate: 0,
    parked: IMap(),
    nextParkId: 1,
    issuedTokens: IMap(),
    legacyTokens: OrderedMap(),
  };
}

// ---- start-up: list etcd, then watch it from the next revision ---------------------------

/** Ask etcd for everything under /registry/. */
export function listEtcd(ctx: ApiServerContext, fx: Fx): ApiServerContext {
  fx.send("etcd", { type: "Range", id: ctx.nextEtcdId, key: "/registry/", prefix: true });
  return { ...ctx, nextEtcdId: ctx.nextEtcdId + 1 };
}

/** Fill the cache from the start-up list and open the one etcd watch every client watch fans out from. */
export function fillCacheAndWatch(ctx: ApiServerContext, ev: { revision: number; kvs: { key: string; value: unknown; modRevision: number }[] }, fx: Fx): ApiServerContext {
  const cache = { ...loadObjects(ctx.cache, ev.kvs), revision: ev.revision };
  let allocators = ctx.allocators;
  for (const obj of cache.objects.values()) if (obj.kind === "Service") allocators = allocateServiceAddresses(allocators, obj, obj).allocators;
  fx.send("etcd", { type: "Watch", watchId: 1, prefix: "/registry/", startRevision: ev.revision + 1 });
  fx.after("compaction", compactionIntervalMs, { type: "CompactionDue" }, true);
  return { ...ctx, cache, allocators };
}

/** kube-apiserver compacts every 5 minutes to the revision it saw 5 minutes earlier. */
export function compactEtcd(ctx: ApiServerContext, fx: Fx): ApiServerContext {
  let nextEtcdId = ctx.nextEtcdId;
  if (ctx.compactCandidate > 0) fx.send("etcd", { type: "Compact", id: nextEtcdId++, revision: ctx.compactCandidate });
  fx.after("compaction", compactionIntervalMs, { type: "CompactionDue" }, true);
  return { ...ctx, nextEtcdId, compactCandidate: ctx.cache.revision };
}

/**
 * The next context of a pipeline step: `{ ...ctx, current, ... }` written out key by key, in the
 * order every context has (initialApiServer's keys, then current, then eventLease once a lease was
 * granted). V8 copies a spread of a context that was itself made by one an order of magnitude
 * slower (timed: ~300 ns-1 µs against ~30 ns), and every step of every request makes one.
 */
function stepped(ctx: ApiServerContext, current: InFlight | undefined, cache = ctx.cache, backlog = ctx.backlog, nextEtcdId = ctx.nextEtcdId, allocators = ctx.allocators): ApiServerContext {
  const next: ApiServerContext = {
    users: ctx.users,
    cache,
    backlog,
    nextEtcdId,
    rng: ctx.rng,
    allocators,
    compactCandidate: ctx.compactCandidate,
    parked: ctx.parked,
    nextParkId: ctx.nextParkId,
    issuedTokens: ctx.issuedTokens,
    legacyTokens: ctx.legacyTokens,
  };
  // as the spread would: current once any step set it, eventLease once granted
  if (current !== undefined || "current" in ctx) next.current = current;
  // never set to undefined once granted: present exactly when defined
  if (ctx.eventLease !== undefined) next.eventLease = ctx.eventLease;
  if (ctx.etcdGone === true) next.etcdGone = true;
  if (ctx.watchConversions !== undefined) next.watchConversions = ctx.watchConversions;
  return next;
}

/** 404 for a resource the server does not serve, worded as the API server's NotFound handler. */
function resourceNotFound(): Status {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "the server could not find the requested resource", reason: "NotFound", details: {}, code: 404 };
}

/** 422 for a JSON patch that cannot be applied: the patcher wraps the error in a
 * NewGenericServerResponse, whose message for 422 is fixed (the patch error itself is dropped). */
function unprocessable(): Status {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "the server rejected our request due to an error in our request", reason: "Invalid", details: {}, code: 422 };
}

// ---- the pipeline -----------------------------------------------------------------------

/** A request arrives: it waits in the backlog. */
export function enqueueRequest(ctx: ApiServerContext, req: Request): ApiServerContext {
  return stepped(ctx, ctx.current, ctx.cache, ctx.backlog.push(req));
}

/**
 * A request arrives. The HTTP front end's own checks (authorizeOnly: may this user get /readyz,
 * watch pods, exec) are answered at once: kube-apiserver runs authentication and authorization in
 * each request's own goroutine, so a check never waits behind another request's storage call (a
 * write waiting on a crashed etcd). Every other request waits in the backlog.
 */
export function receiveRequest(ctx: ApiServerContext, req: Request, fx: Fx): ApiServerContext {
  return req.authorizeOnly === true ? answerAside(ctx, req, fx) : enqueueRequest(ctx, req);
}

/**
 * A request arrives while a webhook judges the one in flight. kube-apiserver goes on serving other
 * requests meanwhile, and webhooks commonly read the cluster before they answer: reads (served from
 * the watch cache, touching nothing the request in flight holds) are answered at once; writes wait.
 */
export function receiveRequestBesideWebhook(ctx: ApiServerContext, req: Request, fx: Fx): ApiServerContext {
  const v = req.verb;
  // a read etcd must answer, while etcd is down, waits in the pipeline like a write
  const read = (v === "get" || v === "list" || v === "watch" || v === "unwatch") && !aggregatedGroups.has(req.group) && !isConnectRequest(req) && !(ctx.etcdGone === true && readsFromEtcd(req));
  return req.authorizeOnly === true || read ? answerAside(ctx, req, fx) : enqueueRequest(ctx, req);
}

/** Authentication, authorization and a read's answer for a request beside the one in flight, which is left as it was. */
function answerAside(ctx: ApiServerContext, req: Request, fx: Fx): ApiServerContext {
  const authenticated = authenticate(stepped(ctx, { req, user: anonymous, aside: true }));
  const judged = authenticated.current!.error === undefined ? authorize(authenticated) : authenticated;
  const answered = judged.current!.error !== undefined ? replyWithStatus(judged, fx) : serveRead(judged, fx);
  // a read that needs a conversion webhook cannot be answered at once: it queues
  if (answered.current?.deferred) return enqueueRequest(ctx, req);
  // a legacy token's last-used patch joins the backlog; a watch opened is in the cache
  return stepped(answered, ctx.current);
}

/** Takes the next request from the backlog into flight. */
export function takeNext(ctx: ApiServerContext): ApiServerContext {
  return stepped(ctx, { req: ctx.backlog.first()!, user: anonymous }, ctx.cache, ctx.backlog.shift());
}

/** The context with the request in flight as `f` leaves a fresh copy of it (the context's own is never changed). */
function withCurrent(ctx: ApiServerContext, f: (cur: InFlight) => void): ApiServerContext {
  // Object.assign, not a spread: `f` adds fields, and V8 adds a field to a spread's copy ~15x slower (timed).
  const cur = Object.assign({}, ctx.current!);
  f(cur);
  return stepped(ctx, cur);
}

/** Authentication: a bearer token from the token file, or the anonymous user without one; then impersonation. */
export function authenticate(ctx: ApiServerContext): ApiServerContext {
  const cur = ctx.current!;
  const out = authenticateRequest(ctx, cur.req);
  const impersonated = out.error === undefined && cur.req.impersonate ? impersonate(out.user ?? cur.user, cur.req.impersonate, nodeGraph(ctx)) : undefined;
  const error = out.error ?? (impersonated && "error" in impersonated ? impersonated.error : undefined);
  const user = impersonated && "user" in impersonated ? impersonated.user : out.user;
  const next = stepped(ctx, { ...cur, ...(user !== undefined ? { user } : {}), ...(error !== undefined ? { error } : {}) });
  return out.lastUsed === undefined ? next : stepped(next, next.current, next.cache, next.backlog.push(out.lastUsed));
}

// Marks the API server's own write (the legacy token tracker's secretsWriter): it runs as the loopback user.
const loopbackWrite: unique symbol = Symbol("podflow.loopbackWrite");
const loopbackUser = { name: "system:apiserver", groups: ["system:authenticated", "system:masters"] };

/** Who a request is (undefined: anonymous), or the 401 that refuses it, and the Secret patch a secret-based token's use calls for. */
interface Authenticated {
  user?: UserInfo;
  error?: Status;
  lastUsed?: Request;
}

/** The union authenticator on one request: loopback, a client certificate, a bearer token. */
function authenticateRequest(ctx: ApiServerContext, req: Request): Authenticated {
  if ((req as { [loopbackWrite]?: true })[loopbackWrite] === true) return { user: loopbackUser };
  const token = req.token;
  const cert = req.x509;
  // a verified client certificate wins; one that failed to verify is a 401 unless a token
  // authenticates the request (the x509 error is kept, not fatal, until then)
  if (cert !== undefined && "user" in cert) return { user: certificateUser(cert) };
  const hasToken = token !== undefined && token !== "";
  if (cert !== undefined && !hasToken) return { error: S.unauthorized() };
  if (!hasToken) return {};
  // the token file's users first: an issued token is looked up only for a token not in it
  const known = ctx.users.get(token);
  const issued = known === undefined ? issuedToken(ctx.issuedTokens, token) : undefined;
  const lookup = (res: string, ns: string | undefined, name: string) => lookupStored(ctx, res, ns, name);
  const legacy = known === undefined && issued === undefined ? ctx.legacyTokens.get(tokenKey(token)) : undefined;
  const user = known ?? (issued ? serviceAccountUser(issued, req.now, lookup) : legacyTokenUser(legacy, token, lookup));
  if (!user) return { error: S.unauthorized() };
  const lastUsed = legacy !== undefined ? lastUsedPatch(lookup("secrets", legacy.namespace, legacy.secretName), req.now) : undefined;
  return { user, ...(lastUsed !== undefined ? { lastUsed } : {}) };
}

/**
 * The bearer-token authenticators a TokenReview asks (its token in a request of its own): the token
 * file's users are audience-agnostic (they authenticate for the API server's audiences among those
 * asked: WrapAudienceAgnosticToken); an issued token for its own audiences among those asked (the JWT
 * authenticator's Intersect), then the validator's checks as for a request; a secret-based token has
 * no audience and takes the API server's.
 */
function reviewToken(ctx: ApiServerContext, now: number, token: string, asked: readonly string[]): TokenReviewAnswer {
  const apiAudiences = asked.filter((a) => a === serviceAccountIssuer);
  const known = ctx.users.get(token);
  if (known !== undefined) return apiAudiences.length > 0 ? { user: known, audiences: apiAudiences } : undefined;
  const lookup = (res: string, ns: string | undefined, name: string) => lookupStored(ctx, res, ns, name);
  const issued = issuedToken(ctx.issuedTokens, token);
  if (issued !== undefined) {
    // jwt.go AuthenticateToken: the audience check first (a token without aud has the API server's), then the validator's
    const own = tokenAudiences(token);
    const tokenAuds = own.length > 0 ? own : [serviceAccountIssuer];
    const audiences = tokenAuds.filter((a) => asked.includes(a));
    if (audiences.length === 0) return { error: `token audiences ${goStrings(tokenAuds)} is invalid for the target audiences ${goStrings(asked)}` };
    const refused = serviceAccountRefusal(issued, now, lookup);
    if (refused !== undefined) return { error: refused };
    const user = serviceAccountUser({ ...issued, forAPI: true }, now, lookup);
    return user ? { user, audiences } : undefined;
  }
  const legacy = verifiedLegacyToken(ctx.legacyTokens.get(tokenKey(token)), token);
  if (legacy === undefined) return undefined;
  // a secret-based token has no aud: the API server's (jwt.go's implicitAuds), then legacy.go's validator
  if (apiAudiences.length === 0) return { error: `token audiences ${goStrings([serviceAccountIssuer])} is invalid for the target audiences ${goStrings(asked)}` };
  const refused = legacyTokenRefusal(legacy, token, lookup);
  if (refused !== undefined) return { error: refused };
  const user = legacyTokenUser(legacy, token, lookup);
  return user ? { user, audiences: apiAudiences } : undefined;
}

/** Go's %q of a []string: each element quoted, space-separated, in brackets. */
function goStrings(xs: readonly string[]): string {
  return `[${xs.map(goQuote).join(" ")}]`;
}

/** The aud claim of a JWT the API server issued (its signature already matched): from its payload. */
function tokenAudiences(token: string): string[] {
  const payload = token.split(".")[1] ?? "";
  try {
    const aud = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"))?.aud;
    return Array.isArray(aud) ? aud.filter((a): a is string => typeof a === "string") : typeof aud === "string" ? [aud] : [];
  } catch {
    return [];
  }
}

/** CommonNameUserConversion, then AuthenticatedGroupAdder: CN is the user, O values the groups, plus system:authenticated. */
function certificateUser(cert: { user: string; groups: string[] }): UserInfo {
  return { name: cert.user, groups: cert.groups.includes("system:authenticated") ? [...cert.groups] : [...cert.groups, "system:authenticated"] };
}

/**
 * LegacyServiceAccountTokenTracking (legacy.go): a secret-based token's Secret is labelled with the
 * day it was last used, patched (uid-checked) when the label is neither today nor tomorrow.
 */
function lastUsedPatch(secret: any, now: number): Request | undefined {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const today = day(now);
  const label = secret?.metadata?.labels?.[lastUsedLabel];
  if (!secret || label === today || label === day(now + 86_400_000)) return undefined;
  const { name, namespace, uid } = secret.metadata;
  const body = { kind: "Secret", apiVersion: "v1", metadata: { name, namespace, uid, labels: { [lastUsedLabel]: today } } };
  return { type: "ApiRequest", id: -1, from: "apiserver", now, verb: "patch", group: "", resource: "secrets", namespace, name, patchType: "merge", body, [loopbackWrite]: true } as Request;
}

/** The Node authorizer's and NodeRestriction's questions, answered from the watch cache. */
function nodeGraph(ctx: ApiServerContext): NodeGraph {
  const c = ctx.cache;
  return {
    pod: (namespace, name) => c.objects.get(`/registry/pods/${namespace}/${name}`),
    podsOn: (node) => podsOnNode(c, node),
    node: (name) => c.objects.get(`/registry/minions/${name}`),
    pv: (name) => c.objects.get(`/registry/persistentvolumes/${name}`),
    pvs: () => c.byKind.get("PersistentVolume")?.values() ?? [],
    volumeAttachment: (name) => c.objects.get(`/registry/volumeattachments/${name}`),
    rbac: rbacObjects(c),
  };
}

/**
 * The pods bound to a node, looked up as the authorizer walks them: it stops at the first that
 * references the object (a kubelet's TokenRequest: its node's first pod of the account), so the
 * others are not looked up. The node's set is a persistent value: the walk sees it as it was.
 */
function* podsOnNode(c: WatchCache, node: string): Generator<any> {
  const keys = c.podsByNode.get(node);
  if (keys === undefined) return;
  for (const k of keys) yield c.objects.get(k);
}

/** The stored Roles, ClusterRoles and bindings the RBAC authorizer reads, from the watch cache. */
export function rbacObjects(c: WatchCache): RbacObjects {
  return {
    role: (namespace, name) => c.objects.get(`/registry/roles/${namespace}/${name}`),
    clusterRole: (name) => c.objects.get(`/registry/clusterroles/${name}`),
    clusterRoleBindings: () => c.byKind.get("ClusterRoleBinding")?.values() ?? [],
    roleBindings: (namespace) => [...(c.byKind.get("RoleBinding")?.values() ?? [])].filter((b) => b.metadata?.namespace === namespace),
    // each kind's map is replaced when one of its objects changes
    versions: () => [c.byKind.get("ClusterRoleBinding"), c.byKind.get("ClusterRole"), c.byKind.get("RoleBinding"), c.byKind.get("Role")],
  };
}

/** The authorizer's view of a request (RequestInfo): a list or watch names the object its metadata.name field selector requires. */
function attributesOf(req: Request, user: UserInfo): Attributes {
  if (req.nonResource) return { user, verb: req.nonResource.verb, resourceRequest: false, apiGroup: "", resource: "", subresource: "", namespace: "", name: "", path: req.nonResource.path, fieldSelector: [] };
  const verb = req.verb === "unwatch" ? "watch" : req.verb;
  let fieldSelector: FieldRequirement[] = [];
  let name = req.name ?? "";
  if ((verb === "list" || verb === "watch") && req.fieldSelector) {
    const p = parseFieldSelector(req.fieldSelector);
    if (!("error" in p)) {
      fieldSelector = p;
      const exact = p.find((f) => f.field === "metadata.name" && f.operator === "=");
      if (name === "" && exact && exact.value !== "" && !/[/%]/.test(exact.value) && exact.value !== "." && exact.value !== "..") name = exact.value;
    }
  }
  return { user, verb, resourceRequest: true, apiGroup: req.group, resource: req.resource, subresource: req.subresource ?? "", namespace: req.namespace ?? "", name, path: "", fieldSelector };
}

/** Authorization (Node, RBAC), then the resource must exist and be served with that verb. */
export function authorize(ctx: ApiServerContext): ApiServerContext {
  return withCurrent(ctx, (cur) => authorizeRequest(ctx, cur));
}

// Marks the pod deletion an allowed eviction makes (eviction.go deletes through the store, past authorization).
const evictionDelete: unique symbol = Symbol("podflow.evictionDelete");
// Marks the deletion that answers an eviction: its client hears the eviction's Status once the pod is deleted.
const evictionReply: unique symbol = Symbol("podflow.evictionReply");
const evictionSuccess = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 };

function authorizeRequest(ctx: ApiServerContext, cur: InFlight): void {
  const req = cur.req;
  // closing a watch is the client hanging up, not a request to authorize
  if (req.verb !== "unwatch" && (req as { [evictionDelete]?: true })[evictionDelete] !== true) {
    const a = attributesOf(req, cur.user);
    const d = authorizeAttributes(a, nodeGraph(ctx));
    if (!d.allowed) {
      // ensureAuthorizedForVerb: NewForbidden(requestInfo's group and resource, name, reason)
      cur.error = req.authorizeOnly && req.handlerCheck ? S.forbiddenStatus({ group: a.apiGroup, resource: a.resource } as ResourceInfo, a.name, d.reason) : forbidden(a, d.reason);
      return;
    }
  }
  if (req.authorizeOnly || req.nonResource) return;
  // a custom resource at the version asked (each served version has its own entry); a built-in at its own
  const r = req.version !== undefined ? resourceAtVersion(ctx.cache, req.group, req.version, req.resource) : resourceIn(ctx.cache, req.group, req.resource);
  if (!r) {
    cur.error = resourceNotFound();
    return;
  }
  cur.r = r;
  if (req.subresource && !r.subresources.includes(req.subresource)) {
    cur.error = S.notFound(r, req.name ?? "");
    return;
  }
  // a connect is located as create, once the HTTP front end authorized its method's verb and then create
  if (isConnectRequest(req) && req.verb !== "create") {
    cur.error = S.methodNotAllowed();
    return;
  }
  // A verb the resource does not serve has no route: go-restful answers 405 (DELETE /api/v1/namespaces).
  if (!req.subresource && req.verb !== "unwatch" && !r.verbs.includes(req.verb)) cur.error = S.methodNotAllowed();
}

export function isRead(ctx: ApiServerContext): boolean {
  const { req } = ctx.current!;
  if (req.authorizeOnly || req.nonResource) return true;
  const v = req.verb;
  return v === "get" || v === "list" || v === "watch" || v === "unwatch" || (v === "create" && false);
}

/**
 * A read kube-apiserver serves from etcd rather than the watch cache: a get without a
 * resourceVersion (CacheDelegator.Get delegates it to the store), and a list without one
 * (ConsistentListFromCache first asks etcd for its current revision); a continued list is served
 * at its token's revision, and every other read from the cache.
 */
export function readsFromEtcd(req: Request): boolean {
  if (req.authorizeOnly || req.nonResource) return false;
  const unversioned = req.resourceVersion === undefined || req.resourceVersion === "";
  return unversioned && (req.verb === "get" || (req.verb === "list" && !req.continue));
}

/** etcd is down and the request in flight is a read only etcd can answer. */
export function isEtcdReadWhileGone(ctx: ApiServerContext): boolean {
  return ctx.etcdGone === true && readsFromEtcd(ctx.current!.req);
}

/** A connect (pods/exec, attach, portforward): authorized, it is answered with where the stream goes. */
export function isConnect(ctx: ApiServerContext): boolean {
  const { req } = ctx.current!;
  return !req.authorizeOnly && !req.nonResource && isConnectRequest(req);
}

/** True for a request to a group an APIService serves from another server (kube-aggregator's proxy handler). */
export function isAggregated(ctx: ApiServerContext): boolean {
  const { req } = ctx.current!;
  return !req.authorizeOnly && !req.nonResource && aggregatedGroups.has(req.group);
}

/** Forwards the request to the APIService's server, which answers the client itself; nothing is stored. */
export function proxyToAPIService(ctx: ApiServerContext, fx: Fx): ApiServerContext {
  const { req } = ctx.current!;
  const to = aggregatedGroups.get(req.group)!;
  const { verb, resource, namespace, name, labelSelector, fieldSelector } = req;
  if (req.id >= 0) {
    fx.send(to, {
      type: "ProxiedApiRequest", client: req.from, id: req.id,
      req: { verb, resource, ...(namespace !== undefined ? { namespace } : {}), ...(name !== undefined ? { name } : {}), ...(labelSelector !== undefined ? { labelSelector } : {}), ...(fieldSelector !== undefined ? { fieldSelector } : {}) },
    });
  }
  return done(ctx);
}

/** Locates the kubelet and container of a connect from the watch cache, as the pod registry's Connect does. */
export function serveConnect(ctx: ApiServerContext, fx: Fx): ApiServerContext {
  const cur = ctx.current!;
  const { req } = cur;
  const r = cur.r!;
  // the location is found by a Get of the pod, through the store's KeyFunc and PrepareKey
  const badKey = nameParameterError(req.name ?? "") ?? keyError(r, req.namespace, req.name ?? "");
  if (badKey) return fail(ctx, badKey, fx);
  const pod = ctx.cache.objects.get(storageKey(r, req.namespace, req.name ?? ""));
  const nodes = resourceFor("", "nodes")!;
  const loc = streamLocation(r, pod, req.name ?? "", req.subresource!, containerOption(req.body), (n) => ctx.cache.objects.get(storageKey(nodes, undefined, n)));
  if (!("kind" in loc) || loc.kind !== "StreamLocation") return fail(ctx, loc as Status, fx);
  ok(fx, cur, 200, loc);
  return done(ctx);
}

/** Sends the error of the request in flight and clears it. */
export function replyWithStatus(ctx: ApiServerContext, fx: Fx): ApiServerContext {
  const cur = ctx.current!;
  const st = cur.error!;
  // warnings already recorded go with the error, as the warning recorder had written their headers
  if (cur.req.id >= 0) fx.send(cur.req.from, { type: "ApiResponse", id: cur.req.id, ok: false, code: st.code ?? 500, status: st, ...(cur.warnings?.length ? { warnings: cur.warnings } : {}), ...(cur.panicked ? { panicked: true as const } : {}) });
  // A failed write keeps none of its allocations, random draws included: a refused request changes nothing.
  return stepped(ctx, undefined, ctx.cache, ctx.backlog, ctx.nextEtcdId, cur.allocatorsBefore ?? ctx.allocators);
}

/**
 * names.SimpleNameGenerator's base: a generateName longer than 58 bytes (63, a DNS label, less the
 * 5 random characters) is cut to 58, so a long prefix still yields a name of at most 63.
 */
export function generatedNameBase(generateName: string): string {
  const maxGeneratedNameLength = 58;
  const bytes = new TextEncoder().encode(generateName);
  return bytes.length <= maxGeneratedNameLength ? generateName : new TextDecoder().decode(bytes.subarray(0, maxGeneratedNameLength));
}

/** The request in flight fails with `error`, which is sent. */
function fail(ctx: ApiServerContext, error: Status, fx: Fx): ApiServerContext {
  return replyWithStatus({ ...ctx, current: { ...ctx.current!, error } }, fx);
}

/** The request in flight was answered: nothing is in flight. */
function done(ctx: ApiServerContext): ApiServerContext {
  return stepped(ctx, undefined);
}

/** Events whose handling runs the request pipeline: a fault during one of them was a fault on the request in hand. */
const pipelineEvents = new Set(["ApiRequest", "TxnResponse", "LeaseGrantResponse", "RangeResponse", "WebhookAnswered"]);

/** After the runtime caught a throw: whether it struck while a request was being handled (that request is `current`). */
export function faultedOnRequest(ctx: ApiServerContext, ev: { during: string }): boolean {
  return ctx.current !== undefined && pipelineEvents.has(ev.during);
}

/** The request that was in hand when handling it threw gets kube-apiserver's 500 InternalError. */
export function replyInternalError(ctx: ApiServerContext, ev: { message: string }, fx: Fx): ApiServerContext {
  return fail(ctx, S.internalError(ev.message), fx);
}

function ok(fx: Fx, cur: InFlight, code: number, object: any): void {
  if (cur.req.id < 0) return; // an internal request, or its client has gone
  fx.send(cur.req.from, { type: "ApiResponse", id: cur.req.id, ok: true, code, object, ...(cur.warnings?.length ? { warnings: cur.warnings } : {}) });
}

// ---- reads ------------------------------------------------------------------------------

/** get, list, watch and unwatch, all served from the watch cache. */
/** encoding/json's name of a JSON value's kind, as its UnmarshalTypeError words it. */
function jsonKindOf(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v === "boolean" ? "bool" : v instanceof NumberLiteral ? "number" : typeof v;
}

/**
 * A merge or strategic merge patch whose root is no object, refused as the patch handler refuses it:
 * the patch is first unmarshalled into a map (kjson.UnmarshalStrict under Warn and Strict, and
 * always for a strategic patch), so a scalar or a list is "cannot unmarshal ... into Go value of type
 * map[string]interface {}"; json-patch's MergePatch refuses a null root, and under Ignore a scalar
 * one, as ErrBadJSONPatch ("Invalid JSON Patch"). A merge patch that is a list under Ignore replaces
 * the object and fails its decoding; a strategic patch of null patches nothing.
 */
function patchRootError(patchType: string | undefined, patch: unknown, fv: string | undefined): Status | undefined {
  if (patch !== null && typeof patch === "object" && !Array.isArray(patch)) return undefined;
  const intoMap = `json: cannot unmarshal ${jsonKindOf(patch)} into Go value of type map[string]interface {}`;
  if (patchType === "strategic") return patch === null ? undefined : S.badRequest(intoMap);
  if (patchType !== "merge") return undefined;
  if (patch === null) return S.badRequest("Invalid JSON Patch");
  if (fv === "Ignore") return Array.isArray(patch) ? undefined : S.badRequest("Invalid JSON Patch");
  return S.badRequest(`error decoding patch: ${intoMap}`);
}

/**
 * The store's KeyFunc (NamespaceKeyFunc, NoNamespaceKeyFunc): a name from the URL that is no safe
 * path segment (".", "..", one with "/" or "%") makes no storage key, and the request is a 400
 * before anything is read or written.
 */
function nameParameterError(name: string): Status | undefined {
  const msgs = isValidPathSegmentName(name);
  return msgs.length > 0 ? S.badRequest(`Name parameter invalid: ${S.goQuote(name)}: ${msgs.join(";")}`) : undefined;
}

/**
 * storage.PrepareKey's refusal of a key with a "." or ".." segment (a namespace from the URL): a
 * plain error from the store, so ErrorToAPIStatus answers 500 with the key, and nothing is read or written.
 */
function keyError(r: ResourceInfo, namespace: string | undefined, name?: string): Status | undefined {
  const key = unpreparedKey(r, namespace, name);
  return key === undefined ? undefined : plainError(`invalid key: ${S.goQuote(key)}`);
}

export function serveRead(ctx: ApiServerContext, fx: Fx): ApiServerContext {
  const cur = ctx.current!;
  const { req } = cur;
  if (req.authorizeOnly || req.nonResource) {
    // authenticated and authorized: the HTTP front end serves it
    ok(fx, cur, 200, {});
    return done(ctx);
  }
  const r = cur.r!;
  const c = ctx.cache;
  if (req.verb === "get") {
    const badName = nameParameterError(req.name ?? "") ?? keyError(r, req.namespace, req.name ?? "");
    if (badName) return fail(ctx, badName, fx);
    const stored = c.objects.get(storageKey(r, req.namespace, req.name ?? ""));
    if (!stored) return fail(ctx, S.notFound(r, req.name ?? ""), fx);
    if (needsWebhook(r, stored.apiVersion, apiVersionOf(r))) return readConversion(ctx, [stored], gvkString(stored.apiVersion, stored.kind), false, "get", fx);
    const obj = r.custom ? decodedCustomResource(stored, r) : stored;
    ok(fx, cur, 200, req.subresource === "scale" ? scaleOf(obj, r) : obj);
    return done(ctx);
  }
  if (req.verb === "unwatch") {
    return stepped(ctx, undefined, removeWatch(c, req.from, req.watchId ?? 0));
  }
  const sel = selectors(r, req);
  if ("error" in sel) return fail(ctx, sel.error, fx);
  // a list or watch reads under its key prefix (KeyRootFunc)
  const badKey = keyError(r, req.namespace);
  if (badKey) return fail(ctx, badKey, fx);
  const scope = { r, namespace: r.namespaced ? req.namespace : undefined, name: req.name, labelReqs: sel.labelReqs, fieldReqs: sel.fieldReqs };
  if (req.verb === "list") {
    // the list's key prefix: a continue token names a key under it, and never one outside
    const keyPrefix = storagePrefix(r, r.namespaced ? req.namespace : undefined);
    let fromKey: string | undefined;
    // ValidateListOptions: the revision of an exact list (resourceVersionMatch=Exact, or the legacy
    // limit with a resourceVersion) or of a continued one (its token's, when positive); else the latest
    let at: number | undefined;
    if (req.continue) {
      const from = decodeContinue(req.continue, keyPrefix);
      if ("error" in from) return fail(ctx, S.badRequest(`invalid continue token: ${from.error}`), fx);
      // the token's revision is the list's: another one cannot be asked for beside it
      if (req.resourceVersion !== undefined && req.resourceVersion !== "" && req.resourceVersion !== "0") return fail(ctx, S.badRequest("specifying resource version is not allowed when using continue"), fx);
      fromKey = from.fromKey;
      if (from.rv > 0) at = from.rv;
    } else if (req.resourceVersion !== undefined && /^[0-9]+$/.test(req.resourceVersion) && Number(req.resourceVersion) > 0) {
      // the mutant serves resourceVersionMatch=Exact as NotOlderThan: the latest state, not the revision asked for
      if ((req.resourceVersionMatch === "Exact" && !mutant("apiserver.exact-list-served-at-latest")) || (req.resourceVersionMatch === undefined && (req.limit ?? 0) > 0)) at = Number(req.resourceVersion);
    }
    let pool: Iterable<any> = candidates(c, r, sel.nodeName);
    if (at !== undefined && at !== c.revision) {
      // the HTTP front end waited for a future revision; a caller that cannot wait is answered as the wait ends
      if (at > c.revision) return fail(ctx, S.tooLargeResourceVersion(at, c.revision), fx);
      const then = objectsAt(c, cacheKind(r), at, (o) => storageKey(r, o.metadata.namespace, o.metadata.name));
      if (!then) return fail(ctx, fromKey !== undefined ? S.continueExpired(encodeContinue(fromKey, keyPrefix, -1)) : S.gone(S.listExpiredMessage), fx);
      pool = then.values();
    }
    // selectors of a CRD converted by webhook are matched against the objects at the version asked
    // (its version's watch cache holds them so: labels the webhook set, that version's selectableFields)
    if (r.custom?.conversion === "Webhook" && (sel.labelReqs !== undefined || sel.fieldReqs !== undefined)) {
      const all = [...pool].sort((a, b) => keyOrder(r, a, b));
      const toConvert = all.filter((o) => needsWebhook(r, o.apiVersion, apiVersionOf(r)));
      const window = { scope, hasSelectors: !!sel.labelReqs?.length || !!sel.fieldReqs?.length, fromKey, keyPrefix, listRevision: at ?? c.revision };
      if (toConvert.length > 0) return readConversion(ctx, toConvert, gvkString(apiVersionOf(r), listKindOf(r)), true, "list", fx, { page: all, metadata: undefined, window });
      pool = all;
    }
    const items: any[] = [];
    for (const obj of pool) if (matches(scope, obj)) items.push(obj);
    items.sort((a, b) => keyOrder(r, a, b));
    const listRevision = at ?? c.revision;
    const { page, metadata } = listWindow(r, req, items, { fromKey, keyPrefix, listRevision, hasSelectors: !!sel.labelReqs?.length || !!sel.fieldReqs?.length });
    // the items not at the version asked go to the conversion webhook in one review, named by the list's kind
    const toConvert = r.custom ? page.filter((o) => needsWebhook(r, o.apiVersion, apiVersionOf(r))) : [];
    if (toConvert.length > 0) return readConversion(ctx, toConvert, gvkString(apiVersionOf(r), listKindOf(r)), true, "list", fx, { page, metadata });
    // a custom resource is decoded from storage as a request's body is: pruned to its schema now, and defaulted
    ok(fx, cur, 200, { kind: listKindOf(r), apiVersion: storedApiVersion(r), metadata, items: r.custom ? page.map((o) => decodedCustomResource(o, r)) : page });
    return done(ctx);
  }
  // watch
  const w: ClientWatch = { client: req.from, watchId: req.watchId ?? 0, r, namespace: scope.namespace, name: scope.name, labelReqs: scope.labelReqs, fieldReqs: scope.fieldReqs };
  if (sel.nodeName !== undefined) w.nodeName = sel.nodeName;
  if (r.custom?.conversion === "Webhook") w.convert = true;
  // a watch whose events the webhook converts has them queued for it, in order (watchConverted)
  const early: { eventType: WatchEventType; object: any }[] = [];
  const emit = (ev: { eventType: WatchEventType; object: any }) => {
    if (w.convert) early.push(ev);
    else fx.send(w.client, { type: "WatchEvent", watchId: w.watchId, ...ev });
  };
  const rv = req.resourceVersion;
  if (rv === undefined || rv === "" || rv === "0") {
    // no resourceVersion: the current state as ADDED events, then changes
    const initial: any[] = [];
    for (const obj of candidates(c, r, sel.nodeName)) if (matches(w, obj)) initial.push(obj);
    initial.sort((a, b) => keyOrder(r, a, b));
    for (const obj of initial) emit({ eventType: "ADDED", object: w.convert ? obj : atServedVersion(obj, r) });
  } else {
    const from = Number(rv);
    const oldest = oldestResumable(c);
    if (!Number.isFinite(from) || (from < oldest && !mutant("apiserver.watch-serves-compacted"))) {
      const st = S.gone(S.tooOldResourceVersionMessage(from, oldest));
      fx.send(w.client, { type: "WatchEvent", watchId: w.watchId, eventType: "ERROR", object: st });
      return done(ctx);
    }
    for (const h of historySince(c, from)) {
      if (h.kind !== cacheKind(r)) continue;
      const ev = eventFor(w, h);
      if (ev) emit(ev);
    }
  }
  const opened = stepped(ctx, undefined, addWatch(c, w));
  return w.convert ? watchConverted(opened, w, early, fx) : opened;
}

/** A list's page of the matching items (in key order) from its continue key on, and the list's metadata. */
function listWindow(r: ResourceInfo, req: Request, items: readonly any[], w: { fromKey: string | undefined; keyPrefix: string; listRevision: number; hasSelectors: boolean }): { page: any[]; metadata: any } {
  let start = 0;
  if (w.fromKey !== undefined) {
    const key = w.fromKey;
    start = items.findIndex((o) => storageKey(r, o.metadata.namespace, o.metadata.name) >= key);
    if (start < 0) start = items.length;
  }
  const limit = req.limit && req.limit > 0 ? req.limit : Infinity;
  const page = items.slice(start, start + limit);
  const metadata: any = { resourceVersion: String(w.listRevision) };
  if (start + limit < items.length) {
    const last = page[page.length - 1];
    // the mutant forgets the "\x00" that makes the next page start after the last key returned
    metadata.continue = encodeContinue(`${storageKey(r, last.metadata.namespace, last.metadata.name)}${mutant("apiserver.continue-repeats-last-item") ? "" : "\x00"}`, w.keyPrefix, w.listRevision);
    // the etcd store counts what is left only for a list without selectors (pred.Empty()): with one, the
    // count would take in objects that do not match, so remainingItemCount is left unset
    // the mutant counts the page's own items as remaining
    if (!w.hasSelectors) metadata.remainingItemCount = items.length - start - (mutant("apiserver.remaining-item-count-includes-page") ? 0 : page.length);
  }
  return { page, metadata };
}

function keyOrder(r: ResourceInfo, a: any, b: any): number {
  const ka = storageKey(r, a.metadata.namespace, a.metadata.name);
  const kb = storageKey(r, b.metadata.namespace, b.metadata.name);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

// AddFieldLabelConversionsForEvent (pkg/apis/events/v1/conversion.go): the field labels events.k8s.io/v1
// takes, mapped to the fields the core Event's GetAttrs sets; any other label is not supported there.
const eventsV1FieldLabels = new Map([
  ["reason", "reason"], ["regarding.kind", "involvedObject.kind"], ["regarding.namespace", "involvedObject.namespace"], ["regarding.name", "involvedObject.name"],
  ["regarding.uid", "involvedObject.uid"], ["regarding.apiVersion", "involvedObject.apiVersion"], ["regarding.resourceVersion", "involvedObject.resourceVersion"],
  ["regarding.fieldPath", "involvedObject.fieldPath"], ["reportingController", "reportingComponent"], ["source", "source"], ["type", "type"],
  ["metadata.namespace", "metadata.namespace"], ["metadata.name", "metadata.name"],
]);
const fieldLabelConversion = (r: ResourceInfo) => (r.group === "events.k8s.io" && r.resource === "events" ? eventsV1FieldLabels : undefined);

function selectors(r: ResourceInfo, req: Request): { labelReqs?: any; fieldReqs?: any; nodeName?: string } | { error: Status } {
  const out: { labelReqs?: any; fieldReqs?: any; nodeName?: string } = {};
  if (req.labelSelector) {
    const p = parseSelector(req.labelSelector);
    // labels.Parse's error as it is: the parser itself says "unable to parse requirement" where Kubernetes' does
    if ("error" in p) return { error: S.badRequest(p.error) };
    out.labelReqs = p;
  }
  if (req.fieldSelector) {
    const p = parseFieldSelector(req.fieldSelector);
    if ("error" in p) return { error: S.badRequest(p.error) };
    const labels = fieldLabelConversion(r);
    for (const q of p as any[]) {
      // the group version's field label conversion first (events.k8s.io's regarding.* are involvedObject.*)
      if (labels) {
        const internal = labels.get(q.field);
        if (internal === undefined) return { error: S.badRequest(`field label not supported: ${q.field}`) };
        q.field = internal;
      }
      const refused = fieldLabelError(r.kind, q.field ?? q.key, r);
      if (refused !== undefined) return { error: S.badRequest(refused) };
      // core/v1's Pod conversion: old clients' spec.host is spec.nodeName
      if (kindIs(r, "Pod") && !r.custom && q.field === "spec.host") q.field = "spec.nodeName";
      // the node index narrows to a node's pods; `spec.nodeName=` (the unscheduled pods) has no index
      // entry and is matched by the general filter. The mutant narrows whatever the operator (!=X too).
      if (kindIs(r, "Pod") && (q.field ?? q.key) === "spec.nodeName" && q.value !== "" && (q.operator === "=" || q.operator === "==" || q.op === "=" || mutant("apiserver.node-name-not-equal-indexed"))) out.nodeName = q.value;
    }
    out.fieldReqs = p;
  }
  return out;
}

/** The autoscaling/v1 Scale of a Deployment, ReplicaSet, StatefulSet or ReplicationController (whose selector is a plain map). */
/** An object as Go encodes its type; a custom resource is unstructured (its kind may be named like a built-in's). */
function encodedAs<T>(obj: T, r: ResourceInfo | undefined, decoded?: readonly unknown[]): T {
  return r?.custom ? obj : goEncoded(obj, decoded);
}

/** Whether r is the built-in resource of a kind: a custom resource never is, whatever its kind is called (a CRD's kind Pod). */
function kindIs(r: ResourceInfo | undefined, kind: string): boolean {
  return r !== undefined && r.custom === undefined && r.kind === kind;
}

/** The kind of a list of r's objects: <Kind>List, or a custom resource's listKind. */
function listKindOf(r: ResourceInfo): string {
  return r.custom?.listKind ?? `${r.kind}List`;
}

export function scaleOf(obj: any, r?: ResourceInfo): any {
  if (r?.custom) return customScaleOf(obj, r);
  const sel = (obj.kind === "ReplicationController" ? obj.spec?.selector : obj.spec?.selector?.matchLabels) ?? {};
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion, creationTimestamp: obj.metadata.creationTimestamp },
    spec: { replicas: obj.spec?.replicas ?? 0 },
    status: { replicas: obj.status?.replicas ?? 0, selector: Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(",") },
  };
}

// ---- writes -----------------------------------------------------------------------------

/** Builds the object a write would store (before admission), or the error that refuses it. */
export function prepareWrite(ctx: ApiServerContext): ApiServerContext {
  // The step's own working copy: the helpers below fill in its request in flight (and may draw from
  // its generator or queue requests), and it is the next context.
  // Object.assign, not a spread: the helpers add fields to it (see withCurrent)
  const next: ApiServerContext = stepped(ctx, Object.assign({}, ctx.current!));
  prepare(next, next.current!);
  const then = next.current!.then;
  if (then === undefined) return next;
  const { then: _queued, ...current } = next.current!;
  return stepped(next, current, next.cache, next.backlog.push(...then));
}

function prepare(ctx: ApiServerContext, cur: InFlight): void {
  const { req } = cur;
  const r = cur.r!;
  const now = req.now;
  if (isCRDStatusSync(req)) return prepareCRDStatusSync(ctx, cur, r);
  if (reviewKinds.has(r.kind)) return prepareReview(ctx, cur, r);
  if (req.verb === "create" && !req.subresource && kindIs(r, "Binding")) return prepareLegacyBinding(ctx, cur);
  if (req.verb === "create" && !req.subresource) return prepareCreate(ctx, cur, r, now);
  if (req.verb === "deletecollection") return prepareDeleteCollection(ctx, cur, r);
  const badName = nameParameterError(req.name ?? "") ?? keyError(r, req.namespace, req.name ?? "");
  if (badName) {
    cur.error = badName;
    return;
  }
  const key = storageKey(r, req.namespace, req.name ?? "");
  cur.key = key;
  // a custom resource is read at the version the request was made at (stored at the storage version;
  // converted by the CRD's webhook first when it has one, convertingOld)
  const old = r.custom ? (cur.oldForm ?? atServedVersion(ctx.cache.objects.get(key), r)) : ctx.cache.objects.get(key);
  cur.old = old;
  if (req.verb === "create" && req.subresource !== undefined) {
    const refused = subresourceCreateRefusal(req);
    if (refused) {
      cur.error = refused;
      return;
    }
  }
  if (req.verb === "create" && kindIs(r, "Pod") && req.subresource === "binding") {
    const refused = bindingRefusal(req.body, req.name ?? "");
    if (refused) {
      cur.error = refused;
      return;
    }
  }
  if (req.verb === "create" && kindIs(r, "ServiceAccount") && req.subresource === "token") {
    const target = tokenRequestTargetError(req.body, req.name ?? "", req.namespace ?? "");
    if (target) {
      cur.error = target;
      return;
    }
  }
  // the update handler decodes the body and checks its namespace and name before the store looks the object up
  if (req.verb === "update") {
    const early = (req.subresource === "scale" ? undefined : bodyError(r, req, req.body)) ?? checkNameError(req.name ?? "", req.body);
    if (early) {
      cur.error = early;
      return;
    }
  }
  if (!old) {
    // an apply to nothing creates the object it describes
    if (req.verb === "patch" && req.patchType === "apply" && !req.subresource) return prepareApplyCreate(ctx, cur, r, now);
    if (req.verb === "update" && !req.subresource && createOnUpdateKinds.has(r.kind)) return prepareCreateOnUpdate(ctx, cur, r, now);
    cur.error = S.notFound(r, req.name ?? "");
    return;
  }
  if (req.verb === "update") {
    const uid = bodyUid(req.body);
    if (uid !== undefined && uid !== old.metadata.uid) {
      cur.error = preconditionConflict(r, req.name ?? "", key, uid, old.metadata.uid ?? "");
      return;
    }
  }
  switch (req.verb) {
    case "delete":
      prepareDelete(ctx, cur, r, old, now);
      if ((req as { [evictionReply]?: true })[evictionReply] === true && !cur.error) {
        cur.code = 201;
        cur.reply = evictionSuccess;
      }
      return;
    case "create":
      return prepareSubresourceCreate(ctx, cur, r, old, now);
    case "update":
    case "patch":
      return prepareUpdate(ctx, cur, r, old, now);
    default:
      cur.error = S.methodNotSupported(r, req.verb);
  }
}

// Marks the status write of the naming and establishing controllers (apiextensions-apiserver, run in this process).
const crdStatusSyncMark: unique symbol = Symbol("podflow.crdStatusSync");

function isCRDStatusSync(req: Request): boolean {
  return (req as { [crdStatusSyncMark]?: true })[crdStatusSyncMark] === true;
}

/** The controllers' status write after a CRD changed: worked out from the CRDs stored when it runs. */
function crdStatusSync(after: Request, crd: any): Request {
  const name = crd.metadata.name;
  return { type: "ApiRequest", id: -1, from: "apiserver", now: after.now, verb: "update", group: "apiextensions.k8s.io", resource: "customresourcedefinitions", name, subresource: "status", fieldManager: "kube-apiserver", [crdStatusSyncMark]: true, [loopbackWrite]: true } as Request;
}

function prepareCRDStatusSync(ctx: ApiServerContext, cur: InFlight, r: ResourceInfo): void {
  const key = storageKey(r, undefined, cur.req.name ?? "");
  const old = ctx.cache.objects.get(key);
  if (old === undefined) {
    cur.noop = true;
    return;
  }
  if (old.metadata.deletionTimestamp) return prepareCRDFinalization(ctx, cur, r, old, key);
  const others = [...(ctx.cache.byKind.get("CustomResourceDefinition")?.values() ?? [])];
  const status = controlledStatus(old, others, rfc3339(cur.req.now));
  if (deepEqual(status, old.status)) {
    cur.noop = true;
    return;
  }
  cur.req = { ...cur.req, body: { ...old, status } };
  cur.key = key;
  cur.old = old;
  prepareUpdate(ctx, cur, r, old, cur.req.now);
}

/** The finalizer apiextensions-apiserver's finalizer controller removes once a deleted CRD's instances are gone. */
const crdCleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";

/**
 * The finalizer controller on a CRD being deleted: first its instances are deleted (each as a
 * delete of its own, so their finalizers hold them) with the Terminating condition saying so;
 * once none is left the finalizer goes, which ends the CRD's deletion.
 */
function prepareCRDFinalization(ctx: ApiServerContext, cur: InFlight, r: ResourceInfo, old: any, key: string): void {
  const finalizers: string[] = old.metadata.finalizers ?? [];
  if (!finalizers.includes(crdCleanupFinalizer)) {
    cur.noop = true;
    return;
  }
  const instances = crdInstances(ctx, old);
  const conds: any[] = old.status?.conditions ?? [];
  const term = conds.find((c) => c?.type === "Terminating");
  if (instances.length > 0 && term?.reason !== "InstanceDeletionPending") {
    // deletions already asked for: the next instance's deletion brings the controller back
    cur.noop = true;
    return;
  }
  cur.key = key;
  cur.old = old;
  if (instances.length > 0) {
    const ir = customResourceOf(ctx, old);
    for (const o of instances) {
      if (o.metadata.deletionTimestamp || ir === undefined) continue;
      ctx.backlog = ctx.backlog.push({ type: "ApiRequest", id: -1, from: "apiserver", now: cur.req.now, verb: "delete", group: ir.group, resource: ir.resource, ...(ir.namespaced ? { namespace: o.metadata.namespace } : {}), name: o.metadata.name, [loopbackWrite]: true } as Request);
    }
    const inProgress = { ...term, lastTransitionTime: term?.lastTransitionTime, reason: "InstanceDeletionInProgress", message: "CustomResource deletion is in progress" };
    cur.req = { ...cur.req, body: { ...old, status: { ...old.status, conditions: conds.map((c) => (c?.type === "Terminating" ? inProgress : c)) } } };
    prepareUpdate(ctx, cur, r, old, cur.req.now);
    return;
  }
  // nothing left: the finalizer goes (an update of the CRD itself), and with it the CRD
  const rest = finalizers.filter((f) => f !== crdCleanupFinalizer);
  const { subresource: _sub, ...main } = cur.req;
  cur.req = { ...main, body: { ...old, metadata: { ...old.metadata, finalizers: rest } } };
  prepareUpdate(ctx, cur, r, old, cur.req.now);
}

/** The resource a CRD's instances are stored as (its storage version's), served or terminating. */
function customResourceOf(ctx: ApiServerContext, crd: any): ResourceInfo | undefined {
  return resourcesOf(crd)[0] ?? resourceIn(ctx.cache, crd.spec?.group ?? "", crd.status?.acceptedNames?.plural ?? crd.spec?.names?.plural ?? "");
}

/** The stored instances of a CRD. */
function crdInstances(ctx: ApiServerContext, crd: any): any[] {
  const ir = customResourceOf(ctx, crd);
  if (ir === undefined) return [];
  const prefix = storagePrefix(ir);
  return [...candidates(ctx.cache, ir)].filter((o) => storageKey(ir, o.metadata.namespace, o.metadata.name).startsWith(prefix));
}

/** A review is answered, not stored: 201 with the object and its status, as its REST storage's Create returns it. */
function prepareReview(ctx: ApiServerContext, cur: InFlight, r: ResourceInfo): void {
  const err = bodyError(r, cur.req, cur.req.body);
  const reviewer: TokenReviewer = (token, audiences) => reviewToken(ctx, cur.req.now, token, audiences);
  const a = err ? { error: err } : answerReview(r, cur.req.body, cur.user, nodeGraph(ctx), rfc3339(cur.req.now), cur.req.namespace, reviewer, [serviceAccountIssuer]);
  if ("error" in a) cur.error = a.error;
  else Object.assign(cur, { noop: true, code: 201, reply: a.object });
}

function bodyError(r: ResourceInfo, req: Request, body: any): Status | undefined {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return S.badRequest("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml");
  if (body.kind !== undefined && body.kind !== r.kind) return S.badRequest(`the kind in the data (${body.kind}) does not match the expected kind (${r.kind})`);
  if (body.apiVersion !== undefined && body.apiVersion !== storedApiVersion(r)) return S.badRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (${storedApiVersion(r)})`);
  const ns = body.metadata?.namespace;
  if (r.namespaced && ns !== undefined && ns !== "" && req.namespace !== undefined && ns !== req.namespace) return S.badRequest("the namespace of the provided object does not match the namespace sent on the request");
  return undefined;
}

function prepareCreate(ctx: ApiServerContext, cur: InFlight, r: ResourceInfo, now: number): void {
  const { req } = cur;
  // crdHandler: a CRD being deleted takes no new instances
  if (r.custom?.terminating) {
    cur.error = { ...S.methodNotSupported(r, req.verb), message: `${req.verb} not allowed while custom resource definition is terminating` };
    return;
  }
  const body = req.body;
  const err = bodyError(r, req, body);
  if (err) {
    cur.error = err;
    return;
  }
  // copyWith, not a spread: fields are added to it below (see withCurrent); a client's "__proto__" key stays a key
  const meta = copyWith(body.metadata ?? {}, {});
  if (r.namespaced) {
    const ns = req.namespace || meta.namespace || "default";
    const nsObj = ctx.cache.objects.get(`/registry/namespaces/${ns}`);
    if (!nsObj) {
      cur.error = S.namespaceNotFound(ns);
      return;
    }
    if (nsObj.metadata.deletionTimestamp) {
      cur.error = S.namespaceTerminating(r, meta.name ?? "", ns);
      return;
    }
    meta.namespace = ns;
  } else delete meta.namespace;
  // drawn from a copy of the generator, which the step's context keeps
  const rng = new Rng(ctx.rng.state);
  ctx.rng = rng;
  if (!meta.name && meta.generateName) meta.name = `${generatedNameBase(meta.generateName)}${rng.string(5)}`;
  meta.uid = rng.uuid();
  meta.creationTimestamp = rfc3339(now);
  // only a POST reaches store.Create; a creating PUT or apply goes through GuaranteedUpdate, which drops it
  const createsWithResourceVersion = cur.req.verb === "create" && isNonZeroUint64(meta.resourceVersion);
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  if (hasGeneration(r)) meta.generation = 1;
  const merged = kindIs(r, "Secret") ? mergeStringData(body) : { obj: body };
  if ("error" in merged) {
    cur.error = merged.error;
    return;
  }
  const obj = copyWith(canonicalQuantities(r.kind, merged.obj), { apiVersion: storedApiVersion(r), kind: r.kind, metadata: meta });
  // A taken name is found by storage, after admission and validation (store.go Create): an
  // invalid object is refused as such, and the strategy's warnings go with the AlreadyExists.
  cur.key = storageKey(r, meta.namespace, meta.name ?? "");
  cur.obj = obj;
  cur.op = "put";
  cur.code = 201;
  if (createsWithResourceVersion) cur.createsWithResourceVersion = true;
}

/** The versioner's ObjectResourceVersion is a uint64 other than 0 (strconv.ParseUint, base 10): "abc" and "0" are none. */
function isNonZeroUint64(rv: unknown): boolean {
  return typeof rv === "string" && /^[0-9]+$/.test(rv) && BigInt(rv) > 0n && BigInt(rv) < 2n ** 64n;
}

/**
 * A Secret's stringData is write-only: converting the v1 Secret to the internal one merges it into
 * data (the bytes of the string, base64 in JSON), a key in both taking the stringData value, and the
 * internal type has no stringData to store.
 */
function mergeStringData(body: any): { obj: any } | { error: Status } {
  if (!Object.hasOwn(body, "stringData")) return { obj: body };
  const { stringData, ...rest } = body;
  if (stringData === null) return { obj: rest };
  if (typeof stringData !== "object" || Array.isArray(stringData)) {
    return { error: S.badRequest(`json: cannot unmarshal ${Array.isArray(stringData) ? "array" : typeof stringData === "boolean" ? "bool" : typeof stringData} into Go struct field Secret.stringData of type map[string]string`) };
  }
  const entries = Object.entries(stringData as Record<string, unknown>);
  if (entries.length === 0) return { obj: rest };
  const data: Record<string, unknown> = { ...(rest.data ?? {}) };
  for (const [k, v] of entries) {
    if (v === null) {
      setOwn(data, k, ""); // a JSON null decodes into a Go string as ""
      continue;
    }
    if (typeof v !== "string") return { error: S.badRequest(`json: cannot unmarshal ${typeof v === "boolean" ? "bool" : v === null ? "null" : Array.isArray(v) ? "array" : typeof v} into Go struct field Secret.stringData of type string`) };
    setOwn(data, k, Buffer.from(v, "utf8").toString("base64"));
  }
  return { obj: { ...rest, data } };
}

function hasGeneration(r: ResourceInfo): boolean {
  // a custom resource's generation is its strategy's (customresource.ts)
  return r.custom === undefined && generationKinds.has(r.kind) && r.kind !== "Namespace";
}

const generationKinds: ReadonlySet<string> = new Set(["CustomResourceDefinition", "Pod", "Deployment", "ReplicaSet", "PodDisruptionBudget", "Namespace", "Job", "DaemonSet", "CronJob", "StatefulSet", "ReplicationController", "Ingress", "IngressClass", "NetworkPolicy", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]);

/**
 * Kinds whose strategy's AllowCreateOnUpdate is true: a PUT to a name nothing holds creates the
 * object (Store.Update's create branch). Every other kind answers it 404.
 */
const createOnUpdateKinds: ReadonlySet<string> = new Set(["Endpoints", "Event", "Service", "LimitRange", "Lease", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "RuntimeClass"]);

/**
 * Store.Update on a key nothing holds: the body's resourceVersion is parsed (a malformed one is the
 * plain 500) and then dropped (PrepareObjectForStorage); a uid in the body is a storage precondition
 * the absent object fails; the rest is the create path (BeforeCreate's defaults, admission as a
 * Create, validation for create), answered 201.
 */
function prepareCreateOnUpdate(ctx: ApiServerContext, cur: InFlight, r: ResourceInfo, now: number): void {
  const { req } = cur;
  const meta = req.body?.metadata;
  const rv = meta !== null && typeof meta === "object" ? getOwn(meta, "resourceVersion") : undefined;
  const rvError = resourceVersionParseError(rv);
  if (rvError) {
    cur.error = rvError;
    return;
  }
  const uid = bodyUid(req.body);
  if (uid !== undefined) {
    cur.error = preconditionConflict(r, req.name ?? "", storageKey(r, req.namespace, req.name ?? ""), uid, "");
    return;
  }
  prepareCreate(ctx, cur, r, now);
  if (cur.error === undefined) cur.createOnUpdate = true;
}

/** The uid a PUT's body names (DefaultUpdatedObjectInfo.Preconditions), or undefined for none or "". */
function bodyUid(body: unknown): string | undefined {
  const meta = body !== null && typeof body === "object" ? getOwn(body as Record<string, unknown>, "metadata") : undefined;
  const uid = meta !== null && typeof meta === "object" ? getOwn(meta as Record<string, unknown>, "uid") : undefined;
  return typeof uid === "string" && uid !== "" ? uid : undefined;
}

/**
 * DefaultUpdatedObjectInfo's precondition: a uid in a PUT's body must be the stored object's (a
 * Binding's resourceVersion is checked alike).
 * etcd3's Preconditions.Check fails with an invalid-object StorageError, which
 * InterpretUpdateError answers as a Conflict carrying its text.
 */
function preconditionConflict(r: ResourceInfo, name: string, key: string, wanted: string, have: string, field: "UID" | "ResourceVersion" = "UID"): Status {
  return S.conflict(r, name, `StorageError: invalid object, Code: 4, Key: ${key}, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: ${field} in precondition: ${wanted}, ${field} in object meta: ${have}`);
}

/** The applied configuration of an object that does not exist, created as a POST of it would be. */
/** An apply configuration nested past what podflow keeps (maxKeptDepth), or past what its field manager walks: the decoder's max-depth 400. */
const applyTooDeep = S.badRequest("invalid character '{' exceeded max depth");

/**
 * A custom resource patched or applied, as its unstructured decoder reads it back: the value (with
 * plain numbers when `plain`: a JSON or merge patch's result), or the decoder's max-depth 400 past
 * what podflow keeps of one (maxCustomDepth; kube-apiserver: 10,000 levels).
 */
function customPatched(v: unknown, plain: boolean): { value: any; warnings: string[] } | { status: Status } {
  const deep = objectTooDeep(v, maxCustomDepth);
  if (deep !== undefined) return { status: S.badRequest(`invalid character '${deep}' exceeded max depth`) };
  if (!plain) return { value: v, warnings: [] };
  // the patched JSON is decoded as unstructured: an int64 stays exact, 1.0 is 1, past float64 is refused
  const read = unstructuredNumbers(v);
  return "error" in read ? { status: S.badRequest(read.error) } : { value: read.value, warnings: [] };
}

function prepareApplyCreate(ctx: ApiServerContext, cur: InFlight, r: ResourceInfo, now: number): void {
  const { req } = cur;
  const res = objectTooDeep(req.body, r.custom ? maxCustomDepth : maxKeptDepth) !== undefined ? "tooDeep" : orTooDeep(() => applied(r, undefined, req.body, { manager: req.fieldManager ?? "", subresource: "", now: rfc3339(now), force: req.force === true }));
  if (res === "tooDeep") {
    cur.error = applyTooDeep;
    return;
  }
  if (!res.ok) {
    cur.error = res.status;
    return;
  }
  if (applyStrictRefused(cur)) return;
  const typed = r.custom ? customPatched(res.object, false) : decodePatched(r.kind, "strategic", req.body, res.object, req.fieldValidation);
  if ("status" in typed) {
    cur.error = typed.status;
    return;
  }
  const refused = applyCreateRefusal(r, req, typed.value);
  if (refused) {
    cur.error = refused;
    return;
  }
  cur.applyManaged = res.object.metadata.managedFields;
  cur.req = { ...req, body: { ...typed.value, metadata: wipedSystemFields(typed.value.metadata) } };
  prepareCreate(ctx, cur, r, now);
}

/**
 * patcher.applyPatch's checks of the object an apply made from nothing, in its order, after the
 * apply itself: a uid is a Conflict (nothing stored has it), then the namespace, then checkName.
 */
function applyCreateRefusal(r: ResourceInfo, req: Request, obj: any): Status | undefined {
  const meta = obj !== null && typeof obj === "object" ? getOwn(obj, "metadata") : undefined;
  const field = (k: string) => (meta !== null && typeof meta === "object" ? getOwn(meta as Record<string, unknown>, k) : undefined);
  const uid = field("uid");
  if (typeof uid === "string" && uid !== "") return S.conflict(r, req.name ?? "", `uid mismatch: the provided object specified uid ${uid}, and no existing object was found`);
  const ns = field("namespace");
  if (r.namespaced && typeof ns === "string" && ns !== "" && req.namespace !== undefined && ns !== req.namespace) return S.badRequest("the namespace of the provided object does not match the namespace sent on the request");
  return checkNameError(req.name ?? "", obj);
}

/** rest.WipeObjectMetaSystemFields, which applyPatch runs on an object an apply creates (forceAllowCreate). */
function wipedSystemFields(meta: Record<string, unknown>): Record<string, unknown> {
  const { creationTimestamp: _c, uid: _u, deletionTimestamp: _d, deletionGracePeriodSeconds: _g, selfLink: _s, ...kept } = meta;
  return kept;
}

/**
 * applyPatcher's strict decoding of the configuration, after the field manager applied it: under
 * Strict its repeated keys refuse the apply (400), under Warn each is a warning. True when refused.
 */
function applyStrictRefused(cur: InFlight): boolean {
  const strict = cur.req.patchStrict;
  if (strict?.refusal !== undefined) {
    cur.error = S.badRequest(strict.refusal);
    return true;
  }
  if (strict && strict.errors.length > 0) cur.warnings = [...(cur.warnings ?? []), ...strict.errors];
  return false;
}

/**
 * The managedFields of the write in flight: an apply's, or an Update's recorded for its manager
 * against the stored object. For an Update, also the defaulted copy the field manager read, with
 * the new managedFields where the written object has them: mutating admission goes on from it
 * (defaulting twice gives what defaulting once gives) instead of copying and defaulting again.
 */
function recordManagedFields(cur: InFlight): any | undefined {
  if (!cur.obj || cur.op !== "put") return undefined;
  const { req } = cur;
  if (cur.applyManaged) {
    cur.obj = { ...cur.obj, metadata: { ...cur.obj.metadata, managedFields: cur.applyManaged } };
    return undefined;
  }
  const r = cur.r!;
  // the field manager reads the object as decoded: with its scheme defaults, before admission
  // (a custom resource has no scheme defaults: its schema's were filled in as it was decoded)
  const read = r.custom ? { ...cur.obj } : defaulted(cur.obj);
  const fields = updateRecorded(r, cur.old, read, { manager: managerFor(req.fieldManager, cur.user), subresource: req.subresource ?? "", now: rfc3339(req.now) });
  const given = cur.obj.metadata ?? {};
  // the written metadata without its managedFields, then the new ones: copied by hand, as an object
  // rest and spreads cost several times more (V8); a JSON body's metadata has no symbol keys
  const written = Object.keys(given).filter((k) => k !== "managedFields");
  const meta: Record<string, unknown> = {};
  for (const k of written) setOwn(meta, k, given[k]);
  if (fields) meta.managedFields = fields;
  cur.obj = copyWith(cur.obj, { metadata: meta });
  // the copy's metadata in the order admission would have built it: the written keys, the new
  // managedFields, then what the defaulters added
  const had = read.metadata;
  if (!isPlainObject(given) || !isPlainObject(had)) return undefined;
  const out: Record<string, unknown> = {};
  for (const k of written) setOwn(out, k, had[k]);
  if (fields) out.managedFields = fields;
  for (const k of Object.keys(had)) if (k !== "managedFields" && !Object.hasOwn(given, k)) setOwn(out, k, had[k]);
  read.metadata = out;
  return read;
}

function prepareUpdate(_ctx: ApiServerContext, cur: InFlight, r: ResourceInfo, old: any, now: number): void {
  const { req } = cur;
  let body: any;
  if (req.verb === "patch" && req.patchType === "apply") {
    const opts = { manager: req.fieldManager ?? "", subresource: req.subresource ?? "", now: rfc3339(now), force: req.force === true };
    const res = objectTooDeep(req.body, r.custom ? maxCustomDepth : maxKeptDepth) !== undefined ? "tooDeep" : orTooDeep(() => (req.subresource === "scale" ? appliedScale(r, old, req.body, opts) : applied(r, old, req.body, opts)));
    if (res === "tooDeep") {
      cur.error = applyTooDeep;
      return;
    }
    if (!res.ok) {
      cur.error = res.status;
      return;
    }
    if (applyStrictRefused(cur)) return;
    const typed = req.subresource === "scale" ? { value: scaleOf(res.object, r) } : r.custom ? customPatched(res.object, false) : decodePatched(r.kind, "strategic", req.body, res.object, req.fieldValidation);
    if ("status" in typed) {
      cur.error = typed.status;
      return;
    }
    body = typed.value;
    cur.applyManaged = res.object.metadata.managedFields;
  } else if (req.verb === "patch") {
    // a patch at another version than the stored one applies to the object converted to it
    const conv = req.version !== undefined && req.subresource === undefined ? requestConversion(r, req.version) : undefined;
    const rootError = patchRootError(req.patchType, req.body, req.fieldValidation);
    if (rootError) {
      cur.error = rootError;
      return;
    }
    // applyJSPatch: a JSON patch whose operations do not decode strictly (Strict, Warn) is refused before it applies
    if (req.patchStrict?.refusal !== undefined) {
      cur.error = S.badRequest(req.patchStrict.refusal);
      return;
    }
    // a custom resource has no Go type to read patch strategies from: its handler accepts no strategic merge patch
    if (r.custom && req.patchType === "strategic") {
      cur.error = S.unsupportedMediaType(customPatchTypes);
      return;
    }
    // a strategic merge patch of null decodes to a nil map, which patches nothing
    const patchBody = req.patchType === "strategic" && req.body === null ? {} : req.body;
    // a strategic merge's error shows the patch map as the merge left it
    let shownPatch = patchBody;
    try {
      const base = req.subresource === "scale" ? scaleOf(old, r) : conv ? conv.fromHub(old) : old;
      if (req.patchType === "json") body = jsonPatch(base, patchBody);
      else if (req.patchType === "merge") body = mergePatch(base, patchBody);
      else {
        const merged = strategicMergePatchShown(base, patchBody, req.subresource === "scale" ? "Scale" : r.kind);
        body = merged.merged;
        shownPatch = merged.patch;
      }
    } catch (e) {
      // finishRequest re-panics in the handler and WithPanicRecovery answers: no Status of the handler's
      if (e instanceof StrategicPatchPanic) {
        cur.error = S.panicRecovered();
        cur.panicked = true;
        return;
      }
      cur.error = e instanceof PatchError ? unprocessable() : e instanceof PatchTooLargeError ? S.requestEntityTooLarge(e.message) : e instanceof StrategicPatchError ? strategicPatchStatus(e) : S.badRequest(e instanceof Error ? e.message : String(e));
      return;
    }
    // The patched object is decoded into its Go type before anything reads it.
    const typeKey = conv ? versionedTypeKey(conv.apiVersion, r.kind) : undefined;
    // a custom resource is decoded as unstructured JSON: a number literal a patch carried is a number
    const typed = r.custom && req.subresource !== "scale" ? customPatched(body, true) : decodePatched(req.subresource === "scale" ? "Scale" : r.kind, req.patchType === "json" || req.patchType === "merge" ? req.patchType : "strategic", shownPatch, body, req.fieldValidation, typeKey, req.patchStrict?.errors);
    if ("status" in typed) {
      cur.error = typed.status;
      return;
    }
    body = conv ? conv.toHub(typed.value, old) : typed.value;
    cur.warnings = typed.warnings;
    // patcher.applyPatch's checkName: a patch that takes the name away ({"$patch": "delete"}, a
    // merge patch of metadata: null, a JSON patch removing /metadata) leaves no name to match the URL
    const patchedMeta = body?.metadata;
    const patchedName = typeof patchedMeta === "object" && patchedMeta !== null ? getOwn(patchedMeta, "name") : undefined;
    if (typeof patchedName !== "string" || patchedName === "") {
      cur.error = S.badRequest(`the name of the object (${req.name ?? ""} based on URL) was undeterminable: name must be provided`);
      return;
    }
  } else if (req.subresource === "scale") body = req.body;
  // a status write keeps only its body's status (and metadata, which holds no Quantity): its spec is not walked
  // a Scale is not of the resource's type; a status write keeps only the status it sends
  else body = req.subresource === "scale" ? req.body : req.subresource === "status" ? canonicalQuantitiesOf(r.kind, req.body, "status") : canonicalQuantities(r.kind, req.body);
  if (req.subresource === "scale") {
    const replicas = body?.spec?.replicas;
    if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
      cur.error = S.invalid({ ...r, kind: "Scale", group: "autoscaling" }, req.name ?? "", [S.invalidValue("spec.replicas", replicas, "must be greater than or equal to 0")]);
      return;
    }
    // scaleUpdatedObjectInfo moves the Scale's resourceVersion onto the parent, which Store.Update
    // then reads as for any update: none or "0" is unconditional (every scalable kind allows it)
    const rvError = updateResourceVersionError(r, req.name ?? "", getOwn(body?.metadata ?? {}, "resourceVersion"), old.metadata.resourceVersion);
    if (rvError) {
      cur.error = rvError;
      return;
    }
    if (r.custom) {
      // the custom resource's strategy updates it, its schema included (a replicas maximum holds for kubectl scale)
      cur.obj = prepareCustomResourceForUpdate(setPath(old, r.custom.scale?.specReplicasPath ?? ".spec.replicas", replicas), old, r, undefined);
      const { errors: errs, warnings: ratcheted } = validateCustomResourceWithWarnings(cur.obj, r, old);
      if (ratcheted.length > 0) cur.warnings = [...(cur.warnings ?? []), ...ratcheted];
      if (errs.length > 0) {
        cur.error = S.invalid(r, req.name ?? "", errs);
        return;
      }
    } else cur.obj = { ...old, spec: { ...old.spec, replicas } };
    bumpGeneration(r, cur.obj, old);
    // the parent's strategy updates it, so its WarningsOnUpdate speaks (a new generation: the template's warnings)
    const warnings = warningsOnUpdate(r.kind, cur.obj, old);
    if (warnings.length > 0) cur.warnings = [...(cur.warnings ?? []), ...warnings];
    cur.reply = "scale";
    cur.op = "put";
    cur.code = 200;
    // the scale subresource bypasses admission: its write is recorded here, on the parent's fields
    recordManagedFields(cur);
    return;
  }
  const err = bodyError(r, req, body);
  if (err) {
    cur.error = err;
    return;
  }
  // the handler's checkName runs before the store compares resourceVersions
  const nameError = checkNameError(req.name ?? "", body);
  if (nameError) {
    cur.error = nameError;
    return;
  }
  // Store.Update reads the resourceVersion of the object it is given: a PUT's body, a patch's result
  // (a JSON patch may replace or remove it); an apply's result carries the live one unless the patch sets one.
  const patchRv = req.patchType === "apply" ? getOwn(req.body?.metadata ?? {}, "resourceVersion") : undefined;
  const rvWanted = req.patchType === "apply" ? (typeof patchRv === "string" && patchRv !== "" ? patchRv : old.metadata.resourceVersion) : body.metadata?.resourceVersion;
  const rvError = updateResourceVersionError(r, req.name ?? "", rvWanted, old.metadata.resourceVersion);
  if (rvError) {
    cur.error = rvError;
    return;
  }
  // System-managed metadata survives any update; status and spec belong to their own endpoints.
  // resourceVersion left out as the copy is made (see withoutResourceVersion)
  // rest.BeforeUpdate keeps the stored uid only when none is given: another one is left for
  // ValidateObjectMetaUpdate to refuse as immutable (a PUT's was already its storage precondition)
  const givenUid = isPlainObject(body.metadata) ? getOwn(body.metadata, "uid") : undefined;
  // rest.BeforeUpdate (EnsureObjectNamespaceMatchesRequestNamespace in the update and patch
  // handlers): a cluster-scoped object's namespace is cleared, not refused
  const given = withoutResourceVersion(body.metadata ?? {});
  const { namespace: _clusterScoped, ...unscoped } = given;
  const meta = {
    ...(r.namespaced || !Object.hasOwn(given, "namespace") ? given : unscoped),
    name: old.metadata.name,
    uid: typeof givenUid === "string" && givenUid !== "" ? givenUid : old.metadata.uid,
    creationTimestamp: old.metadata.creationTimestamp,
    ...(old.metadata.namespace !== undefined ? { namespace: old.metadata.namespace } : {}),
    ...(old.metadata.deletionTimestamp ? { deletionTimestamp: old.metadata.deletionTimestamp, deletionGracePeriodSeconds: old.metadata.deletionGracePeriodSeconds } : {}),
  };
  // the bug: the client's deletion fields are stripped (a client may not set them) and the stored ones not put back
  if (mutant("apiserver.update-drops-deletion-timestamp")) {
    delete (meta as any).deletionTimestamp;
    delete (meta as any).deletionGracePeriodSeconds;
  }
  if (old.metadata.generation !== undefined) meta.generation = old.metadata.generation;
  let obj: any;
  // the copy left without resourceVersion as it is made (deleting a key would leave V8 a slow dictionary object)
  // ResetObjectMetaForStatus keeps the written uid: another one is refused as immutable below
  const otherUid = typeof givenUid === "string" && givenUid !== "" && givenUid !== old.metadata.uid ? givenUid : undefined;
  // a custom resource's status strategy copies the stored object (its metadata too); a built-in
  // kind's keeps the client's metadata but what its PrepareForUpdate resets (statusWriteMeta)
  if (req.subresource === "status" && r.custom) obj = { ...old, metadata: otherUid !== undefined ? { ...withoutResourceVersion(old.metadata), uid: otherUid } : withoutResourceVersion(old.metadata), status: body.status };
  else if (req.subresource === "status") obj = { ...old, metadata: statusWriteMeta(r.kind, meta, old.metadata), status: body.status };
  else if (req.subresource === "finalize") obj = { ...old, metadata: { ...old.metadata }, spec: { ...old.spec, finalizers: body.spec?.finalizers ?? [] } };
  else {
    const merged = kindIs(r, "Secret") ? mergeStringData(body) : { obj: body };
    if ("error" in merged) {
      cur.error = merged.error;
      return;
    }
    // an approval's conditions are its body's: the approval strategy takes them from there; the
    // ServiceCIDR strategy's PrepareForUpdate resets nothing, so a write to it sets its status too
    const keepsStatus = hasStatusSubresource(r) && req.subresource !== "approval" && !kindIs(r, "ServiceCIDR");
    obj = { ...merged.obj, apiVersion: old.apiVersion, kind: old.kind, metadata: meta, ...(old.status !== undefined && keepsStatus ? { status: old.status } : {}) };
  }
  if (req.subresource === "status" || req.subresource === "ephemeralcontainers") delete obj.metadata.resourceVersion;
  bumpGeneration(r, obj, old);
  cur.obj = obj;
  cur.op = "put";
  cur.code = 200;
  // Removing the last finalizer of an object being deleted finishes the deletion.
  const specFinalizersDone = !kindIs(r, "Namespace") || (obj.spec?.finalizers ?? []).length === 0;
  if (obj.metadata.deletionTimestamp && (obj.metadata.finalizers ?? []).length === 0 && specFinalizersDone && (!kindIs(r, "Pod") || obj.metadata.deletionGracePeriodSeconds === 0)) {
    cur.op = "delete";
  }
  void now;
}

/**
 * interpretStrategicMergePatchError: format errors are 400, lists of lists 422. The rest Kubernetes
 * passes on as a bare 500 with the error's text, a client's malformed patch surfacing as a server
 * error (kubernetes#139253, with the 400 of its fix under review); podflow answers them 400 with
 * the same text, so that no client's bytes make a 5xx.
 */
function strategicPatchStatus(e: StrategicPatchError): Status {
  if (e.code === 422) return unprocessable();
  return S.badRequest(e.message);
}

/**
 * handlers' checkName: the object must carry the name of the URL (namer.ObjectName refuses an
 * empty one as errEmptyName).
 */
function checkNameError(urlName: string, body: any): Status | undefined {
  const meta = body !== null && typeof body === "object" ? getOwn(body, "metadata") : undefined;
  const name = meta !== null && typeof meta === "object" ? getOwn(meta as Record<string, unknown>, "name") : undefined;
  if (typeof name !== "string" || name === "") return S.badRequest(`the name of the object (${urlName} based on URL) was undeterminable: name must be provided`);
  if (name !== urlName) return S.badRequest(`the name of the object (${name}) does not match the name on the URL (${urlName})`);
  return undefined;
}

/** Kinds whose strategy's AllowUnconditionalUpdate is false: an update must name the resourceVersion it replaces. */
const conditionalUpdateKinds: ReadonlySet<string> = new Set(["Lease", "RuntimeClass", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"]);

const maxUint64 = 18446744073709551615n;

/**
 * Store.Update's precondition on the written object's resourceVersion, read by
 * APIObjectVersioner.ObjectResourceVersion (strconv.ParseUint): a malformed one is a plain error
 * ErrorToAPIStatus answers 500 without a reason; none (or 0) is an unconditional update where the
 * strategy allows it, else 422; any other must equal the stored one, else 409.
 */
function updateResourceVersionError(r: ResourceInfo, name: string, rv: unknown, current: string): Status | undefined {
  const parseError = resourceVersionParseError(rv);
  if (parseError) return parseError;
  const text = typeof rv === "string" ? rv : "";
  const wanted = text === "" ? 0n : BigInt(text);
  if (wanted === 0n) {
    if (!conditionalUpdateKinds.has(r.kind)) return undefined;
    // the registry names the resource where the kind goes (qualifiedKind from qualifiedResource)
    return S.invalid({ ...r, kind: r.resource }, name, [S.invalidValue("metadata.resourceVersion", S.goValue("0x0"), "must be specified for an update")]);
  }
  const have = /^[0-9]+$/.test(current) ? BigInt(current) : -1n;
  if (wanted !== have && !mutant("apiserver.update-ignores-stale-resourceversion")) return S.conflict(r, name);
  return undefined;
}

/** APIObjectVersioner.ObjectResourceVersion's strconv.ParseUint of a written resourceVersion: a plain 500 when malformed. */
function resourceVersionParseError(rv: unknown): Status | undefined {
  const text = typeof rv === "string" ? rv : "";
  if (text === "") return undefined;
  if (!/^[0-9]+$/.test(text)) return plainError(`strconv.ParseUint: parsing ${S.goQuote(text)}: invalid syntax`);
  if (BigInt(text) > maxUint64) return plainError(`strconv.ParseUint: parsing ${S.goQuote(text)}: value out of range`);
  return undefined;
}

/** ErrorToAPIStatus of an error that is no API status: 500, no reason, the error's text. */
function plainError(message: string): Status {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, code: 500 };
}

/**
 * Metadata without its resourceVersion (and `also`): a copy by hand, in the same key order, as an
 * object rest costs several times more (V8) on every write's storage encoding. Metadata is JSON's
 * or a stored object's, so it has no symbol keys a rest would copy (deepFreeze's mark is not enumerable).
 */
function metaWithout(meta: Record<string, unknown>, also?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in meta) if (k !== "resourceVersion" && k !== also && Object.hasOwn(meta, k)) setOwn(out, k, meta[k]);
  return out;
}

function withoutResourceVersion(meta: any): any {
  const { resourceVersion: _rv, ...rest } = meta;
  return rest;
}

function hasStatusSubresource(r: ResourceInfo): boolean {
  return r.subresources.includes("status");
}

/**
 * The strategies' PrepareForUpdate (updatePodGeneration and its kin): a spec that is not apiequality.Semantic.DeepEqual
 * to the old one (key order and empty lists are no change) makes the generation the old one plus one.
 */
export function generationAfterUpdate(spec: unknown, oldSpec: unknown, oldGeneration: number | undefined): number | undefined {
  return spec === oldSpec || semanticEqual(spec, oldSpec) ? undefined : (oldGeneration ?? 0) + 1;
}

function bumpGeneration(r: ResourceInfo, obj: any, old: any): void {
  if (!hasGeneration(r)) return;
  const next = generationAfterUpdate(obj.spec, old.spec, old.metadata.generation);
  if (next !== undefined) obj.metadata = { ...obj.metadata, generation: next };
}

/**
 * DeleteOptions.preconditions, checked by rest.BeforeDelete against the stored object: a mismatch is
 * a Conflict on the group-kind (BeforeDelete builds its GroupResource from the kind), worded as there.
 */
function preconditionError(r: ResourceInfo, old: any, pre: unknown): Status | undefined {
  if (pre === null || typeof pre !== "object") return undefined;
  const uid = getOwn(pre as Record<string, unknown>, "uid");
  const rv = getOwn(pre as Record<string, unknown>, "resourceVersion");
  const onKind = { ...r, resource: r.kind };
  if (uid !== undefined && uid !== null && uid !== old.metadata.uid) {
    return S.conflict(onKind, old.metadata.name, `the UID in the precondition (${String(uid)}) does not match the UID in record (${old.metadata.uid}). The object might have been deleted and then recreated`);
  }
  if (rv !== undefined && rv !== null && rv !== old.metadata.resourceVersion) {
    return S.conflict(onKind, old.metadata.name, `the ResourceVersion in the precondition (${String(rv)}) does not match the ResourceVersion in record (${old.metadata.resourceVersion}). The object might have been modified`);
  }
  return undefined;
}

/** Pod deletion is graceful: the kubelet finishes it. Other kinds go at once unless finalizers hold them. */
function prepareDelete(_ctx: ApiServerContext, cur: InFlight, r: ResourceInfo, old: any, now: number): void {
  const { req } = cur;
  const meta = old.metadata;
  const pre = preconditionError(r, old, req.body?.preconditions);
  if (pre) {
    cur.error = pre;
    return;
  }
  let requested = req.gracePeriodSeconds ?? req.body?.gracePeriodSeconds;
  // an int64 past 2^53 comes as a NumberLiteral (the decoders keep it exact)
  if (requested !== undefined && integerOf(requested) === undefined) {
    const goType = typeof requested === "number" ? `number ${requested}` : typeof requested === "boolean" ? "bool" : Array.isArray(requested) ? "array" : typeof requested;
    cur.error = S.badRequest(`json: cannot unmarshal ${goType} into Go struct field DeleteOptions.gracePeriodSeconds of type int64`);
    return;
  }
  // rest.BeforeDelete: "Negative values will be treated as the value `1s` on the delete path."
  // the mutant takes a negative grace period as 0: the pod is removed at once
  if (requested !== undefined && Number(requested) < 0) requested = mutant("apiserver.negative-grace-deletes-at-once") ? 0 : 1;
  // The batch/v1 Job strategy's DefaultGarbageCollectionPolicy is OrphanDependents (kept for compatibility).
  const policy = req.propagationPolicy ?? req.body?.propagationPolicy ?? (kindIs(r, "Job") ? "Orphan" : undefined);
  let grace: number | NumberLiteral = 0;
  if (kindIs(r, "Pod")) {
    grace = requested ?? (mutant("apiserver.pod-delete-default-grace-zero") ? 0 : old.spec?.terminationGracePeriodSeconds ?? 30);
    // An unscheduled or finished pod has nothing on a node to stop: it goes at once.
    if (!old.spec?.nodeName || old.status?.phase === "Succeeded" || old.status?.phase === "Failed") grace = 0;
  }
  const finalizers: string[] = [...(meta.finalizers ?? [])];
  // A namespace is emptied by the namespace controller first: it waits on its spec finalizers.
  if (kindIs(r, "Namespace") && (old.spec?.finalizers ?? []).length > 0 && !meta.deletionTimestamp) {
    cur.code = 200;
    cur.obj = { ...old, metadata: { ...meta, deletionTimestamp: rfc3339(now), deletionGracePeriodSeconds: 0 }, status: { ...old.status, phase: "Terminating" } };
    cur.op = "put";
    return;
  }
  // the CRD's REST Delete: its finalizer and the Terminating condition first; the finalizer controller deletes its instances
  if (kindIs(r, "CustomResourceDefinition") && !meta.deletionTimestamp) {
    const held = finalizers.includes(crdCleanupFinalizer) ? finalizers : [...finalizers, crdCleanupFinalizer];
    const conds = (old.status?.conditions ?? []).filter((c: any) => c?.type !== "Terminating");
    const terminating = { type: "Terminating", status: "True", lastTransitionTime: rfc3339(now), reason: "InstanceDeletionPending", message: "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon" };
    cur.code = 200;
    cur.obj = { ...old, metadata: { ...meta, deletionTimestamp: rfc3339(now), finalizers: held }, status: { ...old.status, conditions: [...conds, terminating] } };
    cur.op = "put";
    return;
  }
  if (policy === "Foreground" && !finalizers.includes("foregroundDeletion") && !kindIs(r, "Pod")) finalizers.push("foregroundDeletion");
  if (policy === "Orphan" && !finalizers.includes("orphan")) finalizers.push("orphan");
  cur.code = 200;
  // the bug: a grace-0 DELETE removes the object whatever finalizers hold it
  const ignoreFinalizers = mutant("apiserver.final-delete-ignores-finalizers");
  if (meta.deletionTimestamp) {
    // rest.BeforeDelete on an object already terminating: only a given, shorter grace period counts
    // (the pod strategy's CheckGracefulDelete is not asked again), and the deletion moves by the
    // difference: old deletionTimestamp - old grace + new grace.
    const current = integerOf(meta.deletionGracePeriodSeconds) ?? 0n;
    const shorter = requested === undefined ? undefined : integerOf(requested)!;
    if (kindIs(r, "Pod") && current > 0n && shorter !== undefined && shorter < current) {
      if (shorter === 0n && (finalizers.length === 0 || ignoreFinalizers)) {
        cur.op = "delete";
        cur.obj = old;
        return;
      }
      const at = Date.parse(meta.deletionTimestamp) + goSecondsMs(-current) + goSecondsMs(shorter);
      cur.obj = { ...old, metadata: { ...meta, deletionTimestamp: rfc3339(at), deletionGracePeriodSeconds: requested } };
      cur.op = "put";
      return;
    }
    // A grace period already 0 with nothing holding the object: store.go deletes it now (a
    // deletion whose first phase was stored and whose second failed).
    if (kindIs(r, "Pod") && current === 0n && finalizers.length === 0) {
      cur.op = "delete";
      cur.obj = old;
      return;
    }
    cur.noop = true;
    cur.reply = old;
    return;
  }
  if (Number(grace) === 0 && (finalizers.length === 0 || ignoreFinalizers)) {
    cur.op = "delete";
    cur.obj = old;
    return;
  }
  cur.obj = { ...old, metadata: { ...meta, finalizers: finalizers.length ? finalizers : undefined, deletionTimestamp: rfc3339(now + goSecondsMs(grace)), deletionGracePeriodSeconds: grace } };
  if (!cur.obj.metadata.finalizers) delete cur.obj.metadata.finalizers;
  if (kindIs(r, "Namespace")) cur.obj.status = { ...old.status, phase: "Terminating" };
  cur.op = "put";
}


function prepareDeleteCollection(ctx: ApiServerContext, cur: InFlight, r: ResourceInfo): void {
  const { req } = cur;
  const sel = selectors(r, req);
  if ("error" in sel) {
    cur.error = sel.error;
    return;
  }
  // DeleteCollection lists first, under its key prefix
  const badKey = keyError(r, req.namespace);
  if (badKey) {
    cur.error = badKey;
    return;
  }
  const scope = { r, namespace: r.namespaced ? req.namespace : undefined, labelReqs: sel.labelReqs, fieldReqs: sel.fieldReqs };
  const items: any[] = [];
  for (const obj of candidates(ctx.cache, r, sel.nodeName)) if (matches(scope, obj)) items.push(obj);
  // Each item is deleted as its own request, as the registry's DeleteCollection does.
  for (const obj of items) {
    ctx.backlog = ctx.backlog.push({ ...req, verb: "delete", name: obj.metadata.name, namespace: obj.metadata.namespace, id: -1 });
  }
  cur.noop = true;
  cur.code = 200;
  cur.reply = { kind: listKindOf(r), apiVersion: storedApiVersion(r), metadata: { resourceVersion: String(ctx.cache.revision) }, items };
}

/**
 * A subresource create's body judged before its storage looks the object up: createHandler's
 * EnsureObjectNamespaceMatchesRequestNamespace (a Binding, Eviction or TokenRequest naming another
 * namespace), then EvictionREST.Create's name check (pkg/registry/core/pod/storage/eviction.go).
 */
function subresourceCreateRefusal(req: Request): Status | undefined {
  const meta = req.body?.metadata;
  const ns = meta !== null && typeof meta === "object" ? meta.namespace : undefined;
  if (typeof ns === "string" && ns !== "" && req.namespace !== undefined && ns !== req.namespace) return S.badRequest("the namespace of the provided object does not match the namespace sent on the request");
  if (req.subresource !== "eviction") return undefined;
  const name = meta !== null && typeof meta === "object" ? meta.name : undefined;
  return (typeof name === "string" ? name : "") !== (req.name ?? "") ? S.badRequest("name in URL does not match name in Eviction object") : undefined;
}

/**
 * BindingREST.Create's checks before the pod is looked up: the Binding names the pod of the URL
 * (400), and ValidatePodBinding's errors, returned as a bare Aggregate (a 500 without a reason).
 */
function bindingRefusal(body: any, name: string): Status | undefined {
  const bodyName = body?.metadata?.name;
  if ((typeof bodyName === "string" ? bodyName : "") !== name) return S.badRequest("name in URL does not match name in Binding object");
  const errs = validateBinding(body ?? {});
  return errs.length > 0 ? plainError(S.aggregateMessage(errs)) : undefined;
}

/**
 * POST to the bindings collection (LegacyBindingREST): no object of its own is stored; the Binding
 * binds the pod it names, as a POST to pods/<name>/binding would (an empty name is the pod key's
 * "Name parameter required.").
 */
function prepareLegacyBinding(ctx: ApiServerContext, cur: InFlight): void {
  const { req } = cur;
  const bodyName = req.body?.metadata?.name;
  const name = typeof bodyName === "string" ? bodyName : "";
  const refused = bindingRefusal(req.body, name) ?? (name === "" ? S.badRequest("Name parameter required.") : undefined);
  if (refused) {
    cur.error = refused;
    return;
  }
  cur.req = { ...req, resource: "pods", subresource: "binding", name };
  cur.r = resourceFor("", "pods")!;
  prepare(ctx, cur);
}

/** POST to a subresource: pods/binding and pods/eviction. */
function prepareSubresourceCreate(ctx: ApiServerContext, cur: InFlight, r: ResourceInfo, old: any, now: number): void {
  const { req } = cur;
  if (kindIs(r, "Pod") && req.subresource === "binding") {
    // bindingRefusal checked the Binding before the pod was looked up
    const refused = bindingConflict(r, old, req.body);
    if (refused !== undefined) {
      cur.error = refused;
      return;
    }
    cur.obj = boundPod(old, req.body, rfc3339(now), (name) => lookupStored(ctx, "nodes", undefined, name));
    cur.op = "put";
    cur.code = 201;
    cur.reply = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 };
    return;
  }
  if (kindIs(r, "Pod") && req.subresource === "eviction") {
    // NodeRestriction admits the Eviction itself; the status write and the delete EvictionREST then makes skip admission
    const restricted = admitNodeRestriction({ user: cur.user, operation: "CREATE", r, subresource: "eviction", namespace: req.namespace ?? "", name: req.name ?? "", obj: req.body }, nodeGraph(ctx));
    if (restricted) {
      cur.error = restricted;
      return;
    }
    return prepareEviction(ctx, cur, r, old, now);
  }
  if (kindIs(r, "ServiceAccount") && req.subresource === "token") return prepareToken(ctx, cur, old, now);
  cur.error = S.methodNotSupported(r, `create ${req.subresource}`);
}

/**
 * setPodNodeAndMetadata's refusals, in its order: the Binding's uid and resourceVersion are
 * preconditions on the pod (checked by the storage, a Conflict on pods); then a pod being
 * deleted, already bound, or still gated by scheduling gates is a Conflict on pods/binding.
 */
function bindingConflict(r: ResourceInfo, pod: any, binding: any): Status | undefined {
  const name: string = pod.metadata.name;
  const key = storageKey(r, pod.metadata.namespace, name);
  const uid = binding?.metadata?.uid;
  if (typeof uid === "string" && uid !== "" && uid !== pod.metadata.uid) return preconditionConflict(r, name, key, uid, pod.metadata.uid ?? "");
  const rv = binding?.metadata?.resourceVersion;
  if (typeof rv === "string" && rv !== "" && rv !== pod.metadata.resourceVersion) return preconditionConflict(r, name, key, rv, pod.metadata.resourceVersion ?? "", "ResourceVersion");
  const onBinding = { ...r, resource: "pods/binding" };
  if (pod.metadata.deletionTimestamp) return S.conflict(onBinding, name, `pod ${name} is being deleted, cannot be assigned to a host`);
  if (pod.spec.nodeName && !mutant("apiserver.binding-accepts-bound-pod")) return S.conflict(onBinding, name, `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
  if (Array.isArray(pod.spec.schedulingGates) && pod.spec.schedulingGates.length > 0) return S.conflict(onBinding, name, `pod ${name} has non-empty .spec.schedulingGates`);
  return undefined;
}

/**
 * The pod setPodNodeAndMetadata writes: its node; no nomination left (ClearingNominatedNodeNameAfterBinding,
 * beta in 1.35); the Binding's annotations and labels over its own (the labels with the node's
 * topology labels that PodTopologyLabels admission added to the Binding); PodScheduled True.
 */
function boundPod(old: any, binding: any, now: string, nodes: NodeLookup): any {
  const conditions = (old.status?.conditions ?? []).filter((c: any) => c.type !== "PodScheduled");
  conditions.push({ type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: now });
  const { nominatedNodeName: _cleared, ...status } = old.status ?? {};
  const annotations = binding.metadata?.annotations;
  const labels = bindingLabels(binding, nodes);
  const metadata = annotations === undefined && labels === undefined ? old.metadata : {
    ...old.metadata,
    ...(annotations !== undefined && Object.keys(annotations).length > 0 ? { annotations: { ...(old.metadata.annotations ?? {}), ...annotations } } : {}),
    ...(labels !== undefined ? { labels: { ...(old.metadata.labels ?? {}), ...labels } } : {}),
  };
  // sliced: a filtered, pushed-to array keeps spare room (17 slots) in the stored pod and its history
  return { ...old, metadata, spec: { ...old.spec, nodeName: binding.target.name }, status: { ...status, conditions: conditions.slice() } };
}

/** An object in the watch cache by resource, namespace and name (a core-group resource). */
export function lookupStored(ctx: ApiServerContext, resource: string, namespace: string | undefined, name: string): any {
  const r = resourceFor("", resource);
  return r ? ctx.cache.objects.get(storageKey(r, namespace, name)) : undefined;
}

/** serviceaccounts/token: the token is checked here and signed by the runtime's signer (needsSignedToken). */
function prepareToken(ctx: ApiServerContext, cur: InFlight, sa: any, now: number): void {
  // NodeRestriction is mutating admission: it judges a node's TokenRequest before TokenREST.Create reads it
  const restricted = admitNodeRestriction({ user: cur.user, operation: "CREATE", r: cur.r!, subresource: "token", namespace: cur.req.namespace ?? "", name: cur.req.name ?? "", obj: cur.req.body }, nodeGraph(ctx));
  if (restricted) {
    cur.error = restricted;
    return;
  }
  const p = prepareTokenRequest(sa, cur.req.body, now, (res, ns, name) => lookupStored(ctx, res, ns, name));
  if ("error" in p) cur.error = p.error;
  else Object.assign(cur, { token: p, noop: true, code: 201 });
}

/** True when the request in flight is a TokenRequest waiting to be signed. */
export function needsSignedToken(ctx: ApiServerContext): boolean {
  return ctx.current?.token !== undefined && ctx.current.error === undefined;
}

/** Draws the token's id and asks the runtime's signer to sign its claims (the key never enters a machine). */
export function requestSignature(ctx: ApiServerContext, fx: Fx): ApiServerContext {
  const rng = new Rng(ctx.rng.state);
  const token = withTokenId(ctx.current!.token!, rng.uuid());
  fx.send("token-signer", { type: "SignToken", id: ctx.nextEtcdId, claims: token.claims });
  return { ...ctx, rng, nextEtcdId: ctx.nextEtcdId + 1, current: { ...ctx.current!, token, txnId: ctx.nextEtcdId } };
}

/** The signer's answer: the token is known from now on, and the client gets its TokenRequest (201). */
export function replyWithToken(ctx: ApiServerContext, ev: { token: string; now: number }, fx: Fx): ApiServerContext {
  const cur = ctx.current!;
  const t = cur.token!;
  const issuedTokens = withIssued(ctx.issuedTokens, tokenKey(ev.token), signedIssue(t.issued, ev.token), ev.now);
  ok(fx, cur, 201, { ...t.reply, status: { ...t.reply.status, token: ev.token } });
  return done({ ...ctx, issuedTokens });
}

/** The signer signed a secret-based token: it verifies here from now on (the oldest is forgotten past the bound). */
export function rememberLegacyToken(ctx: ApiServerContext, ev: { token: string; claims: object }): ApiServerContext {
  if (!isLegacyClaims(ev.claims)) return ctx;
  let legacyTokens = ctx.legacyTokens.set(tokenKey(ev.token), legacyTokenOf(ev.claims, ev.token));
  if (legacyTokens.size > legacyTokensMax) legacyTokens = legacyTokens.delete(legacyTokens.keySeq().first()!);
  return { ...ctx, legacyTokens };
}

/** True when the signer's answer is for the request in flight. */
export function isOurSignature(ctx: ApiServerContext, ev: { id: number }): boolean {
  return ctx.current?.txnId === ev.id && ctx.current.token !== undefined;
}

/**
 * The eviction subresource (pkg/registry/core/pod/storage/eviction.go): a pod that cannot disrupt
 * (Pending, finished, being deleted) or that no budget covers is deleted; an unready pod is
 * deleted while its budget is healthy enough; otherwise its budget must allow a disruption
 * (checkAndDecrement), and the budget's status is written first (one fewer allowed, the pod in
 * disruptedPods), then the pod is deleted, as two writes in that order.
 */
function prepareEviction(ctx: ApiServerContext, cur: InFlight, r: ResourceInfo, old: any, now: number): void {
  const { req } = cur;
  // propagateDryRun: the eviction's DeleteOptions.dryRun (kubectl drain --dry-run=server) or the query's.
  const bodyDry: unknown = req.body?.deleteOptions?.dryRun;
  const dryRun = req.dryRun === true || (Array.isArray(bodyDry) && bodyDry.includes("All"));
  const deleteReq = { ...req, verb: "delete" as const, subresource: undefined, gracePeriodSeconds: req.body?.deleteOptions?.gracePeriodSeconds, body: req.body?.deleteOptions, ...(dryRun ? { dryRun: true } : {}) };
  // addConditionAndDeletePod: unless a dry run, the pod's status gets DisruptionTarget (EvictionByEvictionAPI)
  // through the status store first, then the pod is deleted; both made by the registry itself.
  const conditionReq = { ...req, verb: "patch" as const, subresource: "status", patchType: "strategic", body: { status: { conditions: [disruptionTarget(old, now)] } } } as Request;
  const evicted = () => {
    if (dryRun) {
      cur.req = { ...deleteReq, subresource: req.subresource };
      prepareDelete(ctx, cur, r, old, now);
      if (!cur.error) {
        cur.code = 201;
        cur.reply = evictionSuccess;
      }
      return;
    }
    // the condition is written for no one; the deletion after it answers the client, as Create returns once both are done
    cur.req = { ...conditionReq, id: -1 };
    prepareUpdate(ctx, cur, r, old, now);
    // biome-ignore lint/suspicious/noThenProperty: InFlight.then is the request that follows, never awaited
    cur.then = [{ ...deleteReq, [evictionDelete]: true, [evictionReply]: true } as Request];
  };
  const phase = old.status?.phase;
  // the mutant forgets that a Pending pod disrupts nothing (canIgnorePDB): its eviction waits on the budget
  if (phase === "Succeeded" || phase === "Failed" || (phase === "Pending" && !mutant("apiserver.eviction-pending-pod-checks-budget")) || old.metadata.deletionTimestamp) return evicted();
  const pdbs = budgetsOf(ctx, old);
  if (pdbs.length > 1) {
    cur.error = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.", code: 500 };
    return;
  }
  if (pdbs.length === 0) return evicted();
  const pdb = pdbs[0];
  const st = pdb.status ?? {};
  if (!isReady(old)) {
    // An unready pod does not count as healthy: deleting it disrupts nothing the budget guards.
    if (pdb.spec?.unhealthyPodEvictionPolicy === "AlwaysAllow") return evicted();
    // the mutant takes IfHealthyBudget as AlwaysAllow: an unready pod goes whatever the budget's health
    if (((st.currentHealthy ?? 0) >= (st.desiredHealthy ?? 0) && (st.desiredHealthy ?? 0) > 0) || mutant("apiserver.eviction-unready-ignores-budget-health")) return evicted();
  }
  const refused = evictionRefusal(pdb);
  if (refused) {
    cur.error = refused;
    return;
  }
  // A dry run checks the budget but writes neither its status nor the deletion.
  if (dryRun) return evicted();
  const allowed = st.disruptionsAllowed - 1;
  let status = { ...st, disruptionsAllowed: allowed, disruptedPods: { ...(st.disruptedPods ?? {}), [old.metadata.name]: rfc3339(now) } };
  if (allowed === 0) status = withInsufficientPods(status, now);
  const pr = resourceFor("policy", "poddisruptionbudgets")!;
  cur.key = storageKey(pr, pdb.metadata.namespace, pdb.metadata.name);
  cur.old = pdb;
  cur.obj = { ...pdb, status };
  cur.op = "put";
  // The budget's write answers no one: the condition and the deletion follow it as their own
  // requests, made by the registry itself and authorized once, as the eviction (a symbol, so no
  // client can claim it); the deletion answers the client, as Create returns once the pod is deleted.
  cur.req = { ...req, id: -1 };
  // biome-ignore lint/suspicious/noThenProperty: InFlight.then is the request that follows, never awaited
  cur.then = [{ ...conditionReq, id: -1, [evictionDelete]: true } as Request, { ...deleteReq, [evictionDelete]: true, [evictionReply]: true } as Request];
}

/**
 * The DisruptionTarget condition an eviction adds (podutil.UpdatePodCondition): its transition time
 * now unless the pod already has it True, whose time a strategic merge by type then keeps.
 */
function disruptionTarget(pod: any, now: number): Record<string, unknown> {
  const had = (pod.status?.conditions ?? []).some((c: any) => c?.type === "DisruptionTarget" && c.status === "True");
  return { type: "DisruptionTarget", status: "True", reason: "EvictionByEvictionAPI", message: "Eviction API: evicting", ...(had ? {} : { lastTransitionTime: rfc3339(now) }) };
}

const isReady = (pod: any) => (pod.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True");

/** The budgets of the pod's namespace whose selector matches it; a null or empty selector matches nothing here. */
function budgetsOf(ctx: ApiServerContext, pod: any): any[] {
  const pdbs = ctx.cache.byKind.get("PodDisruptionBudget");
  if (!pdbs) return [];
  const out: any[] = [];
  for (const pdb of pdbs.values()) {
    if (pdb.metadata.namespace !== pod.metadata.namespace) continue;
    const reqs = labelSelectorAsRequirements(pdb.spec?.selector);
    if (reqs === null || "error" in reqs || reqs.length === 0) continue;
    if (matchesRequirements(reqs, pod.metadata.labels)) out.push(pdb);
  }
  return out;
}

/** checkAndDecrement's refusals: a budget its controller has not caught up with, or one that allows no disruption now. */
function evictionRefusal(pdb: any): Status | undefined {
  const st = pdb.status ?? {};
  const tooMany = (cause: string): Status => ({
    kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Cannot evict pod as it would violate the pod's disruption budget.",
    reason: "TooManyRequests", details: { causes: [{ reason: "DisruptionBudget", message: cause }] }, code: 429,
  });
  if ((st.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0) && !mutant("apiserver.eviction-ignores-unobserved-budget")) return tooMany(`The disruption budget ${pdb.metadata.name} is still being processed by the server.`);
  const pr = resourceFor("policy", "poddisruptionbudgets")!;
  if ((st.disruptionsAllowed ?? 0) < 0) return S.forbiddenStatus(pr, pdb.metadata.name, "pdb disruptions allowed is negative");
  if (Object.keys(st.disruptedPods ?? {}).length > 2000) return S.forbiddenStatus(pr, pdb.metadata.name, "DisruptedPods map too big - too many evictions not confirmed by PDB controller");
  if ((st.disruptionsAllowed ?? 0) === 0) return tooMany(`The disruption budget ${pdb.metadata.name} needs ${st.desiredHealthy ?? 0} healthy pods and has ${st.currentHealthy ?? 0} currently`);
  return undefined;
}

/** UpdateDisruptionAllowedCondition once the last allowed disruption is taken: False, InsufficientPods. */
function withInsufficientPods(status: any, now: number): any {
  const conditions: any[] = status.conditions ?? [];
  const old = conditions.find((c) => c.type === "DisruptionAllowed");
  const next = { type: "DisruptionAllowed", status: "False", reason: "InsufficientPods", message: "", observedGeneration: status.observedGeneration, lastTransitionTime: old?.status === "False" ? old.lastTransitionTime : rfc3339(now) };
  return { ...status, conditions: old ? conditions.map((c) => (c === old ? next : c)) : [...conditions, next] };
}

/** Deletion marks and bindings are written by the registry itself, past admission and validation. */
function bypassesAdmission(cur: InFlight): boolean {
  return cur.req.verb === "delete" || cur.req.subresource === "binding" || cur.req.subresource === "eviction" || cur.req.subresource === "scale" || cur.req.subresource === "finalize";
}

/** The NodeRestriction admission plugin, on the write as prepared (a status write keeps the stored spec and labels, as a kubelet's status patch does). */
export function restrictNodes(ctx: ApiServerContext): ApiServerContext {
  const cur = ctx.current!;
  const { req } = cur;
  if (cur.error || req.verb === "deletecollection") return ctx;
  const sub = req.subresource ?? "";
  // ServiceAccount comes before NodeRestriction in kube-apiserver's plugin order: its Admit judges a mirror pod at once
  if (req.verb === "create" && sub === "" && kindIs(cur.r, "Pod") && Object.hasOwn(cur.obj?.metadata?.annotations ?? {}, "kubernetes.io/config.mirror")) {
    const mirror = mirrorPodRefusal(cur.obj?.spec ?? {});
    if (mirror !== undefined) return stepped(ctx, { ...cur, error: S.forbiddenStatus(cur.r!, cur.obj?.metadata?.name ?? "", mirror) });
  }
  const operation: Operation = sub === "eviction" || sub === "binding" || req.verb === "create" || cur.createOnUpdate ? "CREATE" : req.verb === "delete" ? "DELETE" : "UPDATE";
  const st = admitNodeRestriction({
    user: cur.user, operation, r: cur.r!, subresource: sub, namespace: req.namespace ?? "",
    name: req.name ?? (operation === "CREATE" ? cur.obj?.metadata?.name ?? "" : ""),
    obj: sub === "eviction" || sub === "token" ? req.body : cur.obj, old: cur.old,
  }, nodeGraph(ctx));
  // A value step: the refusal is a new request-in-flight record, the input context stays as it was.
  return st ? stepped(ctx, { ...cur, error: st }) : ctx;
}

/** Mutating admission: Kubernetes' defaults and the admission plugins that set fields. */
export function runMutatingAdmission(ctx: ApiServerContext): ApiServerContext {
  const prior = ctx.current!;
  if (prior.error || prior.noop || prior.op !== "put" || !prior.obj || bypassesAdmission(prior)) return ctx;
  // The field manager records the write before mutating admission runs (create.go, patch.go).
  // Object.assign, not a spread: recordManagedFields may add fields (see withCurrent)
  const cur = Object.assign({}, prior);
  // The body as Go decoded it and will store it (lastProbeTime: null): the field manager records that.
  cur.obj = encodedAs(cur.obj, cur.r);
  // a custom resource is decoded pruned to its schema and defaulted, before the field manager reads it
  if (cur.r?.custom) cur.obj = decodedCustomResource(cur.obj, cur.r);
  const read = recordManagedFields(cur);
  const report: PluginReport = {};
  const actx = pluginContext(ctx, cur, report);
  // The pod strategy's PrepareForCreate warns of the AppArmor annotations it copies to fields: read before it copies them.
  const skew = kindIs(cur.r, "Pod") && !cur.old && !cur.req.subresource ? appArmorVersionSkewWarnings(cur.obj) : [];
  if (cur.r?.custom) return stepped(ctx, copyWith(cur, { obj: customStrategy(cur, cur.r) }));
  // ServiceAccount (a mutating plugin that may refuse) runs before Priority, as in kube-apiserver's plugin order.
  // (mutate is admitDefaulted of defaulted) The parts admission keeps as the body was decoded are in
  // Go's encoding already (cur.obj was encoded above): storage does not walk them again.
  const { obj, kept } = admitDefaultedKeeping(read ?? defaulted(cur.obj), actx);
  const { refusal, missingAccount } = report;
  if (refusal !== undefined && missingAccount !== undefined) {
    const waited = serviceAccountWaitOf(cur.req);
    const lookups = (waited?.lookups ?? 0) + 1;
    if (lookups < serviceAccountLookupAttempts(missingAccount)) {
      // The interval is drawn once per lookup: rand.Int63n(100)+100 ms.
      const rng = waited ? ctx.rng : new Rng(ctx.rng.state);
      const intervalMs = waited?.intervalMs ?? 100 + rng.int(100);
      return { ...ctx, rng, current: { ...cur, awaitServiceAccount: { lookups, intervalMs } } };
    }
  }
  const refused = refusal ?? admissionRefusal(cur.obj, actx);
  if (refused !== undefined) return { ...ctx, current: { ...cur, error: S.forbiddenStatus(cur.r!, cur.obj.metadata?.name ?? cur.req.name ?? "", refused) } };
  const admitted = kept.length > 0 ? { obj, decoded: kept } : { obj };
  return stepped(ctx, copyWith(cur, skew.length > 0 ? { ...admitted, warnings: [...(cur.warnings ?? []), ...skew] } : admitted));
}

/** What the mutating plugins report while they run: a refusal, the ServiceAccount they looked for and did not find. */
interface PluginReport {
  refusal?: string;
  missingAccount?: string;
}

/** The mutating plugins' view of the cluster for the write in flight, their reports collected in `report`. */
function pluginContext(ctx: ApiServerContext, cur: InFlight, report: PluginReport): MutateContext {
  const serviceAccounts = (ns: string, name: string) => {
    const sa = ctx.cache.objects.get(storageKey(resourceFor("", "serviceaccounts")!, ns, name));
    if (sa === undefined) report.missingAccount = name;
    return sa;
  };
  return copyWith(admissionContext(ctx, cur), { priorityClasses: priorityClasses(ctx), serviceAccounts, refuse: (reason: string) => void (report.refusal = reason) }) as MutateContext;
}

/**
 * A custom resource's write as its REST storage prepares it (decodedCustomResource pruned and
 * defaulted it): the strategy's PrepareForCreate or PrepareForUpdate.
 */
function decodedCustomResource(obj: any, r: ResourceInfo): any {
  const schema = r.custom?.schema;
  // converted to the version asked, then pruned and defaulted by that version's schema
  return withDefaults(pruned(atServedVersion(obj, r), schema).value, schema);
}

function customStrategy(cur: InFlight, r: ResourceInfo): any {
  const obj = cur.obj;
  if (!cur.old) return prepareCustomResourceForCreate(obj, r);
  return prepareCustomResourceForUpdate(obj, cur.old, r, cur.req.subresource);
}

// Marks a pod create that waited for its ServiceAccount with the lookups made (no client can send it).
const serviceAccountWait: unique symbol = Symbol("podflow.serviceAccountWait");

function serviceAccountWaitOf(req: Request): ServiceAccountWait | undefined {
  return (req as { [serviceAccountWait]?: ServiceAccountWait })[serviceAccountWait];
}

/** True when admission is waiting to look for the pod's ServiceAccount again. */
export function isAwaitingServiceAccount(ctx: ApiServerContext): boolean {
  return ctx.current?.awaitServiceAccount !== undefined && ctx.current.error === undefined;
}

/**
 * getServiceAccount sleeps between its lookups; the API server serves other requests meanwhile
 * (the controller's create of the account among them): the request is set aside and comes back
 * when the interval has passed.
 */
export function parkForServiceAccount(ctx: ApiServerContext, fx: Fx): ApiServerContext {
  const cur = ctx.current!;
  const wait = cur.awaitServiceAccount!;
  const id = ctx.nextParkId;
  fx.after(`serviceaccount-lookup/${id}`, wait.intervalMs, { type: "ServiceAccountLookupDue", parkId: id });
  const req = { ...cur.req, [serviceAccountWait]: wait } as Request;
  return { ...ctx, current: undefined, parked: ctx.parked.set(id, req), nextParkId: id + 1 };
}

/** The interval has passed: the request goes through the pipeline again, first in line, at this time. */
export function resumeParkedRequest(ctx: ApiServerContext, ev: { parkId: number; now: number }): ApiServerContext {
  const req = ctx.parked.get(ev.parkId);
  if (req === undefined) return ctx;
  return { ...ctx, parked: ctx.parked.delete(ev.parkId), backlog: ctx.backlog.unshift({ ...req, now: ev.now }) };
}

/** What every admission plugin is told of a write: its time, operation, old object and the namespace's LimitRanges and quotas. */
function admissionContext(ctx: ApiServerContext, cur: InFlight) {
  const ns = cur.obj?.metadata?.namespace;
  return {
    now: rfc3339(cur.req.now), old: cur.old, operation: cur.old ? "UPDATE" as const : "CREATE" as const,
    limitRanges: inNamespace(ctx, "LimitRange", ns), quotas: inNamespace(ctx, "ResourceQuota", ns),
    // DefaultStorageClass's lister (a claim's create) and PersistentVolumeClaimResize's (its update)
    ...(cur.obj?.kind === "PersistentVolumeClaim" ? { storageClasses: [...(ctx.cache.byKind.get("StorageClass")?.values() ?? [])] } : {}),
    // RuntimeClass's and PodTopologyLabels' listers: only a pod's create reads them
    ...(cur.obj?.kind === "Pod" && !cur.old ? { runtimeClasses: (name: string) => ctx.cache.objects.get(storageKey(resourceFor("node.k8s.io", "runtimeclasses")!, undefined, name)), nodes: (name: string) => lookupStored(ctx, "nodes", undefined, name) } : {}),
    // DefaultIngressClass's lister: only an Ingress's create reads it
    ...(cur.obj?.kind === "Ingress" && !cur.old ? { ingressClasses: [...(ctx.cache.byKind.get("IngressClass")?.values() ?? [])] } : {}),
    ...(cur.req.subresource ? { subresource: cur.req.subresource } : {}),
    // the CSR strategy records the requester
    ...(cur.obj?.kind === "CertificateSigningRequest" && !cur.old ? { user: cur.user } : {}),
  };
}

/** The objects of a kind in one namespace, by name, from the watch cache (the plugins' listers; read only). */
export function inNamespace(ctx: Pick<ApiServerContext, "cache">, kind: string, ns: string | undefined): readonly any[] {
  if (ns === undefined) return noObjects;
  const all = ctx.cache.byKind.get(kind);
  if (all === undefined) return noObjects;
  // every write lists them twice (mutating and validating admission), and they seldom change: kept
  // per version of the kind's map (an immutable value) and namespace. A memo only.
  let perNs = listedByVersion.get(all);
  if (perNs === undefined) listedByVersion.set(all, (perNs = new Map()));
  let out = perNs.get(ns);
  if (out === undefined) {
    out = [...all.values()].filter((o) => o.metadata.namespace === ns).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
    perNs.set(ns, Object.freeze(out));
  }
  return out;
}

const noObjects: readonly any[] = Object.freeze([]);
const listedByVersion = new WeakMap<object, Map<string, readonly any[]>>();

/** Validating admission (LimitRanger, then ResourceQuota): a refusal, or the quota charges the Txn writes with the object. */
export function runValidatingAdmission(ctx: ApiServerContext): ApiServerContext {
  const cur = ctx.current!;
  if (cur.error || cur.noop || cur.op !== "put" || !cur.obj || bypassesAdmission(cur)) return ctx;
  if (kindIs(cur.r, "Namespace")) return namespaceValidatingAdmission(ctx, cur);
  if (kindIs(cur.r, "CertificateSigningRequest")) return certificateValidatingAdmission(ctx, cur);
  if (!cur.r?.namespaced) return ctx;
  const saRefusal = serviceAccountValidation(ctx, cur);
  if (saRefusal) return stepped(ctx, { ...cur, error: saRefusal });
  const namespaceLabels = namespaceObject(ctx, cur.obj.metadata?.namespace)?.metadata?.labels;
  const res = validatingAdmission(cur.obj, copyWith(admissionContext(ctx, cur), { nowMs: cur.req.now, resource: { group: cur.r.group, resource: cur.r.resource }, namespaceLabels, ...(cur.r.custom ? { custom: true } : {}) }));
  if ("refused" in res) return stepped(ctx, { ...cur, error: S.forbiddenStatus(cur.r!, cur.obj.metadata?.name ?? "", res.refused) });
  const warned = res.warnings?.length ? { ...cur, warnings: [...(cur.warnings ?? []), ...res.warnings] } : cur;
  if (res.charges.length === 0) return warned === cur ? ctx : stepped(ctx, warned);
  const quotaR = resourceFor("", "resourcequotas")!;
  const also = res.charges.map((c) => ({
    key: storageKey(quotaR, c.quota.metadata.namespace, c.quota.metadata.name),
    value: { ...c.quota, status: c.status },
    modRevision: Number(c.quota.metadata.resourceVersion),
  }));
  return stepped(ctx, { ...warned, also });
}

/**
 * The ServiceAccount plugin's Validate, on a pod's create and on pods/ephemeralcontainers (it runs
 * after LimitRanger in kube-apiserver's order; podflow asks it first of the validating plugins).
 */
function serviceAccountValidation(ctx: ApiServerContext, cur: InFlight): Status | undefined {
  if (!kindIs(cur.r, "Pod")) return undefined;
  const sub = cur.req.subresource ?? "";
  const ns = cur.obj.metadata?.namespace ?? cur.req.namespace ?? "";
  const account = cur.obj.spec?.serviceAccountName;
  const sa = typeof account === "string" && account !== "" ? ctx.cache.objects.get(storageKey(resourceFor("", "serviceaccounts")!, ns, account)) : undefined;
  const name = cur.obj.metadata?.name ?? cur.req.name ?? "";
  if (sub === "" && !cur.old) {
    const refused = serviceAccountValidateCreate(cur.obj, sa, ns);
    return refused === undefined ? undefined : S.forbiddenStatus(cur.r!, name, refused);
  }
  if (sub !== "ephemeralcontainers" || !cur.old) return undefined;
  const refused = serviceAccountValidateEphemeral(cur.obj, sa, ns);
  if (refused === undefined) return undefined;
  return "forbidden" in refused ? S.forbiddenStatus(cur.r!, name, refused.forbidden) : plainError(refused.internal);
}

/** CertificateApproval, CertificateSigning and CertificateSubjectRestriction on a CSR's write. */
function certificateValidatingAdmission(ctx: ApiServerContext, cur: InFlight): ApiServerContext {
  const graph = nodeGraph(ctx);
  const allowed = (verb: "approve" | "sign", signerName: string) =>
    signerAttributes(verb, signerName).some((a) => authorizeAttributes({ user: cur.user, verb: a.verb, resourceRequest: true, apiGroup: "certificates.k8s.io", resource: "signers", subresource: "", namespace: "", name: a.name, path: "", fieldSelector: [] }, graph).allowed);
  const organizationsOf = (request: unknown) => {
    const parsed = parseCSR(typeof request === "string" ? new Uint8Array(Buffer.from(request, "base64")) : new Uint8Array());
    return "error" in parsed ? parsed : parsed.organizations;
  };
  const refused = certificateAdmissionRefusal(cur.obj, cur.old, cur.req.subresource, allowed, organizationsOf);
  return refused === undefined ? ctx : stepped(ctx, { ...cur, error: S.forbiddenStatus(cur.r!, cur.obj.metadata?.name ?? "", refused) });
}

/** The namespace from the watch cache (PodSecurity's namespace getter), or undefined. */
function namespaceObject(ctx: ApiServerContext, ns: unknown): any {
  return typeof ns === "string" ? ctx.cache.objects.get(storageKey(resourceFor("", "namespaces")!, undefined, ns)) : undefined;
}

/** PodSecurity on a Namespace's create or update: invalid labels refused, a stricter enforce level's warnings on the namespace's pods. */
function namespaceValidatingAdmission(ctx: ApiServerContext, cur: InFlight): ApiServerContext {
  const res = namespaceAdmission(cur.obj, { old: cur.old, operation: cur.old ? "UPDATE" : "CREATE", ...(cur.req.subresource ? { subresource: cur.req.subresource } : {}), pods: () => inNamespace(ctx, "Pod", cur.obj.metadata?.name) });
  if ("invalid" in res) return stepped(ctx, { ...cur, error: S.invalid(cur.r!, cur.obj.metadata?.name ?? "", res.invalid) });
  return res.warnings.length === 0 ? ctx : stepped(ctx, { ...cur, warnings: [...(cur.warnings ?? []), ...res.warnings] });
}

export function priorityClasses(ctx: Pick<ApiServerContext, "cache">): ReadonlyMap<string, PriorityClassInfo> {
  const all = ctx.cache.byKind.get("PriorityClass");
  if (all === undefined) return noClasses;
  // read by every write's admission, changed seldom: kept per version of the kind's map (an immutable value). A memo only.
  let m = classesByVersion.get(all);
  if (m === undefined) {
    const built = new Map<string, PriorityClassInfo>();
    for (const pc of all.values()) {
      built.set(pc.metadata.name, { value: pc.value, globalDefault: pc.globalDefault === true, ...(pc.preemptionPolicy ? { preemptionPolicy: pc.preemptionPolicy } : {}) });
    }
    classesByVersion.set(all, (m = built));
  }
  return m;
}

const noClasses: ReadonlyMap<string, PriorityClassInfo> = new Map();
const classesByVersion = new WeakMap<object, ReadonlyMap<string, PriorityClassInfo>>();

/** RBAC's escalation check (the policybased storages wrap the registry's create and update, before the strategy validates). */
function rbacEscalation(ctx: ApiServerContext, cur: InFlight): Status | undefined {
  const r = cur.r!;
  if (r.group !== "rbac.authorization.k8s.io") return undefined;
  const graph = nodeGraph(ctx);
  const err = escalationError(
    { user: cur.user, resource: r.resource, namespace: cur.req.namespace ?? "", name: cur.req.name ?? "", obj: cur.obj, old: cur.old },
    graph.rbac, (a) => authorizeAttributes(a, graph),
  );
  if (err === undefined) return undefined;
  // GetRoleReferenceRules' own error reaches the client as it is: the role registry's 400 for a key
  // it cannot make (no namespace, a name that is no path segment), its 404 for a role that does not
  // exist, a plain error (500, no reason) for a roleRef kind it does not know
  if (r.resource === "rolebindings" || r.resource === "clusterrolebindings") {
    const ref = cur.obj?.roleRef;
    const lookup = roleReferenceRules(ref, cur.req.namespace ?? "", graph.rbac);
    if ("error" in lookup && lookup.error === err) {
      if (lookup.reason === "BadRequest") return S.badRequest(err);
      const roles = lookup.reason === "NotFound" ? resourceFor("rbac.authorization.k8s.io", ref.kind === "Role" ? "roles" : "clusterroles") : undefined;
      if (roles) return S.notFound(roles, String(ref.name ?? ""));
      return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: err, code: 500 };
    }
  }
  return S.forbiddenStatus(r, cur.obj.metadata?.name ?? "", err);
}

/** Validation, then the allocations that come with a valid Service. */
export function runValidation(ctx: ApiServerContext): ApiServerContext {
  let cur = ctx.current!;
  // namespaces/finalize skips admission but not its strategy's ValidateNamespaceFinalizeUpdate.
  if (cur.error || cur.noop || cur.op !== "put" || !cur.obj || (bypassesAdmission(cur) && cur.req.subresource !== "finalize")) return ctx;
  const r = cur.r!;
  const escalation = rbacEscalation(ctx, cur);
  if (escalation) return stepped(ctx, { ...cur, error: escalation });
  // the Service REST's BeginCreate/BeginUpdate: its IP family fields are set and checked before the strategy validates
  if (kindIs(r, "Service") && cur.req.subresource === undefined) {
    const init = initIPFamilyFields(cur.obj.spec ?? {}, cur.old?.spec, serviceIPFamiliesOf(ctx.serviceCIDRs ?? [DEFAULT_SERVICE_CIDR]));
    if ("errors" in init) return stepped(ctx, { ...cur, error: S.invalid(r, cur.obj.metadata?.name ?? cur.req.name ?? "", init.errors) });
    if (init.spec !== cur.obj.spec) cur = { ...cur, obj: { ...cur.obj, spec: init.spec } };
  }
  // rest.BeforeUpdate runs the common ObjectMeta checks before the strategy's; rest.BeforeCreate after it, only when it passed.
  const namespaced = r.namespaced;
  // The common and the kind's checks read the same metadata: what one found clean the other need not check again.
  // a custom resource's ratcheted CEL failures are warnings, written whether or not the request then fails
  let celWarnings: string[] = [];
  const errs = withMetadataMemo(() => {
    if (r.custom) {
      const v = validateCustomResourceWithWarnings(cur.obj, r, cur.old);
      celWarnings = v.warnings;
      return cur.old ? [...validateCommonObjectMeta(cur.obj.metadata, namespaced, cur.old.metadata), ...v.errors] : v.errors;
    }
    if (cur.old) return [...validateCommonObjectMeta(cur.obj.metadata, namespaced, cur.old.metadata), ...validateUpdate(cur.obj, cur.old, cur.req.subresource, cur.req.group)];
    const created = validateCreate(cur.obj, cur.req.group);
    return created.length === 0 ? validateCommonObjectMeta(cur.obj.metadata, namespaced) : created;
  });
  if (celWarnings.length > 0) cur = { ...cur, warnings: [...(cur.warnings ?? []), ...celWarnings] };
  if (errs.length > 0) return stepped(ctx, { ...cur, error: S.invalid(r, cur.obj.metadata?.name ?? cur.req.name ?? "", errs) });
  const createRefusal = cur.createOnUpdate ? createOnUpdateRefusal(ctx, cur) : undefined;
  if (createRefusal) return stepped(ctx, { ...cur, error: createRefusal });
  // the strategy's warnings follow its validation (rest.BeforeCreate / BeforeUpdate), before any allocation
  const warned = withStrategyWarnings(cur);
  if (!kindIs(r, "Service")) return warned === ctx.current ? ctx : stepped(ctx, warned);
  const res = allocateServiceAddresses(ctx.allocators, cur.obj, cur.old, serviceNetworkOf(ctx.cache));
  // A dry run keeps nothing of it: the answer shows the address a real write would get.
  // a health check nodePort that cannot be had is errors.NewInternalError (alloc.go)
  if ("internal" in res) return stepped(ctx, { ...warned, error: S.internalError(res.internal) });
  if (cur.req.dryRun || "errors" in res) return stepped(ctx, "errors" in res ? { ...warned, error: S.invalid(r, cur.obj.metadata.name, res.errors) } : { ...warned, obj: res.service });
  // the allocators before are kept with the write, for its failure to restore
  const current = res.allocators === ctx.allocators ? { ...warned, obj: res.service } : { ...warned, obj: res.service, allocatorsBefore: ctx.allocators };
  return stepped(ctx, current, ctx.cache, ctx.backlog, ctx.nextEtcdId, res.allocators);
}

/**
 * update.go's withAuthorization: a PUT that creates must also be allowed to create, asked once the
 * object passed the create validation; a refusal is NewForbidden with the authorizer's reason.
 */
function createOnUpdateRefusal(ctx: ApiServerContext, cur: InFlight): Status | undefined {
  const a = { ...attributesOf(cur.req, cur.user), verb: "create" };
  const d = authorizeAttributes(a, nodeGraph(ctx));
  return d.allowed ? undefined : S.forbiddenStatus(cur.r!, cur.req.name ?? "", d.reason);
}

/**
 * The request with its kind's strategy warnings added after those it has (unknown fields): a write
 * to the object itself or to its scale (which the main strategy updates), a Service's status (its load
 * balancer's IPs) and a Pod's status (its pod and host IPs); the other subresources have strategies without warnings.
 */
function withStrategyWarnings(cur: InFlight): InFlight {
  const sub = cur.req.subresource;
  const kind = cur.r!.kind;
  const serviceStatus = sub === "status" && kind === "Service" && cur.old !== undefined;
  const podStatus = sub === "status" && kind === "Pod" && cur.old !== undefined;
  if (sub !== undefined && sub !== "" && sub !== "scale" && !serviceStatus && !podStatus) return cur;
  const found = serviceStatus ? serviceStatusWarnings(cur.obj) : podStatus ? podStatusWarnings(cur.obj) : cur.old ? warningsOnUpdate(kind, cur.obj, cur.old) : warningsOnCreate(kind, cur.obj);
  return found.length === 0 ? cur : { ...cur, warnings: [...(cur.warnings ?? []), ...found] };
}

export function needsEventLease(ctx: ApiServerContext): boolean {
  const cur = ctx.current!;
  if (!kindIs(cur.r, "Event") || cur.old || cur.op !== "put" || cur.req.dryRun) return false;
  const l = ctx.eventLease;
  // One lease serves the events of a minute, as the API server's lease manager reuses them.
  return !l || cur.req.now - l.grantedAt > 60_000;
}

/** Events live for an hour (kube-apiserver --event-ttl): they are written with a lease. */
export function requestEventLease(ctx: ApiServerContext, fx: Fx): ApiServerContext {
  fx.send("etcd", { type: "LeaseGrant", id: ctx.nextEtcdId, ttlSeconds: 3600 });
  return { ...ctx, nextEtcdId: ctx.nextEtcdId + 1 };
}

export function recordEventLease(ctx: ApiServerContext, ev: { lease: number; now: number }): ApiServerContext {
  return { ...ctx, eventLease: { id: ev.lease, grantedAt: ev.now } };
}

/**
 * What a put would store: the object as kube-apiserver's storage encodes it (Go's JSON of the
 * decoded object: schema/encode.ts), sharing the stored version's unchanged parts. An update that
 * stores the stored version as it was is found here: etcd3's GuaranteedUpdate compares the new
 * bytes with the stored ones and, equal, writes nothing (no new resourceVersion, no watch event).
 */
export function encodeForStorage(ctx: ApiServerContext): ApiServerContext {
  const cur = ctx.current!;
  if (cur.error || cur.noop || cur.op !== "put" || !cur.obj) return ctx;
  // etcd3's store.Create refuses a set resourceVersion before it encodes or compares (so before a
  // taken name's AlreadyExists); a dry run's storage never asks. A plain error: 500, no reason.
  if (cur.createsWithResourceVersion && !cur.req.dryRun) {
    return stepped(ctx, { ...cur, error: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "resourceVersion should not be set on objects to be created", code: 500 } });
  }
  // APIObjectVersioner.PrepareObjectForStorage: etcd never holds a resourceVersion or a selfLink
  const meta = metaWithout(cur.obj.metadata, "selfLink");
  // a custom resource its CRD converts by webhook is encoded once the webhook converted it (convertingForStorage)
  if (cur.storageForm === undefined && needsWebhook(cur.r, cur.obj.apiVersion, storageApiVersion(cur.r!))) return ctx;
  // a custom resource goes to etcd at its storage version, and is compared with what etcd holds
  let prev: any = cur.r?.custom && cur.old !== undefined ? (ctx.cache.objects.get(cur.key!) ?? cur.old) : cur.old;
  if (prev !== undefined) prev = copyWith(prev, { metadata: metaWithout(prev.metadata) });
  // What did not change is kept from the stored version: history holds the change, not a copy.
  const stored = cur.storageForm !== undefined
    ? shareUnchanged(encodedAs(cur.storageForm, cur.r), prev)
    : shareUnchanged(encodedAs(atStorageVersion({ ...cur.obj, metadata: meta }, cur.r!), cur.r, cur.decoded), prev);
  const unchanged = prev !== undefined && stored === prev && (cur.also ?? []).length === 0;
  return stepped(ctx, unchanged ? { ...cur, stored, unchanged } : { ...cur, stored });
}

/** GuaranteedUpdate found nothing to write: the stored object is the answer, as it is. */
export function isUnchangedByWrite(ctx: ApiServerContext): boolean {
  return ctx.current?.unchanged === true && !ctx.current.req.dryRun;
}

/** GuaranteedUpdate's answer when it wrote nothing: the stored object, its resourceVersion unchanged. */
export function replyUnchanged(ctx: ApiServerContext, fx: Fx): ApiServerContext {
  const cur = ctx.current!;
  if (cur.req.id >= 0) ok(fx, cur, 200, cur.reply === "scale" ? scaleOf(cur.old, cur.r) : cur.reply ?? cur.old);
  return done(ctx);
}

/** Sends the one compare-and-swap Txn that persists the write. */
export function sendTxn(ctx: ApiServerContext, fx: Fx): ApiServerContext {
  const cur = ctx.current!;
  const id = ctx.nextEtcdId;
  const key = cur.key!;
  const compare: Compare[] = cur.old
    ? [{ key, target: "mod", result: "=", value: Number(cur.old.metadata.resourceVersion) }]
    : [{ key, target: "version", result: "=", value: 0 }];
  const success: TxnOp[] = [];
  if (cur.op === "delete") success.push({ type: "delete", key });
  else {
    const value = cur.stored ?? encodeForStorage(ctx).current!.stored;
    const lease = kindIs(cur.r, "Event") && !cur.old ? ctx.eventLease?.id : undefined;
    success.push(lease !== undefined ? { type: "put", key, value, lease } : { type: "put", key, value });
  }
  // Objects admission charged (a quota's status.used) are written in the same Txn, unless they changed meanwhile.
  for (const a of cur.also ?? []) {
    const { resourceVersion: _rv, ...meta } = a.value.metadata;
    compare.push({ key: a.key, target: "mod", result: "=", value: a.modRevision });
    // stored as the write's own object is: Go's encoding of what admission charged
    success.push({ type: "put", key: a.key, value: goEncoded({ ...a.value, metadata: meta }) });
  }
  const rng = kindIs(cur.r, "Service") ? ipAddressOps(ctx, cur, compare, success) : undefined;
  fx.send("etcd", { type: "Txn", id, compare, success, failure: [] });
  const next = stepped(ctx, copyWith(cur, { txnId: id }), ctx.cache, ctx.backlog, id + 1);
  return rng === undefined ? next : { ...next, rng };
}

/**
 * The IPAddresses of the ClusterIPs a Service write gains and loses, in its own Txn: kube-apiserver's
 * allocator creates each through its loopback client before the Service is stored and deletes it
 * again when the write fails (the REST's txn.Revert), and deletes the released ones once it
 * succeeded; one Txn leaves the same objects, at one revision. The generator after the uids drawn.
 */
function ipAddressOps(ctx: ApiServerContext, cur: InFlight, compare: Compare[], success: TxnOp[]): Rng | undefined {
  const { added, removed } = ipAddressChanges(cur.op === "delete" ? undefined : cur.obj, cur.old);
  if (added.length === 0 && removed.length === 0) return undefined;
  const r = resourceFor("networking.k8s.io", "ipaddresses")!;
  const rng = new Rng(ctx.rng.state);
  const now = rfc3339(cur.req.now);
  for (const ip of added) {
    const obj = ipAddressFor(ip, cur.obj);
    obj.metadata = { ...obj.metadata, uid: rng.uuid(), creationTimestamp: now };
    // written by kube-apiserver's own client: an Update by the manager its User-Agent names
    const managedFields = updateRecorded(r, undefined, obj, { manager: "kube-apiserver", subresource: "", now });
    if (managedFields) obj.metadata.managedFields = managedFields;
    compare.push({ key: ipAddressKey(ip), target: "version", result: "=", value: 0 });
    success.push({ type: "put", key: ipAddressKey(ip), value: goEncoded(obj) });
  }
  // Release ignores a missing IPAddress: a delete of an absent key changes nothing
  for (const ip of removed) success.push({ type: "delete", key: ipAddressKey(ip) });
  return added.length > 0 ? rng : undefined;
}

export function isTxnSucceeded(ctx: ApiServerContext, ev: { id: number; succeeded: boolean }): boolean {
  return ctx.current?.txnId === ev.id && ev.succeeded;
}

/** Answers a persisted write with the object as stored (the cache saw it before this response). */
export function replyWithObject(ctx: ApiServerContext, fx: Fx, converted?: any): ApiServerContext {
  const cur = ctx.current!;
  const allocators = !kindIs(cur.r, "Service") ? ctx.allocators
    : cur.op === "delete" ? releaseServiceAddresses(ctx.allocators, cur.old)
    : cur.op === "put" && cur.old && !cur.req.dryRun ? releaseDroppedAddresses(ctx.allocators, cur.obj, cur.old) : ctx.allocators;
  const kept = cur.op === "delete" ? cur.obj : ctx.cache.objects.get(cur.key!) ?? cur.obj;
  const stored = converted ?? (cur.r?.custom ? atServedVersion(kept, cur.r) : kept);
  const reply = cur.reply === "scale" ? scaleOf(stored, cur.r) : cur.reply ?? stored;
  if (cur.req.id >= 0) ok(fx, cur, cur.code ?? 200, reply);
  // apiextensions-apiserver's controllers (in kube-apiserver's process) see the CRD's change and write its status
  let backlog = kindIs(cur.r, "CustomResourceDefinition") && cur.op === "put" && !isCRDStatusSync(cur.req) ? ctx.backlog.push(crdStatusSync(cur.req, stored)) : ctx.backlog;
  // an instance of a CRD being deleted is gone: the finalizer controller looks again
  if (cur.r?.custom && cur.op === "delete") {
    const crd = ctx.cache.objects.get(storageKey(resourceFor("apiextensions.k8s.io", "customresourcedefinitions")!, undefined, cur.r.custom.crdName));
    if (crd?.metadata.deletionTimestamp) backlog = backlog.push(crdStatusSync(cur.req, crd));
  }
  return stepped(ctx, undefined, ctx.cache, backlog, ctx.nextEtcdId, allocators);
}

/** dryRun=All: the write went through admission and validation; it is answered with what would be
 * stored (an update keeps the current resourceVersion, a create has none) and nothing is written. */
/** A POST's body's metadata.resourceVersion, when it set one. */
function sentResourceVersion(req: Request): string | undefined {
  if (req.verb !== "create") return undefined;
  const meta = req.body !== null && typeof req.body === "object" ? getOwn(req.body, "metadata") : undefined;
  const rv = meta !== null && typeof meta === "object" ? getOwn(meta as Record<string, unknown>, "resourceVersion") : undefined;
  return typeof rv === "string" && rv !== "" ? rv : undefined;
}

export function isDryRun(ctx: ApiServerContext): boolean {
  return ctx.current?.req.dryRun === true;
}

export function replyDryRun(ctx: ApiServerContext, fx: Fx): ApiServerContext {
  const cur = ctx.current!;
  // DryRunnableStorage.Create: a name that is taken is KeyExists, as a real create would find it
  if (cur.op === "put" && !cur.old && cur.key !== undefined && ctx.cache.objects.has(cur.key)) return fail(ctx, takenName(ctx, cur.obj?.metadata?.name ?? ""), fx);
  const would = dryRunWould(cur, cur.obj);
  const reply = cur.reply === "scale" ? scaleOf(would, cur.r) : cur.reply ?? would;
  ok(fx, cur, cur.code ?? 200, reply);
  return done(ctx);
}

/** What a dry run answers with, from the object it would store: an update keeps the current resourceVersion, a create has none. */
function dryRunWould(cur: InFlight, obj: any): any {
  let would = cur.op === "put" ? encodedAs(obj, cur.r) : obj;
  if (cur.op === "put" && cur.old && would.metadata?.resourceVersion === undefined) {
    would = { ...would, metadata: { ...would.metadata, resourceVersion: cur.old.metadata.resourceVersion } };
  }
  // DryRunnableStorage.Create answers with a copy of the object it was given: no resourceVersion
  // is assigned, and one the body set (which a real create refuses or clears) is echoed
  const sent = cur.op === "put" && !cur.old ? sentResourceVersion(cur.req) : undefined;
  if (sent !== undefined) would = encodedAs({ ...would, metadata: { ...would.metadata, resourceVersion: sent } }, cur.r);
  return would;
}

/** A write that changes nothing is answered at once. */
export function replyWithoutWrite(ctx: ApiServerContext, fx: Fx): ApiServerContext {
  const cur = ctx.current!;
  if (cur.req.id >= 0) ok(fx, cur, cur.code ?? 200, cur.reply);
  return done(ctx);
}

/** True when etcd refused our Txn outright (it applied nothing). */
export function isTxnRefused(ctx: ApiServerContext, ev: { id: number; error?: string }): boolean {
  return ctx.current?.txnId === ev.id && ev.error !== undefined;
}

/**
 * An etcd error the storage layer does not translate reaches the client as ErrorToAPIStatus makes
 * it: 500, no reason (StatusReasonUnknown is ""), the error text as the message, so kubectl prints
 * "Error from server: etcdserver: request is too large".
 */
export function replyStorageError(ctx: ApiServerContext, ev: { error: string }, fx: Fx): ApiServerContext {
  // A Service's addresses allocated for this write go back (replyWithStatus), as on any failed write.
  return fail(ctx, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: ev.error, code: 500 }, fx);
}

/** The compare failed: someone wrote in between (an update's Conflict, a create's AlreadyExists). */
export function replyConflict(ctx: ApiServerContext, fx: Fx): ApiServerContext {
  const cur = ctx.current!;
  // etcd3's Create answers a taken key with KeyExists, which the registry turns into AlreadyExists.
  const name = cur.obj?.metadata?.name ?? cur.req.name ?? "";
  // A write that lost the race keeps no addresses, as the Service REST's allocation transaction reverts.
  return fail(ctx, cur.old ? S.conflict(cur.r!, name) : takenName(ctx, name), fx);
}

/**
 * A create's AlreadyExists, as store.go Create words it after reading what holds the name: "object
 * is being deleted: " before it when that object has a deletionTimestamp.
 */
function takenName(ctx: ApiServerContext, name: string): Status {
  const cur = ctx.current!;
  const st = S.alreadyExists(cur.r!, name);
  const holder = cur.key === undefined ? undefined : ctx.cache.objects.get(cur.key);
  return holder?.metadata?.deletionTimestamp ? { ...st, message: `object is being deleted: ${st.message}` } : st;
}

/** kube-apiserver's --request-timeout default: the deadline of a request that is not long-running. */
export const requestTimeoutMs = 60_000;

/** etcd's process died: its connection closed. */
export function loseEtcd(ctx: ApiServerContext): ApiServerContext {
  return { ...stepped(ctx, ctx.current), etcdGone: true };
}

/**
 * The RPC in flight when etcd died: grpc-go fails it with Unavailable as its transport closes
 * (internal/transport/http2_client.go, "error reading from server: EOF"); clientv3 does not retry a
 * write once sent, and the store returns the error as it is: ErrorToAPIStatus's 500 with its text.
 */
export function replyEtcdUnavailable(ctx: ApiServerContext, fx: Fx): ApiServerContext {
  return replyStorageError(ctx, { error: "rpc error: code = Unavailable desc = error reading from server: EOF" }, fx);
}

/**
 * A request that needs etcd while etcd is down waits (clientv3's WaitForReady) in its own goroutine
 * while others are served; a write will never be stored, so its Service allocations go back now,
 * and its deadline answers it.
 */
export function waitForEtcdUntilDeadline(ctx: ApiServerContext, fx: Fx): ApiServerContext {
  const cur = ctx.current!;
  const read = isRead(ctx) ? { read: true as const } : {};
  if (cur.req.id >= 0) fx.after(`request-deadline/${cur.req.from}/${cur.req.id}`, requestTimeoutMs, { type: "RequestDeadline", client: cur.req.from, id: cur.req.id, ...read });
  // the mutant keeps the write's Service allocations: a ClusterIP or NodePort held for a Service never stored
  return stepped(ctx, undefined, ctx.cache, ctx.backlog, ctx.nextEtcdId, mutant("apiserver.etcd-down-write-keeps-allocation") ? ctx.allocators : (cur.allocatorsBefore ?? ctx.allocators));
}

/**
 * The deadline passed while the request waited for etcd: a write's answer is finisher.go's
 * NewTimeoutError; a read has no finisher, so the timeout filter (WithTimeoutForNonLongRunningRequests)
 * answers it with its own.
 */
export function replyRequestTimeout(ctx: ApiServerContext, ev: { client: string; id: number; read?: boolean }, fx: Fx): ApiServerContext {
  const message = ev.read === true ? "Timeout: request did not complete within the allotted timeout" : "Timeout: request did not complete within requested timeout - context deadline exceeded";
  const status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "Timeout", details: {}, code: 504 };
  fx.send(ev.client, { type: "ApiResponse", id: ev.id, ok: false, code: 504, status });
  return ctx;
}

// ---- faults: what the network and the hosts do to the API server, each one a message ----------

/**
 * A client's process died (ClientGone): its connections close, so its watches end with nothing
 * sent, its queued requests are abandoned and the answer to its request in flight has nowhere to
 * go (id -1, which no client waits for). The runtime says so before the client can start again,
 * so everything this client has here belongs to the dead process.
 */
export function forgetClient(ctx: ApiServerContext, ev: { client: string }): ApiServerContext {
  const { cache } = withoutWatches(ctx.cache, (w) => w.client === ev.client);
  const next: ApiServerContext = { ...ctx, cache, backlog: ctx.backlog.filter((r) => r.from !== ev.client), parked: ctx.parked.filter((r) => r.from !== ev.client) };
  if (ctx.current?.req.from === ev.client) next.current = { ...ctx.current, req: { ...ctx.current.req, id: -1 } };
  return next;
}

/** The 410 Gone a broken watch ends with, so the informer lists again (the oldest resumable revision, the newest). */
function watchGone(c: WatchCache, w: ClientWatch, fx: Fx): void {
  fx.send(w.client, { type: "WatchEvent", watchId: w.watchId, eventType: "ERROR", object: S.gone(S.tooOldResourceVersionMessage(oldestResumable(c), c.revision)) });
}

/**
 * One client watch's stream broke (the watch-disconnect fault): `pick` in [0, 1) chooses which, in
 * registration order. The client sees the stream end without an event (CLOSED) and watches again
 * from the last resourceVersion it saw; a 410 comes only if that is gone by then.
 */
export function disconnectWatch(ctx: ApiServerContext, ev: { pick: number }, fx: Fx): ApiServerContext {
  const all = [...ctx.cache.watches.values()];
  if (all.length === 0) return ctx;
  const chosen = all[Math.min(all.length - 1, Math.max(0, Math.floor(ev.pick * all.length)))]!;
  const { cache } = withoutWatches(ctx.cache, (w) => w === chosen);
  fx.send(chosen.client, { type: "WatchEvent", watchId: chosen.watchId, eventType: "CLOSED", object: undefined });
  return { ...ctx, cache };
}

/** Every watch of one client broke (a partition between it and the API server healed): each ends with 410 Gone. */
export function disconnectClientWatches(ctx: ApiServerContext, ev: { client: string }, fx: Fx): ApiServerContext {
  const { cache, dropped } = withoutWatches(ctx.cache, (w) => w.client === ev.client);
  for (const w of dropped) watchGone(cache, w, fx);
  return dropped.length === 0 ? ctx : { ...ctx, cache };
}

/**
 * The compaction fault: etcd is compacted now, at the revision the cache has seen (never past the
 * API server's own etcd watch), and the watch cache keeps only its newest `keep` history entries,
 * so older resourceVersions are gone (a watch from one gets 410).
 */
export function slideWatchCache(ctx: ApiServerContext, ev: { keep: number }, fx: Fx): ApiServerContext {
  fx.send("etcd", { type: "Compact", id: ctx.nextEtcdId, revision: ctx.cache.revision });
  return { ...ctx, nextEtcdId: ctx.nextEtcdId + 1, cache: slideHistory(ctx.cache, ev.keep) };
}

/** Applies etcd watch events to the cache and fans them out. */
export function applyWatch(ctx: ApiServerContext, ev: { events: any[]; canceled?: boolean }, fx: Fx): ApiServerContext {
  const converting = ctx.watchConversions;
  if (converting === undefined || converting.size === 0) {
    const cache = applyEtcdEvents(ctx.cache, ev.events, fx);
    return cache === ctx.cache ? ctx : stepped(ctx, ctx.current, cache);
  }
  // the events of watches the webhook converts go to their queues; the rest out as they are, in order
  const out = new Fx();
  const cache = applyEtcdEvents(ctx.cache, ev.events, out);
  const diverted = new Map<string, { eventType: WatchEventType; object: any }[]>();
  for (const { to, msg } of out.sends) {
    const key = msg.type === "WatchEvent" ? `${to}#${msg.watchId}` : "";
    if (!converting.has(key)) {
      fx.send(to, msg);
      continue;
    }
    const list = diverted.get(key) ?? [];
    list.push({ eventType: msg.eventType, object: msg.object });
    diverted.set(key, list);
  }
  let next = stepped(ctx, ctx.current, cache);
  for (const [key, events] of diverted) next = queueWatchEvents(next, key, events, fx);
  return forgetEndedWatchConversions(next);
}

export { qualifiedResource, withResourceVersion };

function isPlainObject(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof NumberLiteral);
}

// ---- admission webhooks -------------------------------------------------------------------

// Subresources whose bodies are other kinds (Binding, Eviction, Scale, TokenRequest) or that skip admission here: no webhook sees them.
const webhookSkippedSubresources: ReadonlySet<string> = new Set(["binding", "eviction", "scale", "token", "finalize"]);

/** The attributes a webhook is told, or undefined when no webhook is asked about this request. */
function webhookAttributes(cur: InFlight): WebhookAttributes | undefined {
  const { req, r } = cur;
  if (r !== undefined && !req.authorizeOnly && !req.nonResource && isConnectRequest(req)) return connectAttributes(cur, r);
  if (cur.error || cur.noop || r === undefined || req.verb === "deletecollection" || webhookSkippedSubresources.has(req.subresource ?? "")) return undefined;
  if (isExemptFromWebhooks(r.group, r.kind)) return undefined;
  const deleting = req.verb === "delete";
  if (!deleting && (cur.op !== "put" || !cur.obj)) return undefined;
  const operation = deleting ? "DELETE" : cur.old && !cur.createOnUpdate ? "UPDATE" : "CREATE";
  const options = deleting
    ? { kind: "DeleteOptions", apiVersion: "meta.k8s.io/v1", ...(req.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: req.gracePeriodSeconds } : {}), ...(req.propagationPolicy ? { propagationPolicy: req.propagationPolicy } : {}), ...(req.dryRun ? { dryRun: ["All"] } : {}) }
    : { kind: operation === "CREATE" ? "CreateOptions" : "UpdateOptions", apiVersion: "meta.k8s.io/v1", ...(req.dryRun ? { dryRun: ["All"] } : {}), ...(req.fieldManager ? { fieldManager: req.fieldManager } : {}) };
  return {
    operation, group: r.group, version: req.version ?? r.version, resource: r.resource, subresource: req.subresource ?? "", kind: r.kind,
    name: req.name ?? cur.obj?.metadata?.name ?? "", namespace: req.namespace ?? "",
    ...(deleting ? {} : { object: cur.obj }), ...(cur.old ? { oldObject: cur.old } : {}), options,
    dryRun: req.dryRun === true, user: cur.user,
  };
}

// ConnectResource's attributes: the connect options as the object (kind the subresource's options), no old object, no options
const connectOptionKinds = new Map([["exec", "PodExecOptions"], ["attach", "PodAttachOptions"], ["portforward", "PodPortForwardOptions"]]);

function connectAttributes(cur: InFlight, r: ResourceInfo): WebhookAttributes {
  const { req } = cur;
  const kind = connectOptionKinds.get(req.subresource ?? "") ?? "";
  const body = req.body !== null && typeof req.body === "object" ? req.body : {};
  return {
    operation: "CONNECT", group: r.group, version: r.version, resource: r.resource, subresource: req.subresource ?? "", kind,
    name: req.name ?? "", namespace: req.namespace ?? "", object: { kind, apiVersion: "v1", ...body }, dryRun: false, user: cur.user,
  };
}

/** The CEL authorizer's checks, answered by the API server's authorizer for the request's user (or the service account a check names). */
function celAuthorize(ctx: ApiServerContext, user: UserInfo): CelAuthorizerCheck {
  return (c) => {
    const who: UserInfo = c.serviceAccount === undefined ? user : { name: `system:serviceaccount:${c.serviceAccount.namespace}:${c.serviceAccount.name}`, groups: ["system:serviceaccounts", `system:serviceaccounts:${c.serviceAccount.namespace}`] };
    const resourceRequest = c.path === undefined;
    const d = authorizeAttributes({ user: who, verb: c.verb, resourceRequest, apiGroup: c.group, resource: c.resource, subresource: c.subresource, namespace: c.namespace, name: c.name, path: c.path ?? "", fieldSelector: [] }, nodeGraph(ctx));
    return { allowed: d.allowed, reason: d.reason };
  };
}

/** A webhook's matchConditions, evaluated with the request's objects and the CEL authorizer. */
function webhookConditions(ctx: ApiServerContext, attrs: WebhookAttributes, user: UserInfo): (hook: any) => MatchResult {
  return (hook) => matchConditions(hook.matchConditions, hook.failurePolicy ?? "Fail", { params: false, authorizer: true }, () => admissionActivation(attrs, { authorizer: celAuthorize(ctx, user) }));
}

/** The store of a policy's paramKind: a built-in kind at its apiVersion, or a custom one a CRD serves. */
function paramSourceOf(ctx: ApiServerContext, apiVersion: string, kind: string): ParamSource | undefined {
  const r = resourceForKindIn(ctx.cache, kind, apiVersion);
  if (r === undefined || (!r.custom && apiVersionOf(r) !== apiVersion)) return undefined;
  return {
    namespaced: r.namespaced,
    list: (ns) => [...candidates(ctx.cache, r)].filter((o) => !r.namespaced || o.metadata?.namespace === ns).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0)),
  };
}

/**
 * The ValidatingAdmissionPolicy plugin, in the validating phase before the validating webhooks:
 * its refusal ends the request, its warnings join the response's. Audit annotations have no audit
 * log to go to in podflow.
 */
export function runValidatingAdmissionPolicies(ctx: ApiServerContext): ApiServerContext {
  const cur = ctx.current;
  if (cur === undefined || cur.error || cur.noop || (ctx.cache.byKind.get("ValidatingAdmissionPolicyBinding")?.size ?? 0) === 0) return ctx;
  const attrs = webhookAttributes(cur);
  if (attrs === undefined) return ctx;
  const verdict = dispatchPolicies(attrs, {
    policies: ctx.cache.byKind.get("ValidatingAdmissionPolicy")?.values() ?? [],
    bindings: ctx.cache.byKind.get("ValidatingAdmissionPolicyBinding")?.values() ?? [],
    namespace: (name) => namespaceObject(ctx, name),
    paramSource: (apiVersion, kind) => paramSourceOf(ctx, apiVersion, kind),
    authorize: celAuthorize(ctx, cur.user),
  });
  if (verdict.error === undefined && verdict.warnings.length === 0) return ctx;
  return stepped(ctx, { ...cur, ...(verdict.error ? { error: verdict.error } : {}), ...(verdict.warnings.length > 0 ? { warnings: [...(cur.warnings ?? []), ...verdict.warnings] } : {}) });
}

const webhookConfigKind = (mutating: boolean) => (mutating ? "MutatingWebhookConfiguration" : "ValidatingWebhookConfiguration");

/** True when a webhook phase has configurations to consider for the request in flight (none: the pipeline runs as without webhooks). */
export function hasWebhooks(ctx: ApiServerContext, mutating: boolean): boolean {
  const cur = ctx.current;
  if (cur === undefined || (ctx.cache.byKind.get(webhookConfigKind(mutating))?.size ?? 0) === 0) return false;
  return webhookAttributes(cur) !== undefined;
}

/** True while a webhook's answer is awaited. */
export function isAwaitingWebhook(ctx: ApiServerContext): boolean {
  return ctx.current?.webhooks?.call !== undefined;
}

/** True when the runtime's answer is for the call in flight. */
export function isOurWebhookAnswer(ctx: ApiServerContext, ev: { id: number }): boolean {
  return ctx.current?.webhooks?.call?.id === ev.id;
}

/** The first ready address of a Service's EndpointSlices, host:port, where its ClusterIP would send a connection. */
function serviceEndpoint(ctx: ApiServerContext, ns: string, name: string): string | undefined {
  for (const slice of inNamespace(ctx, "EndpointSlice", ns)) {
    if (slice.metadata?.labels?.["kubernetes.io/service-name"] !== name) continue;
    const port = slice.ports?.[0]?.port;
    const ep = (slice.endpoints ?? []).find((e: any) => e.conditions?.ready !== false && e.addresses?.length > 0);
    if (ep !== undefined && typeof port === "number") return ep.addresses[0].includes(":") ? `[${ep.addresses[0]}]:${port}` : `${ep.addresses[0]}:${port}`;
  }
  return undefined;
}

/**
 * The dispatchers' loop, one webhook at a time: the next webhook whose selectors and rules match the
 * request as it stands is called (a dry run refused first by one with side effects); when none is
 * left the phase ends. Mutating webhooks are called in order; the validating ones, which Kubernetes
 * calls in parallel, are called in the same order one after another.
 */
export function callNextWebhook(ctx: ApiServerContext, mutating: boolean, fx: Fx): ApiServerContext {
  const prior = ctx.current!;
  if (prior.error) return ctx;
  const attrs = webhookAttributes(prior);
  if (attrs === undefined) return stepped(ctx, { ...prior, webhooks: undefined });
  const phase: WebhookPhase = prior.webhooks?.mutating === mutating
    ? prior.webhooks
    : { mutating, hooks: webhooksOf(ctx.cache.byKind.get(webhookConfigKind(mutating))?.values() ?? []), next: 0 };
  const nsLabels = (ns: string) => {
    const o = lookupStored(ctx, "namespaces", undefined, ns);
    return o === undefined ? undefined : (o.metadata?.labels ?? {});
  };
  for (let i = phase.next; i < phase.hooks.length; i++) {
    const hook = phase.hooks[i]!.hook;
    const matched = shouldCallHook(hook, attrs, nsLabels, webhookConditions(ctx, attrs, prior.user));
    if (matched === false) continue;
    // the second round calls only those marked for it: never a webhook for the first time
    if (phase.round === 1 && !(phase.reinvoke ?? []).includes(i)) continue;
    if (matched !== true) return stepped(ctx, { ...prior, webhooks: undefined, error: matched.error });
    const refusal = attrs.dryRun ? dryRunRefusal(hook) : undefined;
    if (refusal !== undefined) return stepped(ctx, { ...prior, webhooks: undefined, error: refusal });
    const rng = new Rng(ctx.rng.state);
    const uid = rng.uuid();
    const id = ctx.nextEtcdId;
    const target = webhookTarget(hook, (ns, name) => lookupStored(ctx, "services", ns, name), (ns, name) => serviceEndpoint(ctx, ns, name));
    fx.send("admission-webhooks", {
      type: "CallWebhook", id, webhook: hook.name, target, timeoutMs: (hook.timeoutSeconds ?? 10) * 1000,
      ...(typeof hook.clientConfig?.caBundle === "string" ? { caBundle: hook.clientConfig.caBundle } : {}),
      review: admissionReview(uid, attrs),
    });
    return { ...ctx, rng, nextEtcdId: id + 1, current: { ...prior, webhooks: { ...phase, next: i + 1, call: { id, uid, hook, index: i } } } };
  }
  // a first round that changed the object is kept for the second (needsReinvocation)
  if (phase.mutating && phase.round !== 1 && phase.shouldReinvoke === true) return stepped(ctx, { ...prior, webhooks: { ...phase, next: phase.hooks.length } });
  return stepped(ctx, phase.mutating && phase.dirty ? afterMutation(prior) : { ...prior, webhooks: undefined });
}

/** The mutating webhooks' first round changed the object: the mutating chain runs once more. */
export function needsReinvocation(ctx: ApiServerContext): boolean {
  const phase = ctx.current?.webhooks;
  return phase !== undefined && phase.mutating && phase.round !== 1 && phase.shouldReinvoke === true && phase.call === undefined;
}

/**
 * admission.reinvoker: a mutating webhook changed the object, so the whole mutating chain runs a
 * second time, the in-tree plugins first (a sidecar a webhook added gets the service account token
 * mount and LimitRanger's defaults), then the IfNeeded webhooks called before a later change; when
 * the in-tree plugins change the object, every IfNeeded webhook called since the last change too.
 */
export function reinvokeMutatingAdmission(ctx: ApiServerContext): ApiServerContext {
  const cur = ctx.current!;
  const phase = cur.webhooks!;
  let obj = cur.obj;
  let refusal: string | undefined;
  if (!cur.r?.custom && obj !== undefined) {
    const report: PluginReport = {};
    const actx = pluginContext(ctx, cur, report);
    obj = admitDefaulted(defaulted(cur.obj), actx);
    refusal = report.refusal ?? admissionRefusal(obj, actx);
  }
  if (refusal !== undefined) return stepped(ctx, { ...cur, webhooks: undefined, error: S.forbiddenStatus(cur.r!, obj?.metadata?.name ?? cur.req.name ?? "", refusal) });
  // the mutant ignores what the in-tree plugins changed: the IfNeeded webhooks never see it
  const changedInTree = !semanticEqual(cur.obj, obj) && !mutant("apiserver.reinvoke-ignores-in-tree-change");
  const reinvoke = changedInTree ? [...(phase.reinvoke ?? []), ...(phase.previouslyInvoked ?? [])] : (phase.reinvoke ?? []);
  return stepped(ctx, { ...cur, obj, decoded: undefined, webhooks: { ...phase, round: 1, next: 0, reinvoke, previouslyInvoked: changedInTree ? [] : (phase.previouslyInvoked ?? []) } });
}

/**
 * The store's checks of an object the mutating webhooks changed, made once all of them ran
 * (the dispatcher's conversion to the internal type, then registry/rest create.go BeforeCreate or
 * update.go BeforeUpdate): its namespace must be the request's; a POST's key is the patched
 * object's name (store.go create takes ObjectNameFunc then).
 */
function afterMutation(prior: InFlight): InFlight {
  const done: InFlight = { ...prior, webhooks: undefined };
  const r = prior.r;
  if (r === undefined || prior.obj === undefined || prior.op !== "put") return done;
  const kindError = mutatedKindError(r, prior.obj);
  if (kindError) return { ...done, error: kindError.status };
  const placed = mutatedNamespace(r, prior.req.namespace, prior.obj);
  if ("error" in placed) return { ...done, error: placed.error };
  const obj = placed.obj;
  const name = typeof obj.metadata?.name === "string" ? obj.metadata.name : "";
  const key = prior.req.verb === "create" && prior.old === undefined ? storageKey(r, obj.metadata?.namespace, name) : prior.key;
  return { ...done, obj, ...(key !== undefined ? { key } : {}) };
}

/** A webhook answered (or the runtime could not reach it): its patch, warnings or refusal join the request. */
export function applyWebhookAnswer(ctx: ApiServerContext, ev: { id: number } & WebhookOutcome): ApiServerContext {
  const cur = ctx.current!;
  const phase = cur.webhooks!;
  const { hook, uid } = phase.call!;
  const outcome: WebhookOutcome = "error" in ev && typeof ev.error === "string" ? { error: ev.error } : { body: (ev as { body?: unknown }).body, status: (ev as { status?: number }).status ?? 200 };
  const connect = cur.obj === undefined && isConnectRequest(cur.req);
  // a connect's object is its options: a patch applies to them, and the stream never reads them again
  const target = connect ? webhookAttributes(cur)?.object : cur.req.verb === "delete" ? undefined : cur.obj;
  const verdict = judgeWebhookAnswer(hook, uid, phase.mutating, target, outcome, (o) => defaulted(o));
  // reinvocation.go: a change marks every IfNeeded webhook called before it; this one joins them after
  const changed = phase.mutating && !connect && verdict.obj !== undefined && !semanticEqual(target, verdict.obj);
  const invoked = changed ? [] : (phase.previouslyInvoked ?? []);
  const marked: WebhookPhase = !phase.mutating ? phase : {
    ...phase,
    ...(changed ? { shouldReinvoke: true, reinvoke: [...new Set([...(phase.reinvoke ?? []), ...(phase.previouslyInvoked ?? [])])] } : {}),
    // the mutant marks every webhook for a second call, reinvocationPolicy Never ones too
    previouslyInvoked: hook.reinvocationPolicy === "IfNeeded" || mutant("apiserver.reinvokes-never-webhook") ? [...invoked, phase.call!.index] : invoked,
  };
  const next: InFlight = { ...cur, webhooks: { ...marked, call: undefined } };
  if (verdict.warnings) next.warnings = [...(cur.warnings ?? []), ...verdict.warnings];
  if (verdict.error) next.error = verdict.error;
  if (verdict.obj !== undefined && !connect) {
    const kindError = cur.r !== undefined ? mutatedKindError(cur.r, verdict.obj) : undefined;
    if (kindError?.at === "decode") next.error = kindError.status;
    next.obj = verdict.obj;
    next.decoded = undefined;
    next.webhooks = { ...next.webhooks!, dirty: true };
  }
  return stepped(ctx, next);
}

// ---- conversion webhooks --------------------------------------------------------------------

/** The apiVersion a custom resource's CRD stores it at. */
function storageApiVersion(r: ResourceInfo): string {
  return `${r.group}/${r.custom?.storageVersion ?? r.version}`;
}

/**
 * webhookConverter.Convert's post: the ConversionReview of `objects` to `desired` goes to the CRD's
 * webhook through the runtime (the rest client's default 30s bounds it, as the URL's timeout says).
 */
function startConversion(ctx: ApiServerContext, objects: readonly any[], desired: string, label: string, isList: boolean, pending: Omit<PendingConversion, "call">, fx: Fx): ApiServerContext {
  const cur = ctx.current!;
  const posted = postConversion(ctx, cur.r!, objects, desired, label, isList, fx);
  if ("error" in posted) return stepped(ctx, { ...cur, error: plainError(posted.error) });
  return { ...posted.next, current: { ...cur, conversion: { ...pending, call: posted.call } } };
}

/** The ConversionReview posted to r's CRD's webhook: the context with its uid drawn and its id taken, and the call to judge the answer by. */
function postConversion(ctx: ApiServerContext, r: ResourceInfo, objects: readonly any[], desired: string, label: string, isList: boolean, fx: Fx): { next: ApiServerContext; call: ConversionCall } | { error: string } {
  const webhook = r.custom?.webhook ?? { clientConfig: {}, conversionReviewVersions: [] };
  const review = reviewVersionOf(webhook.conversionReviewVersions);
  if (review === undefined) return { error: noSupportedReviewVersions };
  const rng = new Rng(ctx.rng.state);
  const uid = rng.uuid();
  const id = ctx.nextEtcdId;
  const clientConfig = webhook.clientConfig ?? {};
  const target = webhookTarget({ clientConfig, timeoutSeconds: 30 }, (ns, name) => lookupStored(ctx, "services", ns, name), (ns, name) => serviceEndpoint(ctx, ns, name));
  fx.send("admission-webhooks", {
    type: "CallWebhook", id, webhook: `conversion_webhook_for_${r.custom?.crdName ?? ""}`, target, timeoutMs: 30_000,
    ...(typeof clientConfig.caBundle === "string" ? { caBundle: clientConfig.caBundle } : {}),
    review: conversionReview(review, uid, desired, objects),
  });
  const call: ConversionCall = { id, uid, review, label, desiredAPIVersion: desired, objects, isList };
  return { next: { ...ctx, rng, nextEtcdId: id + 1 }, call };
}

// ---- watches converted by webhook ---------------------------------------------------------------
// Each event's object reaches the watch's version through the webhook, one call at a time and in
// order, while the machine serves everything else (the call is not the request in flight). A failed
// conversion ends the watch with no event, as watch.go's HandleHTTP does when its encoder fails
// (utilruntime.HandleError, then return: the client sees the stream end).

/** The context with the watch's conversion entry holding these events (the first ones it is sent). */
function watchConverted(ctx: ApiServerContext, w: ClientWatch, events: readonly { eventType: WatchEventType; object: any }[], fx: Fx): ApiServerContext {
  const key = watchKey(w);
  const map = new Map(ctx.watchConversions ?? []);
  // a watch id reused replaces the watch: what the earlier one still awaited is dropped
  map.set(key, { client: w.client, watchId: w.watchId, r: w.r, queue: [] });
  return queueWatchEvents({ ...ctx, watchConversions: map }, key, events, fx);
}

function withWatchConversion(ctx: ApiServerContext, key: string, entry: WatchConversion | undefined): ApiServerContext {
  const map = new Map(ctx.watchConversions ?? []);
  if (entry === undefined) map.delete(key);
  else map.set(key, entry);
  return { ...ctx, watchConversions: map };
}

/** Events for a converted watch join its queue behind those already waiting. */
function queueWatchEvents(ctx: ApiServerContext, key: string, events: readonly { eventType: WatchEventType; object: any }[], fx: Fx): ApiServerContext {
  const entry = ctx.watchConversions?.get(key);
  if (entry === undefined || events.length === 0) return ctx;
  return pumpWatchConversion(withWatchConversion(ctx, key, { ...entry, queue: [...entry.queue, ...events] }), key, fx);
}

/** With no call out: the queue's events already at the watch's version are sent, and the first that is not goes to the webhook. */
function pumpWatchConversion(ctx: ApiServerContext, key: string, fx: Fx): ApiServerContext {
  const entry = ctx.watchConversions?.get(key);
  if (entry === undefined || entry.call !== undefined) return ctx;
  const { r } = entry;
  const desired = apiVersionOf(r);
  let i = 0;
  for (; i < entry.queue.length; i++) {
    const ev = entry.queue[i]!;
    if (needsWebhook(r, ev.object?.apiVersion, desired)) break;
    fx.send(entry.client, { type: "WatchEvent", watchId: entry.watchId, eventType: ev.eventType, object: atServedVersion(ev.object, r) });
  }
  const queue = entry.queue.slice(i);
  if (queue.length === 0) return withWatchConversion(ctx, key, { ...entry, queue });
  const obj = queue[0]!.object;
  const posted = postConversion(ctx, r, [obj], desired, gvkString(String(obj.apiVersion), String(obj.kind)), false, fx);
  if ("error" in posted) return endConvertedWatch(ctx, key, fx);
  return withWatchConversion(posted.next, key, { ...entry, queue, call: posted.call });
}

/** The watch ends: its stream closes with no event, and nothing it awaited is sent. */
function endConvertedWatch(ctx: ApiServerContext, key: string, fx: Fx): ApiServerContext {
  const entry = ctx.watchConversions?.get(key);
  const next = withWatchConversion(ctx, key, undefined);
  if (entry === undefined || !ctx.cache.watches.has(key)) return next;
  fx.send(entry.client, { type: "WatchEvent", watchId: entry.watchId, eventType: "CLOSED", object: undefined });
  return stepped(next, next.current, removeWatch(next.cache, entry.client, entry.watchId));
}

/** Entries of watches that ended (closed by their client, gone with it) and await nothing are dropped. */
function forgetEndedWatchConversions(ctx: ApiServerContext): ApiServerContext {
  const map = ctx.watchConversions;
  if (map === undefined) return ctx;
  let next = ctx;
  for (const [key, entry] of map) if (entry.call === undefined && !ctx.cache.watches.has(key)) next = withWatchConversion(next, key, undefined);
  return next;
}

function watchConversionKeyOf(ctx: ApiServerContext, id: number): string | undefined {
  for (const [key, entry] of ctx.watchConversions ?? []) if (entry.call?.id === id) return key;
  return undefined;
}

/** True when the runtime's answer is for a watch event's conversion. */
export function isWatchConversionAnswer(ctx: ApiServerContext, ev: { id: number }): boolean {
  return watchConversionKeyOf(ctx, ev.id) !== undefined;
}

/** The converted event is sent (decoded at the watch's version: pruned, defaulted) and the queue moves on; a failure ends the watch. */
export function finishWatchConversion(ctx: ApiServerContext, ev: WebhookAnswered, fx: Fx): ApiServerContext {
  const key = watchConversionKeyOf(ctx, ev.id)!;
  const entry = ctx.watchConversions!.get(key)!;
  if (!ctx.cache.watches.has(key)) return withWatchConversion(ctx, key, undefined);
  const verdict = judgeConversion(entry.call!, conversionOutcome(ev));
  if ("error" in verdict) return endConvertedWatch(ctx, key, fx);
  const [head, ...rest] = entry.queue;
  fx.send(entry.client, { type: "WatchEvent", watchId: entry.watchId, eventType: head!.eventType, object: decodedCustomResource(verdict.objects[0], entry.r) });
  return pumpWatchConversion(withWatchConversion(ctx, key, { client: entry.client, watchId: entry.watchId, r: entry.r, queue: rest }), key, fx);
}

/** A get or list whose objects the webhook converts: called now, answered when it answers (a read beside the one in flight waits its turn). */
function readConversion(ctx: ApiServerContext, objects: readonly any[], label: string, isList: boolean, purpose: "get" | "list", fx: Fx, list?: Pick<PendingConversion, "page" | "metadata" | "window">): ApiServerContext {
  const cur = ctx.current!;
  if (cur.aside) return stepped(ctx, { ...cur, deferred: true });
  const next = startConversion(ctx, objects, apiVersionOf(cur.r!), label, isList, { purpose, ...list }, fx);
  return next.current?.error !== undefined ? replyWithStatus(next, fx) : next;
}

/** True while a conversion webhook's answer is awaited. */
export function isAwaitingConversion(ctx: ApiServerContext): boolean {
  return ctx.current?.conversion !== undefined;
}

/** True when the runtime's answer is for the conversion in flight. */
export function isOurConversionAnswer(ctx: ApiServerContext, ev: { id: number }): boolean {
  return ctx.current?.conversion?.call.id === ev.id;
}

function conversionOutcome(ev: WebhookAnswered): WebhookOutcome {
  return "error" in ev && typeof ev.error === "string" ? { error: ev.error } : { body: (ev as { body?: unknown }).body, status: (ev as { status?: number }).status ?? 200 };
}

/** The converter's error reaches the client as ErrorToAPIStatus makes it: 500, no reason, its text. */
export function finishReadConversion(ctx: ApiServerContext, ev: WebhookAnswered, fx: Fx): ApiServerContext {
  const cur = ctx.current!;
  const conv = cur.conversion!;
  const verdict = judgeConversion(conv.call, conversionOutcome(ev));
  if ("error" in verdict) return fail(ctx, plainError(verdict.error), fx);
  const r = cur.r!;
  if (conv.purpose === "get") {
    const obj = decodedCustomResource(verdict.objects[0], r);
    ok(fx, cur, 200, cur.req.subresource === "scale" ? scaleOf(obj, r) : obj);
    return done(ctx);
  }
  // the converted items take the places of those sent, in order
  let k = 0;
  const items = (conv.page ?? []).map((o) => decodedCustomResource(needsWebhook(r, o.apiVersion, conv.call.desiredAPIVersion) ? verdict.objects[k++] : o, r));
  if (conv.window !== undefined) {
    const { page, metadata } = listWindow(r, cur.req, items.filter((o) => matches(conv.window!.scope, o)), conv.window);
    ok(fx, cur, 200, { kind: listKindOf(r), apiVersion: storedApiVersion(r), metadata, items: page });
    return done(ctx);
  }
  ok(fx, cur, 200, { kind: listKindOf(r), apiVersion: storedApiVersion(r), metadata: conv.metadata, items });
  return done(ctx);
}

/** A custom resource written at a version other than its CRD's storage version: the webhook converts it before it is stored. */
export function needsStorageConversion(ctx: ApiServerContext): boolean {
  const cur = ctx.current;
  // a dry run too: DryRunnableStorage's copyInto encodes it with the storage codec and decodes it back
  return cur !== undefined && !cur.error && !cur.noop && cur.op === "put" && cur.obj !== undefined && cur.storageForm === undefined
    && needsWebhook(cur.r, cur.obj.apiVersion, storageApiVersion(cur.r!));
}

/** The storage codec's encode: the object as it would be stored (no resourceVersion, no selfLink) goes to the webhook. */
export function startStorageConversion(ctx: ApiServerContext, fx: Fx): ApiServerContext {
  const cur = ctx.current!;
  // DryRunnableStorage.Create finds a taken name before copyInto encodes anything
  if (cur.req.dryRun && !cur.old && cur.key !== undefined && ctx.cache.objects.has(cur.key)) return stepped(ctx, { ...cur, error: takenName(ctx, cur.obj?.metadata?.name ?? "") });
  const { resourceVersion: _rv, selfLink: _sl, ...meta } = cur.obj.metadata ?? {};
  const obj = { ...cur.obj, metadata: meta };
  return startConversion(ctx, [obj], storageApiVersion(cur.r!), gvkString(String(obj.apiVersion), String(obj.kind)), false, { purpose: "store" }, fx);
}

/** The webhook's answer: the object at the storage version (encodeForStorage then stores it), or the write fails with the converter's error. */
export function applyStorageConversion(ctx: ApiServerContext, ev: WebhookAnswered): ApiServerContext {
  const cur = ctx.current!;
  const verdict = judgeConversion(cur.conversion!.call, conversionOutcome(ev));
  if ("error" in verdict) return stepped(ctx, { ...cur, conversion: undefined, error: plainError(verdict.error) });
  return stepped(ctx, { ...cur, conversion: undefined, storageForm: verdict.objects[0] });
}

/** The stored object a persisted write answers with, when the webhook must bring it to the request's version. */
export function isTxnSucceededNeedingConversion(ctx: ApiServerContext, ev: { id: number; succeeded: boolean }): boolean {
  const cur = ctx.current;
  if (cur === undefined || !isTxnSucceeded(ctx, ev) || cur.op !== "put" || (cur.reply !== undefined && cur.reply !== "scale") || !cur.r?.custom) return false;
  const kept = ctx.cache.objects.get(cur.key!) ?? cur.obj;
  return needsWebhook(cur.r, kept?.apiVersion, apiVersionOf(cur.r));
}

/** The handler's transformObject: the stored object goes to the webhook to reach the request's version. */
export function startReplyConversion(ctx: ApiServerContext, fx: Fx): ApiServerContext {
  const cur = ctx.current!;
  // a dry run's copyInto decodes what it encoded: the storage form, as the dry run answers it
  const kept = cur.req.dryRun ? dryRunWould(cur, cur.storageForm) : (ctx.cache.objects.get(cur.key!) ?? cur.obj);
  return startConversion(ctx, [kept], apiVersionOf(cur.r!), gvkString(String(kept.apiVersion), String(kept.kind)), false, { purpose: "reply" }, fx);
}

/** The written object answered at the request's version; a failed conversion answers the converter's error though the write stands. */
export function finishReplyConversion(ctx: ApiServerContext, ev: WebhookAnswered, fx: Fx): ApiServerContext {
  const cur = ctx.current!;
  const verdict = judgeConversion(cur.conversion!.call, conversionOutcome(ev));
  if ("error" in verdict) return fail(ctx, plainError(verdict.error), fx);
  if (cur.req.dryRun) {
    ok(fx, cur, cur.code ?? 200, cur.reply === "scale" ? scaleOf(verdict.objects[0], cur.r) : (cur.reply ?? verdict.objects[0]));
    return done(ctx);
  }
  return replyWithObject(stepped(ctx, { ...cur, conversion: undefined }), fx, verdict.objects[0]);
}

/** The stored object an update, patch or delete at another version acts on, when the CRD's webhook must convert it first (the patcher's and the store's decode). */
function storedToConvert(ctx: ApiServerContext): any | undefined {
  const cur = ctx.current;
  if (cur === undefined || cur.error || cur.oldForm !== undefined || !cur.r?.custom) return undefined;
  const { req, r } = cur;
  // ScaleREST reads and updates the custom resource through its version's store: the scale subresource converts as the object does
  if (req.verb === "create" || req.verb === "deletecollection" || req.name === undefined) return undefined;
  if (nameParameterError(req.name) ?? keyError(r, req.namespace, req.name)) return undefined;
  const stored = ctx.cache.objects.get(storageKey(r, req.namespace, req.name));
  return stored !== undefined && needsWebhook(r, stored.apiVersion, apiVersionOf(r)) ? stored : undefined;
}

export function needsOldConversion(ctx: ApiServerContext): boolean {
  return storedToConvert(ctx) !== undefined;
}

export function startOldConversion(ctx: ApiServerContext, fx: Fx): ApiServerContext {
  const stored = storedToConvert(ctx)!;
  return startConversion(ctx, [stored], apiVersionOf(ctx.current!.r!), gvkString(String(stored.apiVersion), String(stored.kind)), false, { purpose: "old" }, fx);
}

/** The stored object at the request's version (prepare then acts on it), or the request fails with the converter's error. */
export function applyOldConversion(ctx: ApiServerContext, ev: WebhookAnswered): ApiServerContext {
  const cur = ctx.current!;
  const verdict = judgeConversion(cur.conversion!.call, conversionOutcome(ev));
  if ("error" in verdict) return stepped(ctx, { ...cur, conversion: undefined, error: plainError(verdict.error) });
  return stepped(ctx, { ...cur, conversion: undefined, oldForm: verdict.objects[0] });
}
