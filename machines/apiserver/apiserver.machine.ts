// kube-apiserver: every request walks the same pipeline, one stage a state —
// authentication, authorization, mutating admission (then the mutating webhooks, called through the
// runtime), validation (then the validating webhooks), persistence in etcd, reply —
// while etcd's watch stream feeds the watch cache and fans out to client watches.

import { setup } from "xstate";
import { valueStepOf } from "../common/step.js";
import type { ApiRequest, EtcdResponse, LegacyTokenSigned, Stamp, TokenSigned, WebhookAnswered } from "../messages.js";
import * as L from "./apiserver.logic.js";
import type { ApiServerContext, ApiServerInput } from "./apiserver.logic.js";

export type ApiServerEvent =
  | ((ApiRequest | EtcdResponse) & Stamp)
  | ({ type: "CompactionDue" } & Stamp)
  | ({ type: "ClientGone"; client: string } & Stamp)
  | ({ type: "EtcdGone" } & Stamp)
  | ({ type: "RequestDeadline"; client: string; id: number; read?: boolean } & Stamp)
  | ({ type: "DisconnectWatch"; pick: number } & Stamp)
  | ({ type: "DisconnectClientWatches"; client: string } & Stamp)
  | ({ type: "SlideWatchCache"; keep: number } & Stamp)
  | ({ type: "InternalError"; message: string; during: string } & Stamp)
  | ({ type: "ServiceAccountLookupDue"; parkId: number } & Stamp)
  | (TokenSigned & Stamp)
  | (LegacyTokenSigned & Stamp)
  | (WebhookAnswered & Stamp);

// Value steps: each returns the next context and leaves the one it was given as it was. Every action
// is one, so that when an action throws the runtime resumes from the context the last one returned.
const step = valueStepOf<ApiServerContext>();

const waitingForEtcd = "etcd is down: the write waits for a connection that does not come, while other requests are served, until its deadline (--request-timeout) ends it with 504";
const etcdGoneInFlight = "etcd died with this request's RPC in flight: gRPC fails it (Unavailable), and the API server passes the error on as a 500";
// Every wait on a webhook (admission or conversion) answers reads meanwhile.
const whileWebhookIsOut = {
  ApiRequest: { actions: "receiveRequestBesideWebhook", description: "while the webhook is out, reads (from the watch cache) and the front end's checks are answered at once, so a webhook may read the cluster; writes queue" },
} as const;

export const apiServerMachine = setup({
  types: {
    context: {} as ApiServerContext,
    events: {} as ApiServerEvent,
    input: {} as ApiServerInput,
  },
  guards: {
    hasBacklog: ({ context }) => context.backlog.size > 0,
    hasFailed: ({ context }) => context.current?.error !== undefined,
    isRead: ({ context }) => L.isRead(context),
    isConnect: ({ context }) => L.isConnect(context),
    isAggregated: ({ context }) => L.isAggregated(context),
    isNoop: ({ context }) => context.current?.noop === true,
    isAwaitingServiceAccount: ({ context }) => L.isAwaitingServiceAccount(context),
    isDryRun: ({ context }) => L.isDryRun(context),
    isUnchangedByWrite: ({ context }) => L.isUnchangedByWrite(context),
    needsEventLease: ({ context }) => L.needsEventLease(context),
    isTxnSucceeded: ({ context, event }) => L.isTxnSucceeded(context, event as { id: number; succeeded: boolean }),
    isOurTxn: ({ context, event }) => context.current?.txnId === (event as { id: number }).id,
    isTxnRefused: ({ context, event }) => L.isTxnRefused(context, event as { id: number; error?: string }),
    needsSignedToken: ({ context }) => L.needsSignedToken(context),
    isOurSignature: ({ context, event }) => L.isOurSignature(context, event as { id: number }),
    isLeaseRefused: ({ event }) => (event as { error?: string }).error !== undefined,
    faultedOnRequest: ({ context, event }) => L.faultedOnRequest(context, event as { during: string }),
    hasMutatingWebhooks: ({ context }) => L.hasWebhooks(context, true),
    isConnectWithMutatingWebhooks: ({ context }) => L.isConnect(context) && L.hasWebhooks(context, true),
    isConnectWithValidatingWebhooks: ({ context }) => L.isConnect(context) && L.hasWebhooks(context, false),
    hasValidatingWebhooks: ({ context }) => L.hasWebhooks(context, false),
    isAwaitingWebhook: ({ context }) => L.isAwaitingWebhook(context),
    isOurWebhookAnswer: ({ context, event }) => L.isOurWebhookAnswer(context, event as { id: number }),
    isEtcdGone: ({ context }) => context.etcdGone === true,
    isEtcdReadWhileGone: ({ context }) => L.isEtcdReadWhileGone(context),
    needsReinvocation: ({ context }) => L.needsReinvocation(context),
    isAwaitingConversion: ({ context }) => L.isAwaitingConversion(context),
    isOurConversionAnswer: ({ context, event }) => L.isOurConversionAnswer(context, event as { id: number }),
    isWatchConversionAnswer: ({ context, event }) => L.isWatchConversionAnswer(context, event as { id: number }),
    needsStorageConversion: ({ context }) => L.needsStorageConversion(context),
    needsOldConversion: ({ context }) => L.needsOldConversion(context),
    isTxnSucceededNeedingConversion: ({ context, event }) => L.isTxnSucceededNeedingConversion(context, event as { id: number; succeeded: boolean }),
  },
  actions: {
    listEtcd: step((c, _e, fx) => L.listEtcd(c, fx)),
    rememberLegacyToken: step((c, e) => L.rememberLegacyToken(c, e as LegacyTokenSigned)),
    fillCacheAndWatch: step((c, e, fx) => L.fillCacheAndWatch(c, e, fx)),
    receiveRequest: step((c, e, fx) => L.receiveRequest(c, e as L.Request, fx)),
    receiveRequestBesideWebhook: step((c, e, fx) => L.receiveRequestBesideWebhook(c, e as L.Request, fx)),
    takeNextRequest: step((c) => L.takeNext(c)),
    authenticate: step((c) => L.authenticate(c)),
    authorize: step((c) => L.authorize(c)),
    serveRead: step((c, _e, fx) => L.serveRead(c, fx)),
    serveConnect: step((c, _e, fx) => L.serveConnect(c, fx)),
    proxyToAPIService: step((c, _e, fx) => L.proxyToAPIService(c, fx)),
    prepareWrite: step((c) => L.prepareWrite(c)),
    restrictNodes: step((c) => L.restrictNodes(c)),
    runMutatingAdmission: step((c) => L.runMutatingAdmission(c)),
    parkForServiceAccount: step((c, _e, fx) => L.parkForServiceAccount(c, fx)),
    resumeParkedRequest: step((c, e) => L.resumeParkedRequest(c, e as { parkId: number; now: number })),
    runValidation: step((c) => L.runValidation(c)),
    runValidatingAdmission: step((c) => L.runValidatingAdmission(c)),
    runValidatingAdmissionPolicies: step((c) => L.runValidatingAdmissionPolicies(c)),
    requestEventLease: step((c, _e, fx) => L.requestEventLease(c, fx)),
    recordEventLease: step((c, e) => L.recordEventLease(c, e)),
    encodeForStorage: step((c) => L.encodeForStorage(c)),
    replyUnchanged: step((c, _e, fx) => L.replyUnchanged(c, fx)),
    sendTxn: step((c, _e, fx) => L.sendTxn(c, fx)),
    replyWithStatus: step((c, _e, fx) => L.replyWithStatus(c, fx)),
    replyWithObject: step((c, _e, fx) => L.replyWithObject(c, fx)),
    replyWithoutWrite: step((c, _e, fx) => L.replyWithoutWrite(c, fx)),
    replyDryRun: step((c, _e, fx) => L.replyDryRun(c, fx)),
    replyConflict: step((c, _e, fx) => L.replyConflict(c, fx)),
    replyStorageError: step((c, e, fx) => L.replyStorageError(c, e, fx)),
    requestSignature: step((c, _e, fx) => L.requestSignature(c, fx)),
    replyWithToken: step((c, e, fx) => L.replyWithToken(c, e as { token: string; now: number }, fx)),
    applyWatchEvents: step((c, e, fx) => L.applyWatch(c, e, fx)),
    compactEtcd: step((c, _e, fx) => L.compactEtcd(c, fx)),
    forgetClient: step((c, e) => L.forgetClient(c, e)),
    loseEtcd: step((c) => L.loseEtcd(c)),
    replyEtcdUnavailable: step((c, _e, fx) => L.replyEtcdUnavailable(c, fx)),
    replyRequestTimeout: step((c, e, fx) => L.replyRequestTimeout(c, e as { client: string; id: number; read?: boolean }, fx)),
    waitForEtcdUntilDeadline: step((c, _e, fx) => L.waitForEtcdUntilDeadline(c, fx)),
    disconnectWatch: step((c, e, fx) => L.disconnectWatch(c, e, fx)),
    disconnectClientWatches: step((c, e, fx) => L.disconnectClientWatches(c, e, fx)),
    slideWatchCache: step((c, e, fx) => L.slideWatchCache(c, e, fx)),
    replyInternalError: step((c, e, fx) => L.replyInternalError(c, e, fx)),
    callNextMutatingWebhook: step((c, _e, fx) => L.callNextWebhook(c, true, fx)),
    reinvokeMutatingAdmission: step((c) => L.reinvokeMutatingAdmission(c)),
    callNextValidatingWebhook: step((c, _e, fx) => L.callNextWebhook(c, false, fx)),
    applyWebhookAnswer: step((c, e) => L.applyWebhookAnswer(c, e as WebhookAnswered)),
    finishReadConversion: step((c, e, fx) => L.finishReadConversion(c, e as WebhookAnswered, fx)),
    startStorageConversion: step((c, _e, fx) => L.startStorageConversion(c, fx)),
    startOldConversion: step((c, _e, fx) => L.startOldConversion(c, fx)),
    applyOldConversion: step((c, e) => L.applyOldConversion(c, e as WebhookAnswered)),
    applyStorageConversion: step((c, e) => L.applyStorageConversion(c, e as WebhookAnswered)),
    startReplyConversion: step((c, _e, fx) => L.startReplyConversion(c, fx)),
    finishReplyConversion: step((c, e, fx) => L.finishReplyConversion(c, e as WebhookAnswered, fx)),
    finishWatchConversion: step((c, e, fx) => L.finishWatchConversion(c, e as WebhookAnswered, fx)),
  },
}).createMachine({
  id: "apiserver",
  description: "authn, authz, mutating admission (and mutating webhooks), validation (and validating webhooks), persistence in etcd, watch fan-out, subresources.",
  context: ({ input }) => L.initialApiServer(input),
  initial: "starting",
  on: {
    ApiRequest: { actions: "receiveRequest", description: "requests queue while one is in flight; the front end's authorization checks are answered at once, as each request's filters run on their own" },
    WatchResponse: { actions: "applyWatchEvents", description: "etcd changes: update the watch cache, fan out to client watches" },
    WebhookAnswered: {
      guard: "isWatchConversionAnswer",
      actions: "finishWatchConversion",
      description: "a watch event's object converted by its CRD's webhook is sent, and the watch's next one goes out; a failure ends that watch, whatever the request in flight",
    },
    CompactionDue: { actions: "compactEtcd" },
    ClientGone: { actions: "forgetClient", description: "a client's process died: its watches end, its requests are abandoned" },
    RequestDeadline: { actions: "replyRequestTimeout", description: "a request that waited for etcd reached its deadline" },
    EtcdGone: { actions: "loseEtcd", description: "etcd's process died and its connection closed: writes and the reads only etcd answers wait for it from now on (gRPC's WaitForReady) until their request times out" },
    DisconnectWatch: { actions: "disconnectWatch", description: "fault: one client watch's stream breaks; the client sees it end (CLOSED) and watches again from its last resourceVersion" },
    DisconnectClientWatches: { actions: "disconnectClientWatches", description: "fault: a partition healed; each of that client's watches ends with 410 Gone" },
    SlideWatchCache: { actions: "slideWatchCache", description: "fault: compact etcd now and keep only the newest watch-cache history" },
    LegacyTokenSigned: { actions: "rememberLegacyToken", description: "the signer signed a secret-based token for the token controller: it authenticates while its Secret holds it" },
    ServiceAccountLookupDue: { actions: "resumeParkedRequest", description: "a pod create set aside to look for its ServiceAccount again goes back through the pipeline, first in line" },
    InternalError: {
      guard: "faultedOnRequest",
      target: ".idle",
      actions: "replyInternalError",
      description: "handling a request threw (the runtime caught it): that request gets a 500, the next one is served",
    },
  },
  states: {
    starting: {
      entry: "listEtcd",
      on: { RangeResponse: { target: "idle", actions: "fillCacheAndWatch" } },
    },
    idle: {
      always: { guard: "hasBacklog", target: "authenticating", actions: "takeNextRequest" },
    },
    authenticating: {
      entry: "authenticate",
      always: [{ guard: "hasFailed", target: "idle", actions: "replyWithStatus" }, { target: "authorizing" }],
    },
    authorizing: {
      entry: "authorize",
      always: [
        { guard: "hasFailed", target: "idle", actions: "replyWithStatus" },
        { guard: "isAggregated", target: "proxying" },
        { guard: "isConnectWithMutatingWebhooks", target: "callingConnectMutatingWebhooks" },
        { guard: "isConnectWithValidatingWebhooks", target: "callingConnectValidatingWebhooks" },
        { guard: "isConnect", target: "connecting" },
        {
          guard: "isEtcdReadWhileGone", target: "idle", actions: "waitForEtcdUntilDeadline",
          description: "etcd is down: a read only etcd answers (a get or list without a resourceVersion) waits for it until its deadline; reads at a resourceVersion and watches are served from the watch cache",
        },
        { guard: "isRead", target: "reading" },
        { guard: "needsOldConversion", target: "convertingOld" },
        { target: "admitting" },
      ],
    },
    reading: {
      entry: "serveRead",
      always: [{ guard: "isAwaitingConversion", target: "awaitingReadConversion" }, { target: "idle" }],
    },
    awaitingReadConversion: {
      description: "a custom resource read at a version other than the stored one: its CRD's conversion webhook converts the object, or a list's items in one ConversionReview; its failure is the read's 500",
      on: {
        ...whileWebhookIsOut,
        WebhookAnswered: { guard: "isOurConversionAnswer", target: "idle", actions: "finishReadConversion" },
      },
    },
    proxying: {
      description: "kube-aggregator: a group an APIService serves (metrics.k8s.io) is forwarded, authenticated and authorized, to its server, which answers the client",
      entry: "proxyToAPIService",
      always: { target: "idle" },
    },
    callingConnectMutatingWebhooks: {
      description: "CONNECT (exec, attach, portforward): the mutating webhooks see the connect options first (a patch to them does not reach the stream), then the validating ones",
      entry: "callNextMutatingWebhook",
      always: [
        { guard: "hasFailed", target: "idle", actions: "replyWithStatus" },
        { guard: "isAwaitingWebhook", target: "awaitingConnectMutatingWebhook" },
        { target: "callingConnectValidatingWebhooks" },
      ],
    },
    awaitingConnectMutatingWebhook: {
      on: {
        ...whileWebhookIsOut,
        WebhookAnswered: { guard: "isOurWebhookAnswer", target: "callingConnectMutatingWebhooks", actions: "applyWebhookAnswer" },
      },
    },
    callingConnectValidatingWebhooks: {
      entry: "callNextValidatingWebhook",
      always: [
        { guard: "hasFailed", target: "idle", actions: "replyWithStatus" },
        { guard: "isAwaitingWebhook", target: "awaitingConnectValidatingWebhook" },
        { target: "connecting" },
      ],
    },
    awaitingConnectValidatingWebhook: {
      on: {
        ...whileWebhookIsOut,
        WebhookAnswered: { guard: "isOurWebhookAnswer", target: "callingConnectValidatingWebhooks", actions: "applyWebhookAnswer" },
      },
    },
    connecting: {
      description: "pods/exec, attach, portforward: the pod's node and container from the watch cache (404 no pod, 400 no such container or no node); the stream then goes to that node's kubelet",
      entry: "serveConnect",
      always: { target: "idle" },
    },
    convertingOld: {
      description: "an update, patch or delete of a custom resource at a version other than the stored one: the CRD's conversion webhook converts the stored object first; its failure is the request's 500",
      entry: "startOldConversion",
      always: [{ guard: "hasFailed", target: "idle", actions: "replyWithStatus" }, { target: "awaitingOldConversion" }],
    },
    awaitingOldConversion: {
      on: {
        ...whileWebhookIsOut,
        WebhookAnswered: { guard: "isOurConversionAnswer", target: "oldConverted", actions: "applyOldConversion" },
      },
    },
    oldConverted: {
      always: [{ guard: "hasFailed", target: "idle", actions: "replyWithStatus" }, { target: "admitting" }],
    },
    admitting: {
      entry: ["prepareWrite", "restrictNodes", "runMutatingAdmission"],
      always: [
        { guard: "hasFailed", target: "idle", actions: "replyWithStatus" },
        {
          guard: "isAwaitingServiceAccount", target: "idle", actions: "parkForServiceAccount",
          description: "ServiceAccount admission found no default account: the request waits 100-199 ms and looks again, 10 lookups in all, while others are served",
        },
        { guard: "needsSignedToken", target: "issuingToken" },
        { guard: "isNoop", target: "idle", actions: "replyWithoutWrite" },
        { guard: "hasMutatingWebhooks", target: "callingMutatingWebhooks" },
        { target: "validating" },
      ],
    },
    callingMutatingWebhooks: {
      description: "MutatingAdmissionWebhook: each matching webhook in turn gets an AdmissionReview through the runtime; its JSONPatch applies to the object, its refusal or a failure under failurePolicy Fail ends the request",
      entry: "callNextMutatingWebhook",
      always: [
        { guard: "hasFailed", target: "idle", actions: "replyWithStatus" },
        { guard: "isAwaitingWebhook", target: "awaitingMutatingWebhook" },
        { guard: "needsReinvocation", target: "reinvokingMutatingAdmission" },
        { target: "validating" },
      ],
    },
    reinvokingMutatingAdmission: {
      description: "a webhook changed the object: the in-tree mutating plugins run again, then a second round calls the IfNeeded webhooks a later change concerns (reinvocationPolicy)",
      entry: "reinvokeMutatingAdmission",
      always: [{ guard: "hasFailed", target: "idle", actions: "replyWithStatus" }, { target: "callingMutatingWebhooks" }],
    },
    awaitingMutatingWebhook: {
      on: {
        ...whileWebhookIsOut,
        WebhookAnswered: { guard: "isOurWebhookAnswer", target: "callingMutatingWebhooks", actions: "applyWebhookAnswer" },
      },
    },
    issuingToken: {
      description: "serviceaccounts/token: the TokenRequest is valid and its account (and bound object) exist; the signer signs its claims, then the token authenticates as the account until it expires or either is deleted",
      entry: "requestSignature",
      on: { TokenSigned: { guard: "isOurSignature", target: "idle", actions: "replyWithToken" } },
    },
    validating: {
      entry: ["runValidation", "runValidatingAdmission", "runValidatingAdmissionPolicies", "encodeForStorage"],
      always: [
        { guard: "hasFailed", target: "idle", actions: "replyWithStatus" },
        { guard: "hasValidatingWebhooks", target: "callingValidatingWebhooks" },
        { guard: "needsStorageConversion", target: "convertingForStorage" },
        { guard: "isDryRun", target: "idle", actions: "replyDryRun", description: "dryRun=All: answered with what would be stored, nothing written" },
        {
          guard: "isUnchangedByWrite", target: "idle", actions: "replyUnchanged",
          description: "GuaranteedUpdate: the object as stored would be the stored version byte for byte: nothing written, no new resourceVersion, no watch event",
        },
        { guard: "isEtcdGone", target: "idle", actions: "waitForEtcdUntilDeadline", description: waitingForEtcd },
        { guard: "needsEventLease", target: "grantingLease" },
        { target: "persisting" },
      ],
    },
    callingValidatingWebhooks: {
      description: "ValidatingAdmissionWebhook: each matching webhook in turn judges the object as it would be stored; a refusal or a failure under failurePolicy Fail ends the request",
      entry: "callNextValidatingWebhook",
      always: [
        { guard: "hasFailed", target: "idle", actions: "replyWithStatus" },
        { guard: "isAwaitingWebhook", target: "awaitingValidatingWebhook" },
        { guard: "needsStorageConversion", target: "convertingForStorage" },
        { guard: "isDryRun", target: "idle", actions: "replyDryRun" },
        { guard: "isUnchangedByWrite", target: "idle", actions: "replyUnchanged" },
        { guard: "isEtcdGone", target: "idle", actions: "waitForEtcdUntilDeadline", description: waitingForEtcd },
        { guard: "needsEventLease", target: "grantingLease" },
        { target: "persisting" },
      ],
    },
    awaitingValidatingWebhook: {
      on: {
        ...whileWebhookIsOut,
        WebhookAnswered: { guard: "isOurWebhookAnswer", target: "callingValidatingWebhooks", actions: "applyWebhookAnswer" },
      },
    },
    convertingForStorage: {
      description: "a custom resource written at a version other than its CRD's storage version: the conversion webhook converts it before it is encoded; its failure is the write's 500",
      entry: "startStorageConversion",
      always: [{ guard: "hasFailed", target: "idle", actions: "replyWithStatus" }, { target: "awaitingStorageConversion" }],
    },
    awaitingStorageConversion: {
      on: {
        ...whileWebhookIsOut,
        WebhookAnswered: { guard: "isOurConversionAnswer", target: "convertedForStorage", actions: ["applyStorageConversion", "encodeForStorage"] },
      },
    },
    convertedForStorage: {
      always: [
        { guard: "hasFailed", target: "idle", actions: "replyWithStatus" },
        { guard: "isDryRun", target: "convertingReply", description: "dryRun=All: what would be stored is decoded back to the request's version through the webhook (DryRunnableStorage.copyInto), nothing written" },
        { guard: "isUnchangedByWrite", target: "idle", actions: "replyUnchanged" },
        { guard: "isEtcdGone", target: "idle", actions: "waitForEtcdUntilDeadline", description: waitingForEtcd },
        { guard: "needsEventLease", target: "grantingLease" },
        { target: "persisting" },
      ],
    },
    grantingLease: {
      entry: "requestEventLease",
      on: {
        EtcdGone: { target: "idle", actions: ["loseEtcd", "replyEtcdUnavailable"], description: etcdGoneInFlight },
        LeaseGrantResponse: [
          { guard: "isLeaseRefused", target: "idle", actions: "replyStorageError", description: "etcd refused the grant (database space exceeded): the Event is not written" },
          { target: "persisting", actions: "recordEventLease" },
        ],
      },
    },
    persisting: {
      entry: "sendTxn",
      on: {
        EtcdGone: { target: "idle", actions: ["loseEtcd", "replyEtcdUnavailable"], description: etcdGoneInFlight },
        TxnResponse: [
          { guard: "isTxnRefused", target: "idle", actions: "replyStorageError", description: "etcd refused the write (request is too large, database space exceeded): the error as the API server passes it on" },
          { guard: "isTxnSucceededNeedingConversion", target: "convertingReply", description: "the stored object reaches the request's version through the CRD's conversion webhook" },
          { guard: "isTxnSucceeded", target: "idle", actions: "replyWithObject" },
          { guard: "isOurTxn", target: "idle", actions: "replyConflict" },
        ],
      },
    },
    convertingReply: {
      entry: "startReplyConversion",
      always: [{ guard: "hasFailed", target: "idle", actions: "replyWithStatus" }, { target: "awaitingReplyConversion" }],
    },
    awaitingReplyConversion: {
      on: {
        ...whileWebhookIsOut,
        WebhookAnswered: { guard: "isOurConversionAnswer", target: "idle", actions: "finishReplyConversion" },
      },
    },
  },
});
