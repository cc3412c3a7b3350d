// The messages that cross the runtime's network, one discriminated union per channel.
// Machines never call each other: they emit an Outbox of these, and the runtime delivers
// each to its receiver's FIFO channel. On delivery the runtime stamps `from` and `now`.

import type { Status } from "kubernetes-types/meta/v1";

/** An actor's address: "etcd", "apiserver", "scheduler", "kubelet/node-1", "cri/node-1", ... */
export type Address = string;

/** What the runtime adds to every message it delivers. */
export interface Stamp {
  from: Address;
  /** simulated time in ms since the epoch */
  now: number;
}

// ---- etcd channel (API server <-> etcd) ------------------------------------------------

export interface KeyValue {
  key: string;
  value: unknown;
  createRevision: number;
  modRevision: number;
  version: number;
  lease?: number;
}

/** etcd's Compare_CompareResult: EQUAL, NOT_EQUAL, LESS, GREATER. */
export type CompareResult = "=" | "!=" | "<" | ">";

export type Compare =
  | { key: string; target: "mod" | "create" | "version"; result: CompareResult; value: number }
  /** a value compare on a key that does not exist is false, whatever the result (etcd's applyCompare) */
  | { key: string; target: "value"; result: CompareResult; value: unknown };

export type TxnOp =
  /** prevKv: the response carries the value replaced (etcd's PutRequest.prev_kv) */
  | { type: "put"; key: string; value: unknown; lease?: number; prevKv?: boolean }
  /** prefix: every key starting with `key` (etcd's DeleteRange with range_end = prefix end) */
  | { type: "delete"; key: string; prefix?: boolean; prevKv?: boolean };

/** One op's answer in a Txn (etcd's ResponseOp): what a put replaced, what a delete removed. */
export type TxnOpResponse =
  | { type: "put"; prevKv?: KeyValue }
  | { type: "delete"; deleted: number; prevKvs?: KeyValue[] };

export type EtcdRequest =
  /** responses: answer each op of the branch taken (etcd always does; the API server reads none, so it does not ask) */
  | { type: "Txn"; id: number; compare: Compare[]; success: TxnOp[]; failure: TxnOp[]; responses?: boolean }
  /** revision: read the key space as it was at that revision (0 or absent: now) */
  | { type: "Range"; id: number; key: string; prefix: boolean; revision?: number }
  | { type: "Watch"; watchId: number; prefix: string; startRevision: number }
  | { type: "CancelWatch"; watchId: number }
  | { type: "Compact"; id: number; revision: number }
  | { type: "LeaseGrant"; id: number; ttlSeconds: number }
  | { type: "LeaseRevoke"; id: number; lease: number }
  | { type: "LeaseKeepAlive"; id: number; lease: number }
  /** maintenance (etcdctl alarm list / alarm disarm): list the alarms, or clear NOSPACE */
  | { type: "Alarm"; id: number; action: "get" | "deactivate"; alarm?: EtcdAlarm }
  /** maintenance (etcdctl defrag): give the free pages of the database file back */
  | { type: "Defragment"; id: number }
  /** maintenance (etcdctl endpoint status): the database's sizes, revision and alarms */
  | { type: "Status"; id: number };

/** etcd's AlarmType: NOSPACE is the only one podflow's member raises (CORRUPT needs a second member). */
export type EtcdAlarm = "NOSPACE";

/** An alarm raised on a member (etcd's AlarmMember). */
export interface EtcdAlarmMember {
  memberID: string;
  alarm: EtcdAlarm;
}

export interface WatchedEvent {
  type: "PUT" | "DELETE";
  kv: KeyValue;
  prevKv?: KeyValue;
}

export type EtcdResponse =
  /** error: etcd refused the request without applying it (e.g. "etcdserver: request is too large") */
  | { type: "TxnResponse"; id: number; succeeded: boolean; revision: number; current?: KeyValue[]; responses?: TxnOpResponse[]; error?: string }
  /** error: the revision asked for is compacted or in the future */
  | { type: "RangeResponse"; id: number; revision: number; kvs: KeyValue[]; error?: string }
  | { type: "WatchResponse"; watchId: number; events: WatchedEvent[]; compactRevision?: number; canceled?: boolean; error?: string }
  | { type: "CompactResponse"; id: number; revision: number; error?: string }
  /** error: the grant was refused (NOSPACE: "etcdserver: mvcc: database space exceeded"); lease 0 then */
  | { type: "LeaseGrantResponse"; id: number; lease: number; ttlSeconds: number; error?: string }
  /** error: the lease is not there (never granted, revoked or expired) */
  | { type: "LeaseRevokeResponse"; id: number; lease: number; error?: string }
  /** ttlSeconds 0: the lease is not there (etcd answers a keepalive of an unknown lease so) */
  | { type: "LeaseKeepAliveResponse"; id: number; lease: number; ttlSeconds: number }
  | { type: "AlarmResponse"; id: number; alarms: EtcdAlarmMember[] }
  | { type: "DefragmentResponse"; id: number }
  /** dbSize: the database file; dbSizeInUse: its pages holding data; errors: the alarms, as etcdctl endpoint status prints them */
  | { type: "StatusResponse"; id: number; revision: number; dbSize: number; dbSizeInUse: number; quotaBackendBytes: number; errors: string[] };

// ---- admission-webhooks channel (API server <-> the runtime's HTTPS client of admission webhooks) ----

/** API server -> admission-webhooks: post this AdmissionReview to the webhook and say how it went. */
export interface CallWebhook {
  type: "CallWebhook";
  id: number;
  webhook: string;
  target: { url: string; dial?: string; serverName?: string; resolveError?: string; refused?: boolean };
  /** clientConfig.caBundle, base64 PEM: the roots the webhook's certificate must chain to (else the host's) */
  caBundle?: string;
  timeoutMs: number;
  review: object;
}

/** admission-webhooks -> API server: the webhook's JSON answer and HTTP status, or why there was none (Go's error text). */
export type WebhookAnswered = { type: "WebhookAnswered"; id: number } & ({ body: unknown; status: number } | { error: string });

// ---- token-signer channel (API server <-> the runtime's service account token signer) ----

/** API server -> token-signer: sign these claims (a JWT payload) with the service account key. */
export interface SignToken {
  type: "SignToken";
  id: number;
  claims: object;
}

/** token-signer -> API server: the signed token, unpredictable to anyone without the key. */
export interface TokenSigned {
  type: "TokenSigned";
  id: number;
  token: string;
}

/**
 * token-signer -> API server: a secret-based token it signed for the token controller, with its
 * claims; the API server verifies such a token by its signature (it holds the key's public half).
 */
export interface LegacyTokenSigned {
  type: "LegacyTokenSigned";
  token: string;
  claims: object;
}

// ---- csr-signer channel (the CSR signing controller <-> the runtime's cluster CA) ----------

/** csrsigning controller -> csr-signer: sign this approved request with the cluster CA (authority.Sign with PermissiveSigningPolicy). */
export interface SignCertificate {
  type: "SignCertificate";
  id: number;
  /** spec.request as the API carries it: base64 of the PEM */
  request: string;
  usages: string[];
  /** the certificate's TTL (signer.duration), before backdating */
  ttlMs: number;
}

/** csr-signer -> csrsigning controller: the PEM certificate, base64 as status.certificate carries it, or the signer's error. */
export type CertificateSigned = { type: "CertificateSigned"; id: number; certificate: string } | { type: "CertificateSigned"; id: number; error: string };

// ---- API channel (every client <-> API server) -----------------------------------------

export type Verb = "get" | "list" | "watch" | "create" | "update" | "patch" | "delete" | "deletecollection" | "unwatch";

export interface ApiRequest {
  type: "ApiRequest";
  id: number;
  token?: string;
  verb: Verb;
  /** group "" is core */
  group: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  /**
   * a patch made at a version the resource is served at but not stored at (autoscaling/v1): it applies to the object at that version;
   * for a custom resource, the served version every request is made at (its storage version's when absent)
   */
  version?: string;
  body?: any;
  /** list and watch options, delete options, patch type */
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  /** a list's resourceVersionMatch: Exact serves the snapshot at resourceVersion */
  resourceVersionMatch?: "Exact" | "NotOlderThan";
  limit?: number;
  continue?: string;
  watchId?: number;
  patchType?: "merge" | "strategic" | "json" | "apply";
  /** the manager a write's fields are recorded for (the fieldManager option, else the User-Agent's product); an apply's own */
  fieldManager?: string;
  /** an apply that takes the fields it conflicts on from their managers (--force-conflicts) */
  force?: boolean;
  gracePeriodSeconds?: number;
  propagationPolicy?: "Orphan" | "Background" | "Foreground";
  dryRun?: boolean;
  /** unknown fields in a body: refused (Strict), reported in the response's warnings (Warn), or dropped (Ignore, the default) */
  fieldValidation?: "Strict" | "Warn" | "Ignore";
  /**
   * A patch's own strict decoding under fieldValidation Strict or Warn (the handler decodes the
   * patch bytes strictly before applying them): its strict errors, put before the patched
   * object's; or the 400 message that refuses it when it is applied.
   */
  patchStrict?: { errors: string[]; refusal?: string };
  /** set when the request is a retry of an earlier one (client-side) */
  attempt?: number;
  /** a non-resource request (discovery, /version, /healthz, any other path): its URL path and lower-cased HTTP method */
  nonResource?: { path: string; verb: string };
  /** authenticate and authorize only: when allowed the API server answers 200 and the HTTP front end serves the request */
  authorizeOnly?: boolean;
  /**
   * with authorizeOnly: a handler's own check of another verb than the request's (the pod
   * Connecters' ensureAuthorizedForVerb), refused as NewForbidden with the authorizer's reason
   * alone rather than in the authorization filter's words
   */
  handlerCheck?: boolean;
  /** the Impersonate-* headers, trusted only after the API server checks the requester may impersonate */
  impersonate?: { user?: string; groups?: string[]; uid?: string; extra?: Array<[string, string[]]> };
  /**
   * The client certificate the TLS front end verified (the x509 authenticator runs before the token
   * authenticators): its subject's CN and O values, or why its chain did not verify.
   */
  x509?: { user: string; groups: string[] } | { error: string };
}

export type ApiResponse =
  | { type: "ApiResponse"; id: number; ok: true; code: number; object: any; /** Warning headers' texts */ warnings?: string[] }
  | { type: "ApiResponse"; id: number; ok: false; code: number; status: Status; /** warnings drawn before the failure (the strategy's, when admission or storage then refused) */ warnings?: string[]; /** the handler panicked: WithPanicRecovery's http.Error answers, in plain text */ panicked?: true };

/**
 * A watch stream's events; CLOSED is no event of the API but the stream's end without one (a broken
 * connection, the server's watch timeout), which client-go's reflector answers by watching again
 * from the last resourceVersion it saw.
 */
export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR" | "CLOSED";

export interface WatchEvent {
  type: "WatchEvent";
  watchId: number;
  eventType: WatchEventType;
  object: any;
}

export type ApiServerOutput = ApiResponse | WatchEvent;

// ---- runtime services (what any machine may ask of the runtime) ------------------------

/** A message to send: the runtime puts it on the (self, to) channel. */
export interface Outgoing {
  to: Address;
  msg: { type: string; [k: string]: any };
}

/** A named timer: the runtime delivers `event` back to the owner after `ms`. Background
 * timers (heartbeats, probes, back-offs, running workloads) do not keep `settle` busy. */
export interface TimerRequest {
  key: string;
  ms: number;
  event: { type: string; [k: string]: unknown };
  background: boolean;
}

/** Everything a machine asks of the world in one transition, emitted as one `effects` event. */
export interface Effects {
  type: "effects";
  send: Outgoing[];
  timers: TimerRequest[];
  cancel: string[];
}

/** go-cni's ErrCNINotInitialized: what the CNI answers, and the container runtime reports, before the node's network config exists. */
export const cniNotInitialized = "cni plugin not initialized";
