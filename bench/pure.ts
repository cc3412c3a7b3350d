// The pure baseline: the Kubernetes work of the bench workload (bench/workload.ts) as plain function
// calls in one loop over plain Maps, with no actors, messages, etcd transactions, watches or
// informers. Every write goes through the API server's part of a write (authorization by the Node
// authorizer and RBAC, NodeRestriction, defaulting and mutating admission, managedFields,
// validation, validating admission, uid, name, creationTimestamp, resourceVersion, a Service's
// ClusterIP) once per change, as the actor run makes it, and every component's decision is the
// model's own function: the deployment controller's new ReplicaSet, the ReplicaSet controller's
// pods and status, the scheduler's schedulePod and binding, the kubelet's pod start (its sandbox,
// network, image pull and container served by the CRI's and CNI's own logic) with its TokenRequest,
// two status writes and four Events, the Deployment's status, the endpoints and EndpointSlice controllers'
// objects (each status and Service synced once per pod turning ready, as the actor run's), and
// kube-proxy's and CoreDNS's views of the slices. What the actor run does only because of its
// message interleaving (retries, conflicts, watches) is left out. Where a
// step is reachable only through a machine step (it reads the component's context), its plain
// equivalent is written here and says so.
//
// Time is simulated as in the actor run: the workload is applied at t0 (every pod created, bound and
// its sandbox started then, so every node's kubelet finds the image absent and pulls it), and the
// pulls end at t0 + the pull's duration, when the containers are created and started.

import { goEncoded } from "../machines/apiserver/schema/encode.js";
import type { Node, Pod, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { serviceRecords, type DNSRecord } from "../machines/dns/dns.logic.js";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import { addPodToNodeInfo, newNodeInfo, type NodeInfo } from "../machines/scheduler/framework.js";
import { schedulePod } from "../machines/scheduler/semantics.js";
import type { SpreadListers } from "../machines/scheduler/plugins/spread.js";
import { handleCni, initialCni, type CniContext } from "../machines/cni/cni.logic.js";
import { handleCri, initialCri, pullTimer, recoverStore, type CriContext } from "../machines/cri/cri.logic.js";
import { Fx } from "../machines/common/effects.js";
import { clusterCACert } from "../machines/common/ca.js";
import { containerFiles, hostnameEnv } from "../machines/kubelet/containerfiles.js";
import { composeEnv } from "../machines/cri/messages.js";
import { podDNSConfig, resolvConf, resolvConfPath } from "../machines/kubelet/dns.js";
import { resolveSubPaths } from "../machines/kubelet/subpath.js";
import { expandCommandAndArgs } from "../machines/kubelet/kuberuntime.js";
import { podConditions, podPhase, kubeletOwnedConditions } from "../machines/kubelet/status.js";
import { internalIPFor, registrationNode } from "../machines/kubelet/node.js";
import { variablesOfService } from "../machines/kubelet/serviceenv.js";
import { goDuration } from "../machines/kubelet/events.js";
import { Rng } from "../machines/common/prng.js";
import { tokenRequestBody } from "../machines/kubelet/tokens.js";
import { prepareTokenRequest, signedIssue, tokenKey, withIssued, withTokenId, type IssuedToken } from "../machines/apiserver/auth/tokenrequest.js";
import { TokenSigner } from "../runtime/tokensigner.js";
import { initialGarbageCollector, onDelta as gcDelta } from "../machines/garbagecollector/gc.controller.js";
import { rfc3339 } from "../machines/common/time.js";
import { deepEqual, deepFreeze } from "../machines/common/equal.js";
import { podQOSClass } from "../machines/common/qos.js";
import { eventName, eventV1Stored, newEvent, newEventV1 } from "../machines/common/client.js";
import { correlate, newCorrelator, type Correlator } from "../machines/common/eventcorrelator.js";
import { admissionRefusal, admitDefaulted, defaulted, validatingAdmission, type MutateContext } from "../machines/apiserver/admission/index.js";
import { managerFor, updateRecorded } from "../machines/apiserver/fieldmanager/write.js";
import { admitNodeRestriction, authorize, type Attributes, type NodeGraph, type UserInfo } from "../machines/apiserver/auth/index.js";
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from "../machines/apiserver/auth/bootstrap.js";
import { validateCreate, validateUpdate } from "../machines/apiserver/validation/index.js";
import { validateCommonObjectMeta } from "../machines/apiserver/validation/meta.js";
import { allocateServiceAddresses, initIPFamilyFields, newServiceAllocators, serviceIPFamiliesOf, type ServiceAllocators } from "../machines/apiserver/services.js";
import { DEFAULT_SERVICE_CIDR } from "../machines/apiserver/allocators.js";
import { apiVersionOf, resourceForKind, type ResourceInfo } from "../machines/apiserver/resources.js";
import { strategicMergePatch } from "../machines/apiserver/patch.js";
import { lastAppliedAnnotation } from "../runtime/cluster.js";
import { getNewReplicaSet, syncDeploymentStatus, REVISION_ANNOTATION } from "../machines/deployment/deployment.logic.js";
import { calculateStatus as replicaSetStatus, newPodFromTemplate } from "../machines/replicaset/replicaset.logic.js";
import { Map as IMap } from "immutable";
import { endpointsEqual, endpointsFor } from "../machines/endpoints/endpoints.logic.js";
import { reconcileSlices } from "../machines/endpointslice/endpointslice.logic.js";
import { finalizePlan } from "../machines/endpointslice/endpointslice.controller.js";
import { computeTriggerTime, type TriggerStates } from "../machines/common/endpointutil.js";
import { benchManifests, benchNodes } from "./workload.js";

export interface PureResult {
  nodes: number;
  pods: number;
  wallSeconds: number;
  /** user + system CPU seconds of the loop (what a shared machine disturbs least) */
  cpuSeconds: number;
  podsPerSecond: number;
  running: number;
  /** API writes made (creates, updates, patches, deletes), Events included */
  writes: number;
}

/** The simulated clock's start, as the actor run's (2026-01-01T00:00:00Z). */
const t0 = Date.UTC(2026, 0, 1);

// ---- the API server's part of a write, over plain Maps ----------------------------------------

/** The objects the pure loop keeps, as the API server's storage would, by kind then namespace/name. */
export class PureStore {
  readonly byKind = new Map<string, Map<string, any>>();
  revision = 1;
  writes = 0;
  /** the writes made, by verb and resource ("update pods/status"), as the actor run's ApiRequests count them */
  readonly requests = new Map<string, number>();
  private readonly rng: Rng;
  private allocators: ServiceAllocators = newServiceAllocators();
  /** the service account tokens issued, by signature, as the API server's authenticator knows them */
  private issuedTokens: IMap<string, IssuedToken> = IMap();
  private readonly signer: TokenSigner;
  /** the garbage collector's graph (its uid -> object nodes) and queue, fed by every write */
  readonly gc = initialGarbageCollector({ token: "" });

  constructor(seed: number) {
    this.rng = new Rng(seed);
    this.signer = new TokenSigner({ random: false, seed });
  }

  /**
   * A kubelet's TokenRequest (create serviceaccounts/token): authorized, judged by NodeRestriction,
   * token.go's checks and claims, signed by the seeded signer and remembered, as the actor run's API
   * server does; nothing is stored. Returns the token.
   */
  tokenRequest(pod: any, body: object, user: UserInfo, now: number): string {
    const ns = pod.metadata.namespace;
    const name = pod.spec.serviceAccountName || "default";
    const r = mustResource("ServiceAccount");
    this.authorize(user, "create", r, "token", ns, name);
    const st = admitNodeRestriction({ user, operation: "CREATE", r, subresource: "token", namespace: ns, name, obj: body }, this.graph);
    if (st) throw new Error(`pure: NodeRestriction: ${st.message}`);
    const p = prepareTokenRequest(this.get("ServiceAccount", ns, name), body, now, (res, n, o) => this.get(tokenBoundKinds[res] ?? "", n, o));
    if ("error" in p) throw new Error(`pure: TokenRequest refused: ${p.error.message}`);
    const t = withTokenId(p, this.rng.uuid());
    const token = this.signer.sign({ type: "SignToken", id: 0, claims: t.claims }).token;
    this.issuedTokens = withIssued(this.issuedTokens, tokenKey(token), signedIssue(t.issued, token), now);
    this.requests.set("create serviceaccounts/token", (this.requests.get("create serviceaccounts/token") ?? 0) + 1);
    return token;
  }

  kind(kind: string): Map<string, any> {
    let m = this.byKind.get(kind);
    if (m === undefined) this.byKind.set(kind, (m = new Map()));
    return m;
  }

  get(kind: string, namespace: string | undefined, name: string): any {
    return this.byKind.get(kind)?.get(`${namespace ?? ""}/${name}`);
  }

  // Stored objects are deep-frozen values, as etcd's and the watch cache's are: the field manager's
  // and the controllers' memos keyed by stored parts hold for them as they do in the actor run.
  private put(obj: any, request: string): any {
    this.requests.set(request, (this.requests.get(request) ?? 0) + 1);
    // stored as the API server stores it: Go's encoding of the decoded object (schema/encode.ts)
    const stored = deepFreeze(goEncoded({ ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.revision) } }), false);
    const key = `${stored.metadata.namespace ?? ""}/${stored.metadata.name}`;
    const known = this.kind(stored.kind).has(key);
    this.kind(stored.kind).set(key, stored);
    this.writes++;
    this.collect(known ? "MODIFIED" : "ADDED", stored);
    return stored;
  }

  /**
   * The garbage collector's graph builder sees every write of a kind it monitors (all the loop
   * writes but Events, which GetDeletableResources leaves out), as kube-controller-manager's does;
   * nothing in the workload is orphaned, so its queue only ever holds what the graph asks for.
   */
  private collect(type: "ADDED" | "MODIFIED" | "DELETED", obj: any): void {
    if (obj.kind !== "Event") gcDelta(this.gc, 0, { type, object: obj });
  }

  /** What every admission plugin is told (admissionContext in apiserver.logic.ts): no LimitRanges, quotas or PriorityClasses in the bench's namespace. */
  private admission(now: number, old: any, subresource: string | undefined): MutateContext {
    const refuse = (reason: string) => {
      throw new Error(`pure: admission refused: ${reason}`);
    };
    return {
      now: rfc3339(now), old, operation: old ? "UPDATE" : "CREATE", limitRanges: [], quotas: [], priorityClasses: new Map(),
      serviceAccounts: (ns: string, name: string) => this.get("ServiceAccount", ns, name), runtimeClasses: () => undefined, refuse,
      ...(subresource ? { subresource } : {}),
    };
  }

  /**
   * A create (prepareCreate, then runMutatingAdmission, runValidatingAdmission and runValidation of
   * apiserver.logic.ts, whose steps read the API server's context: the same calls here, in order).
   */
  create(body: any, user: UserInfo, now: number): any {
    const r = mustResource(body.kind);
    this.authorize(user, "create", r, "", body.metadata?.namespace ?? (r.namespaced ? "default" : ""), body.metadata?.name ?? "");
    const manager = managerFor(undefined, user);
    const meta: any = { ...body.metadata };
    if (r.namespaced) meta.namespace ??= "default";
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${this.rng.string(5)}`;
    meta.uid = this.rng.uuid();
    meta.creationTimestamp = rfc3339(now);
    if (hasGeneration(r)) meta.generation = 1;
    if (this.get(r.kind, meta.namespace, meta.name)) throw new Error(`pure: ${r.kind} ${meta.name} already exists`);
    const obj = { ...body, apiVersion: apiVersionOf(r), kind: r.kind, metadata: meta };
    this.restrictNodes(user, "CREATE", r, "", obj, undefined);
    let admitted = this.admit(r, obj, undefined, manager, "", now);
    // the Service REST's BeginCreate sets its IP family fields before the strategy validates
    if (r.kind === "Service") {
      const init = initIPFamilyFields(admitted.spec ?? {}, undefined, serviceIPFamiliesOf([DEFAULT_SERVICE_CIDR]));
      if ("errors" in init) throw new Error(`pure: Service ${meta.name}: ${JSON.stringify(init.errors)}`);
      admitted = { ...admitted, spec: init.spec };
    }
    let errs = validateCreate(admitted);
    if (errs.length === 0) errs = validateCommonObjectMeta(admitted.metadata, r.namespaced);
    if (errs.length > 0) throw new Error(`pure: invalid ${r.kind} ${meta.name}: ${JSON.stringify(errs)}`);
    let stored = admitted;
    if (r.kind === "Service") {
      const res = allocateServiceAddresses(this.allocators, admitted, undefined);
      if ("errors" in res) throw new Error(`pure: Service ${meta.name}: ${JSON.stringify(res.errors)}`);
      if ("internal" in res) throw new Error(`pure: Service ${meta.name}: ${res.internal}`);
      this.allocators = res.allocators;
      stored = res.service;
    }
    return this.put(stored, `create ${r.resource}`);
  }

  /** An update of the main resource or of its status (prepareUpdate, then admission and validation as create's). */
  update(body: any, user: UserInfo, now: number, subresource?: "status", verb: "update" | "patch" = "update"): any {
    const r = mustResource(body.kind);
    this.authorize(user, verb, r, subresource ?? "", body.metadata.namespace ?? "", body.metadata.name);
    const manager = managerFor(undefined, user);
    const old = this.get(r.kind, body.metadata.namespace, body.metadata.name);
    if (!old) throw new Error(`pure: ${r.kind} ${body.metadata.name} not found`);
    const { resourceVersion: _rv, ...oldMeta } = old.metadata;
    let obj: any;
    if (subresource === "status") obj = { ...old, metadata: oldMeta, status: body.status };
    else {
      const { resourceVersion: _brv, ...given } = body.metadata ?? {};
      const meta = { ...given, name: old.metadata.name, uid: old.metadata.uid, creationTimestamp: old.metadata.creationTimestamp, namespace: old.metadata.namespace };
      if (old.metadata.generation !== undefined) meta.generation = old.metadata.generation;
      obj = { ...body, apiVersion: old.apiVersion, kind: old.kind, metadata: meta, ...(old.status !== undefined && r.subresources.includes("status") ? { status: old.status } : {}) };
      // bumpGeneration: a changed spec is a new generation
      if (hasGeneration(r) && JSON.stringify(obj.spec) !== JSON.stringify(old.spec)) meta.generation = (old.metadata.generation ?? 1) + 1;
    }
    this.restrictNodes(user, "UPDATE", r, subresource ?? "", obj, old);
    const admitted = this.admit(r, obj, old, manager, subresource ?? "", now);
    const errs = [...validateCommonObjectMeta(admitted.metadata, r.namespaced, old.metadata), ...validateUpdate(admitted, old, subresource)];
    if (errs.length > 0) throw new Error(`pure: invalid update of ${r.kind} ${body.metadata.name}: ${JSON.stringify(errs)}`);
    return this.put(admitted, `${verb} ${r.resource}${subresource ? `/${subresource}` : ""}`);
  }

  /** A strategic merge patch (prepareUpdate's patch branch), then the update's admission and validation. */
  patch(kind: string, namespace: string, name: string, patch: any, user: UserInfo, now: number): any {
    const old = this.get(kind, namespace, name);
    return this.update(strategicMergePatch(old, patch, kind), user, now, undefined, "patch");
  }

  delete(kind: string, namespace: string, name: string, user: UserInfo): void {
    this.authorize(user, "delete", mustResource(kind), "", namespace, name);
    const gone = this.get(kind, namespace, name);
    this.kind(kind).delete(`${namespace}/${name}`);
    if (gone !== undefined) this.collect("DELETED", gone);
    const request = `delete ${mustResource(kind).resource}`;
    this.requests.set(request, (this.requests.get(request) ?? 0) + 1);
    this.revision++;
    this.writes++;
  }

  /**
   * The pods/binding subresource: prepareSubresourceCreate's binding branch is private to
   * apiserver.logic.ts, so its plain equivalent: nodeName set, PodScheduled True, past admission.
   */
  bind(pod: any, nodeName: string, user: UserInfo, now: number): any {
    this.authorize(user, "create", mustResource("Pod"), "binding", pod.metadata.namespace, pod.metadata.name);
    if (pod.spec.nodeName) throw new Error(`pure: pod ${pod.metadata.name} is already assigned`);
    const conditions = (pod.status?.conditions ?? []).filter((c: any) => c.type !== "PodScheduled");
    conditions.push({ type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: rfc3339(now) });
    const { resourceVersion: _rv, ...meta } = pod.metadata;
    return this.put({ ...pod, metadata: meta, spec: { ...pod.spec, nodeName }, status: { ...pod.status, conditions } }, "create pods/binding");
  }

  /**
   * The Node authorizer's and NodeRestriction's questions and the RBAC policy, answered from the
   * store (nodeGraph and rbacObjects of apiserver.logic.ts read the watch cache the same way).
   */
  private readonly graph: NodeGraph = {
    pod: (namespace, name) => this.get("Pod", namespace, name),
    podsOn: (node) => [...this.kind("Pod").values()].filter((p) => p.spec?.nodeName === node),
    node: (name) => this.get("Node", undefined, name),
    pv: (name) => this.get("PersistentVolume", undefined, name),
    pvs: () => this.kind("PersistentVolume").values(),
    volumeAttachment: (name) => this.get("VolumeAttachment", undefined, name),
    rbac: {
      role: (namespace, name) => this.get("Role", namespace, name),
      clusterRole: (name) => this.get("ClusterRole", undefined, name),
      clusterRoleBindings: () => this.kind("ClusterRoleBinding").values(),
      roleBindings: (namespace) => [...this.kind("RoleBinding").values()].filter((b) => b.metadata?.namespace === namespace),
      // the policy is not written during the run: each kind's map stands for its version
      versions: () => [this.kind("ClusterRoleBinding"), this.kind("ClusterRole"), this.kind("RoleBinding"), this.kind("Role")],
    },
  };

  /** Authorization (Node, then RBAC) of the request's attributes, as authorizeRequest does. */
  private authorize(user: UserInfo, verb: string, r: ResourceInfo, subresource: string, namespace: string, name: string): void {
    const a: Attributes = { user, verb, resourceRequest: true, apiGroup: r.group, resource: r.resource, subresource, namespace: r.namespaced ? namespace : "", name, path: "", fieldSelector: [] };
    const d = authorize(a, this.graph);
    if (!d.allowed) throw new Error(`pure: ${user.name} may not ${verb} ${r.resource}${subresource ? `/${subresource}` : ""}: ${d.reason}`);
  }

  /** The NodeRestriction admission plugin on the write as prepared (restrictNodes). */
  private restrictNodes(user: UserInfo, operation: "CREATE" | "UPDATE", r: ResourceInfo, subresource: string, obj: any, old: any): void {
    const st = admitNodeRestriction({ user, operation, r, subresource, namespace: obj.metadata?.namespace ?? "", name: obj.metadata?.name ?? "", obj, old }, this.graph);
    if (st) throw new Error(`pure: NodeRestriction: ${st.message}`);
  }

  /** Objects the cluster holds before the workload (the bootstrap RBAC policy, registered Nodes), stored as they are. */
  preload(obj: any): void {
    const stored = deepFreeze({ ...obj, metadata: { uid: this.rng.uuid(), creationTimestamp: rfc3339(t0), ...obj.metadata, resourceVersion: String(++this.revision) } }, false);
    this.kind(stored.kind).set(`${stored.metadata.namespace ?? ""}/${stored.metadata.name}`, stored);
    this.collect("ADDED", stored);
  }

  /** recordManagedFields (the field manager reads the defaulted object), then mutating admission and its refusals. */
  private admit(r: ResourceInfo, obj: any, old: any, manager: string, subresource: string, now: number): any {
    const read = defaulted(obj);
    const fields = updateRecorded(r, old, read, { manager, subresource, now: rfc3339(now) });
    const { managedFields: _m, ...meta } = read.metadata;
    read.metadata = fields ? { ...meta, managedFields: fields } : meta;
    const actx = this.admission(now, old, subresource || undefined);
    const out = admitDefaulted(read, actx);
    const refused = admissionRefusal(obj, actx);
    if (refused !== undefined) throw new Error(`pure: admission refused ${r.kind}: ${refused}`);
    if (r.namespaced) {
      const v = validatingAdmission(out, { ...actx, nowMs: now, resource: { group: r.group, resource: r.resource } });
      if ("refused" in v) throw new Error(`pure: ${v.refused}`);
    }
    return out;
  }

  /** each recording component's EventCorrelator, by component and host */
  private readonly correlators = new Map<string, Correlator>();

  /** An Event as client-go's legacy recorder makes it (newEvent): correlated, then created or patched through the API. */
  event(involved: any, reason: string, message: string, component: string, now: number, seq: number, host?: string): any {
    const source = host ? { component, host } : { component };
    const who = `${component}/${host ?? ""}`;
    const r = correlate(this.correlators.get(who) ?? newCorrelator(), newEvent(involved, "Normal", reason, message, source, now, seq), now, () => eventName(involved.metadata.name, source, now, seq + 1));
    this.correlators.set(who, r.correlator);
    if (r.skip) return undefined;
    if (r.patch) return this.patch("Event", r.event.metadata.namespace, r.event.metadata.name, r.patch, userOf(component, host), now);
    return this.create(r.event, userOf(component, host), now);
  }

  /** kube-scheduler's events.k8s.io/v1 Event (a first one: no series), created in its stored form. */
  eventV1(regarding: any, reason: string, action: string, note: string, now: number, seq: number): any {
    return this.create(eventV1Stored(newEventV1(regarding, undefined, "Normal", reason, action, note, schedulerReporter, now, seq)), scheduler, now);
  }
}

/** The kinds a TokenRequest's lookup asks for by resource (its bound object, the pod's node). */
const tokenBoundKinds: Record<string, string> = { pods: "Pod", nodes: "Node", secrets: "Secret" };

const generationKinds = new Set(["Pod", "Deployment", "ReplicaSet"]);
function hasGeneration(r: ResourceInfo): boolean {
  return generationKinds.has(r.kind);
}

function mustResource(kind: string): ResourceInfo {
  const r = resourceForKind(kind);
  if (!r) throw new Error(`pure: no resource for ${kind}`);
  return r;
}

/** The identities the components authenticate as (runtime/components.ts), and the admin's. */
const admin: UserInfo = { name: "admin", groups: ["system:masters", "system:authenticated"] };
const controllerManager: UserInfo = { name: "system:kube-controller-manager", groups: ["system:authenticated"] };
const scheduler: UserInfo = { name: "system:kube-scheduler", groups: ["system:authenticated"] };
/** kube-scheduler's reporter on kind's control-plane node (the first node, as runtime/components.ts starts it) */
const schedulerReporter = { controller: "default-scheduler", instance: "default-scheduler-node-1" };
const nodeUsers = new Map<string, UserInfo>();
function nodeUser(node: string): UserInfo {
  let u = nodeUsers.get(node);
  if (u === undefined) nodeUsers.set(node, (u = { name: `system:node:${node}`, groups: ["system:nodes", "system:authenticated"] }));
  return u;
}

/** The identity an Event's recorder writes it as. */
function userOf(component: string, host: string | undefined): UserInfo {
  if (component === "kubelet") return nodeUser(host!);
  if (component === "default-scheduler") return scheduler;
  return controllerManager;
}

// ---- the kubelet's per-node state ---------------------------------------------------------------

interface PureNode {
  node: Node;
  name: string;
  info: NodeInfo;
  hostIP: string;
  /** the node's container runtime and CNI plugin: their own logic's contexts, served by plain calls (handleCri, handleCni) */
  cri: CriContext;
  cni: CniContext;
  /** the runtime's pull under way, per image: when it ends and the lifecycle timer that ends it */
  pulls: Map<string, { at: number; timer: { type: string } }>;
  /** the kubelet's request ids and Event sequence */
  ids: number;
  events: number;
}

/** What the kubelet keeps of one pod between its syncs. */
interface PodRun {
  pod: any;
  node: PureNode;
  sandboxId: string;
  ip: string;
  pulledAt: number;
}

/**
 * One request to the node's runtime or CNI, served by its logic function on its context (what the
 * CRI and CNI machines do on a message), its one answer read from the outbox: no message is sent.
 */
function serve(pn: PureNode, req: any, now: number): any {
  const fx = new Fx();
  if (req.type === "CniAdd") handleCni(pn.cni, req, `kubelet/${pn.name}`, fx);
  else {
    pn.cri.now = now;
    handleCri(pn.cri, req, `kubelet/${pn.name}`, fx);
    // a pull's lifecycle ends on its timer: kept to be fired when the pull's time has come
    for (const t of fx.timers) if (t.event.type === "PullTimer") pn.pulls.set(t.event.image as string, { at: now + t.ms, timer: t.event.event as { type: string } });
  }
  return fx.sends.find((x) => (x.msg as any).id === req.id)?.msg;
}

/** The node's pulls whose time has come end (pullTimer, as the CRI machine does on its timer). */
function endPulls(pn: PureNode, now: number): void {
  for (const [image, p] of pn.pulls) {
    if (p.at > now) continue;
    pn.pulls.delete(image);
    pn.cri.now = p.at;
    pullTimer(pn.cri, image, p.timer, new Fx());
  }
}

/**
 * The status the kubelet writes (generateStatus of statusmanager.ts reads the pod worker and the
 * kubelet's context, so its plain equivalent over the same pure parts: podPhase, podConditions,
 * podQOSClass), with the container's status as containerStatus builds it.
 */
function kubeletStatus(pod: any, run: { hostIP: string; ip?: string; startTime: number; container: any; sandboxReady: boolean; now: number }): any {
  const status: any = { hostIP: run.hostIP, hostIPs: [{ ip: run.hostIP }] };
  if (run.ip) Object.assign(status, { podIP: run.ip, podIPs: [{ ip: run.ip }] });
  status.startTime = rfc3339(run.startTime);
  status.containerStatuses = [run.container];
  status.qosClass = podQOSClass(pod);
  const foreign = (pod.status?.conditions ?? []).filter((c: any) => !kubeletOwnedConditions.includes(c.type));
  const owned = (pod.status?.conditions ?? []).filter((c: any) => kubeletOwnedConditions.includes(c.type));
  const probe = { metadata: pod.metadata, spec: pod.spec, status: { ...status, conditions: [...foreign, ...owned] } };
  status.phase = podPhase(probe as Pod, { podHasInitialized: run.container.state.running !== undefined });
  status.conditions = podConditions({ metadata: pod.metadata, spec: pod.spec, status: { ...probe.status, phase: status.phase } } as Pod, { sandboxReady: run.sandboxReady, now: rfc3339(run.now) });
  return status;
}

/** The status manager's write: through pods/status only when the status differs from the stored one (writeStatus compares their JSON). */
function writeStatus(store: PureStore, pn: PureNode, pod: any, status: any, now: number): any {
  if (pod.status !== undefined && JSON.stringify(pod.status) === JSON.stringify(status)) return pod;
  return store.update({ ...pod, status }, nodeUser(pn.name), now, "status");
}

function containerStatusOf(spec: any, state: any, image: { ref: string; imageID: string } | undefined, ready: boolean, containerID?: string): any {
  const s: any = { name: spec.name, state, lastState: {}, ready, restartCount: 0, image: image?.ref ?? spec.image, imageID: image?.imageID ?? "", started: ready };
  if (containerID) s.containerID = `containerd://${containerID}`;
  return s;
}

/** The Service variables a container of the namespace gets (getServiceEnvVarMap, enableServiceLinks), in name order. */
function serviceEnv(store: PureStore, namespace: string): Record<string, string> {
  const env: Record<string, string> = {};
  const services = [...store.kind("Service").values()].filter((s) => s.metadata.namespace === namespace || (s.metadata.namespace === "default" && s.metadata.name === "kubernetes"));
  services.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  for (const svc of services) if (svc.spec?.clusterIP && svc.spec.clusterIP !== "None") for (const [k, v] of variablesOfService(svc)) env[k] = v;
  return env;
}

// ---- the loop ----------------------------------------------------------------------------------

export interface PureRun {
  result: PureResult;
  store: PureStore;
  /** kube-proxy's programmed Services and CoreDNS's records, by Service key and by name */
  proxy: EndpointViews["proxy"];
  dns: EndpointViews["dns"];
}

/** Runs the bench workload (P pods in Deployments of 100 behind a Service each, on N nodes) as plain calls. */
export function runPure(nodes: number, pods: number, seed = 1): PureRun {
  const store = new PureStore(seed);
  const given = benchNodes(nodes);
  // the cluster as the workload finds it: registered nodes, the namespace's default ServiceAccount
  const pureNodes: PureNode[] = given.map((g, i) => {
    const node = registrationNode(g, i, g.spec!.podCIDR!, t0);
    const name = node.metadata!.name!;
    const cri = initialCri({ node: name });
    recoverStore(cri);
    return { node, name, info: newNodeInfo(node, []), hostIP: internalIPFor(i), cri, cni: initialCni({ node: name, podCIDR: node.spec!.podCIDR! }), pulls: new Map(), ids: 1, events: 0 };
  });
  const nodeByName = new Map(pureNodes.map((n) => [n.node.metadata!.name!, n]));
  const infos = pureNodes.map((n) => n.info);
  for (const o of [...bootstrapClusterRoles(), ...bootstrapClusterRoleBindings()]) store.preload(o);
  for (const n of pureNodes) store.preload(n.node);
  store.create({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace: "default" } }, controllerManager, t0);
  const schedRng = new Rng(seed);
  const rand = () => schedRng.next();
  let startIndex = 0;
  const seqs = new Map<string, number>();
  const seq = (component: string) => {
    const n = seqs.get(component) ?? 0;
    seqs.set(component, n + 1);
    return n;
  };
  const manifests = benchManifests(pods) as any[];
  const triggers: EndpointViews = { endpoints: IMap(), slices: IMap(), proxy: new Map(), dns: new Map() };

  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  // Each Deployment and its Service: everything done at t0, then, once the pulls end, the rest.
  const runs: Array<{ d: Deployment; svc: Service; rs: ReplicaSet; pods: PodRun[] }> = [];
  for (let i = 0; i < manifests.length; i += 2) {
    const now = t0;
    // kubectl apply: a create with the last-applied-configuration annotation, as the admin
    const applied = (m: any) => ({ ...m, metadata: { ...m.metadata, annotations: { [lastAppliedAnnotation]: `${JSON.stringify(m)}\n` } } });
    let d: Deployment = store.create(applied(manifests[i]), admin, now);
    const svc: Service = store.create(applied(manifests[i + 1]), admin, now);

    // the endpoints and EndpointSlice controllers see the Service: an empty Endpoints and a placeholder slice
    syncEndpoints(store, svc, [], now, nodeByName, triggers);

    // the deployment controller: the new ReplicaSet, its Event, the revision annotation, the status
    const got = getNewReplicaSet(d, [], true, now);
    let rs: ReplicaSet = store.create(got.newRS, controllerManager, now);
    store.event(d, "ScalingReplicaSet", `Scaled up replica set ${rs.metadata!.name} from 0 to ${rs.spec!.replicas}`, "deployment-controller", now, seq("deployment-controller"));
    d = store.patch("Deployment", "default", d.metadata!.name!, { metadata: { annotations: { [REVISION_ANNOTATION]: got.deploymentRevision } } }, controllerManager, now);
    let dStatus = syncDeploymentStatus(d, [rs], rs, now);
    if (got.condition) dStatus = { ...dStatus, conditions: [...(dStatus.conditions ?? []).filter((c) => c.type !== "Progressing"), got.condition] };
    d = store.update({ ...d, status: dStatus }, controllerManager, now, "status");

    // the ReplicaSet controller: its pods from the template, an Event each, then its status
    const created: any[] = [];
    for (let k = 0; k < (rs.spec!.replicas ?? 0); k++) {
      const pod = store.create(newPodFromTemplate(rs), controllerManager, now);
      store.event(rs, "SuccessfulCreate", `Created pod: ${pod.metadata.name}`, "replicaset-controller", now, seq("replicaset-controller"));
      created.push(pod);
    }
    rs = store.update({ ...rs, status: replicaSetStatus(rs, created, undefined, now) }, controllerManager, now, "status");
    d = store.update({ ...d, status: syncDeploymentStatus(d, [rs], rs, now) }, controllerManager, now, "status");

    // the scheduler: each pod placed, bound, and its Scheduled Event; then the kubelet's start until the pull
    const podRuns: PodRun[] = [];
    // PodTopologySpread's listers, as the scheduler's informers give them: its system-default
    // constraints select a pod by its Services and its ReplicaSet
    const spreadListers: SpreadListers = {
      services: (ns) => [...store.kind("Service").values()].filter((x) => x.metadata.namespace === ns),
      controller: (kind, ns, name) => store.get(kind, ns, name),
    };
    for (const p of created) {
      const r = schedulePod(p, infos, startIndex, rand, { spreadListers });
      startIndex = r.nextStartIndex;
      if (r.kind !== "scheduled") throw new Error(`pure: ${p.metadata.name} did not fit`);
      const pn = nodeByName.get(r.nodeName)!;
      addPodToNodeInfo(pn.info, p);
      const bound = store.bind(p, r.nodeName, scheduler, now);
      store.eventV1(bound, "Scheduled", "Binding", `Successfully assigned ${bound.metadata.namespace}/${bound.metadata.name} to ${r.nodeName}`, now, seq("default-scheduler"));
      podRuns.push(startPod(store, pn, bound, now));
    }
    // the endpoints controllers see the pods with their IPs, not ready yet
    syncEndpoints(store, svc, podRuns.map((x) => x.pod), now, nodeByName, triggers);
    runs.push({ d, svc, rs, pods: podRuns });
  }

  // The pulls end: each container is created and started, then the controllers see the pods ready.
  let running = 0;
  // the Services no longer change: their variables are built once (the kubelet keeps them per store and namespace)
  const env = Object.freeze(serviceEnv(store, "default"));
  const envKeys = Object.keys(env);
  // Each pod's Running status is one pod update each controller sees: the ReplicaSet controller's
  // status (one more ready replica), the deployment controller's after it, and the endpoints and
  // EndpointSlice controllers' Service sync each write once per pod turning ready, as the actor
  // run's controllers do (1.00-1.02 of each write per pod): a work queue coalesces only a key
  // added while it still waits, and each readiness change here is synced before the next.
  for (const run of runs) {
    let rs = run.rs;
    let now = t0;
    const podsNow = run.pods.map((x) => x.pod);
    for (let k = 0; k < run.pods.length; k++) {
      const pr = run.pods[k]!;
      finishPod(store, pr, env, envKeys);
      if (pr.pod.status.phase === "Running") running++;
      podsNow[k] = pr.pod;
      now = Math.max(now, pr.pulledAt);
      const rsStatus = replicaSetStatus(rs, podsNow, undefined, now);
      // updateReplicaSetStatus and syncDeploymentStatus write only a status that changed
      if (!deepEqual(rs.status, rsStatus)) rs = store.update({ ...rs, status: rsStatus }, controllerManager, now, "status");
      const d = store.get("Deployment", "default", run.d.metadata!.name!);
      const dStatus = syncDeploymentStatus(d, [rs], rs, now);
      if (!deepEqual(d.status, dStatus)) store.update({ ...d, status: dStatus }, controllerManager, now, "status");
      syncEndpoints(store, run.svc, podsNow, now, nodeByName, triggers);
    }
  }
  const wall = (performance.now() - wall0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { result: { nodes, pods, wallSeconds: wall, cpuSeconds: (cpu.user + cpu.system) / 1e6, podsPerSecond: pods / wall, running, writes: store.writes }, store, proxy: triggers.proxy, dns: triggers.dns };
}

/** The kubelet's first SyncPod: its status (ContainerCreating), then the runtime's sandbox with its IP and the image's pull begun. */
function startPod(store: PureStore, pn: PureNode, pod: any, now: number): PodRun {
  const spec = pod.spec.containers[0];
  const waiting = containerStatusOf(spec, { waiting: { reason: "ContainerCreating" } }, undefined, false);
  const base = { hostIP: pn.hostIP, startTime: now, now };
  pod = writeStatus(store, pn, pod, kubeletStatus(pod, { ...base, container: waiting, sandboxReady: false }), now);
  // RunPodSandbox with the volumes' files, then CNI ADD: the node's host-local IPAM gives the pod its IP
  const names = { podUid: pod.metadata.uid, podName: pod.metadata.name, podNamespace: pod.metadata.namespace };
  const sandbox = serve(pn, { type: "RunPodSandbox", id: pn.ids++, ...names, volumes: [], files: volumeFiles(store, pn, pod, now) }, now);
  if (sandbox.error) throw new Error(`pure: ${sandbox.error}`);
  const net = serve(pn, { type: "CniAdd", id: pn.ids++, sandboxId: sandbox.sandboxId, ...names }, now);
  if (!net.ok) throw new Error(`pure: ${net.error}`);
  // no status here: SyncPod set it once at its start; the runtime's SyncPod goes on (kubelet.go)
  // ImageStatus: absent until its pull ends, so the pod's worker pulls (joining the pull under way)
  const present = serve(pn, { type: "ImageStatus", id: pn.ids++, image: spec.image }, now).present;
  if (present) throw new Error(`pure: ${spec.image} present on ${pn.name} at t0`);
  store.event(pod, "Pulling", `Pulling image "${spec.image}"`, "kubelet", now, pn.events++, pn.name);
  serve(pn, { type: "PullImage", id: pn.ids++, image: spec.image }, now);
  const pull = pn.pulls.get(spec.image);
  if (pull === undefined) throw new Error(`pure: no pull of ${spec.image} under way on ${pn.name}`);
  return { pod, node: pn, sandboxId: sandbox.sandboxId, ip: net.ip, pulledAt: pull.at };
}

/**
 * The files of the pod's projected kube-api-access volume, as the kubelet's mountVolumes writes them
 * (its volumeFiles reads the kubelet's context and pod worker, so the plain equivalent for this
 * volume: the token from the kubelet's TokenRequest, the cluster's CA, the namespace from the downward API).
 */
function volumeFiles(store: PureStore, pn: PureNode, pod: any, now: number): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  const ns = pod.metadata.namespace;
  for (const v of pod.spec.volumes ?? []) {
    if (!v.projected) continue;
    const files: Record<string, string> = {};
    for (const src of v.projected.sources) {
      if (src.serviceAccountToken) files[src.serviceAccountToken.path] = store.tokenRequest(pod, tokenRequestBody(pod, pod.metadata.uid, src.serviceAccountToken), nodeUser(pn.name), now);
      else if (src.configMap?.name === "kube-root-ca.crt") for (const it of src.configMap.items ?? []) files[it.path] = clusterCACert;
      else if (src.downwardAPI) for (const it of src.downwardAPI.items ?? []) if (it.fieldRef?.fieldPath === "metadata.namespace") files[it.path] = ns;
    }
    out[v.name] = files;
  }
  return out;
}

/**
 * The kubelet once the image is there: Pulled, CreateContainer (its
 * environment, mounts and host files, as generateContainerConfig and makeMounts build them),
 * StartContainer (the runtime starts the image's process), Running.
 */
function finishPod(store: PureStore, pr: PodRun, serviceVars: Readonly<Record<string, string>>, serviceKeys: readonly string[]): void {
  const pn = pr.node;
  const now = pr.pulledAt;
  endPulls(pn, now);
  let pod = pr.pod;
  const spec = pod.spec.containers[0];
  const image = serve(pn, { type: "ImageStatus", id: pn.ids++, image: spec.image }, now).present;
  if (!image) throw new Error(`pure: ${spec.image} not pulled on ${pn.name}`);
  const startTime = Date.parse(pod.status.startTime);
  const took = goDuration(now - startTime);
  store.event(pod, "Pulled", `Successfully pulled image "${spec.image}" in ${took} (${took} including waiting). Image size: ${image.sizeBytes} bytes.`, "kubelet", now, pn.events++, pn.name);
  const pulled = { ref: image.ref, imageID: image.imageID };
  const base = { hostIP: pn.hostIP, ip: pr.ip, startTime, sandboxReady: true, now };
  // the pull ends inside the same runtime SyncPod: no status until the containers are started
  // makeEnvironmentVariables for a container with no env of its own: HOSTNAME and the Service
  // variables, composed as the kubelet does (the runtime keeps them shared, as its parts)
  const env = composeEnv(hostnameEnv(pod), serviceVars, serviceKeys);
  const mounts = resolveSubPaths(spec, env);
  if ("error" in mounts) throw new Error(`pure: ${mounts.error}`);
  const files = containerFiles(pod, spec, [pr.ip], { name: pn.name, hostIP: pn.hostIP });
  files[resolvConfPath] = resolvConf(podDNSConfig(pod));
  const created = serve(pn, { type: "CreateContainer", id: pn.ids++, sandboxId: pr.sandboxId, container: expandCommandAndArgs(mounts.container, env), attempt: 1, env, podIP: pr.ip, files }, now);
  if (!created.ok) throw new Error(`pure: ${created.message}`);
  store.event(pod, "Created", "Container created", "kubelet", now, pn.events++, pn.name);
  const started = serve(pn, { type: "StartContainer", id: pn.ids++, containerId: created.containerId }, now);
  if (!started.ok) throw new Error(`pure: ${started.message}`);
  store.event(pod, "Started", "Container started", "kubelet", now, pn.events++, pn.name);
  const runningStatus = containerStatusOf(spec, { running: { startedAt: rfc3339(started.startedAt) } }, pulled, true, created.containerId);
  pod = writeStatus(store, pn, pod, kubeletStatus(pod, { ...base, container: runningStatus }), now);
  pr.pod = pod;
}

/**
 * Each endpoints controller's TriggerTimeTracker (its states are values: computeTriggerTime returns
 * the next), and what kube-proxy and CoreDNS make of the slices: kube-proxy's sync programs each
 * Service with its slices (its rules are built from them when a connection asks, as the actor
 * run's), CoreDNS's zone holds each Service's records (serviceRecords, as its rebuildZone).
 */
interface EndpointViews {
  endpoints: TriggerStates;
  slices: TriggerStates;
  proxy: Map<string, { svc: Service; slices: EndpointSlice[] }>;
  dns: Map<string, DNSRecord[]>;
}

/**
 * The endpoints and EndpointSlice controllers' sync of one Service over its pods: one write each
 * when they change (the slices' plan finalized as the controller does: a delete and a create
 * become one update).
 */
function syncEndpoints(store: PureStore, svc: Service, pods: Pod[], now: number, nodes: Map<string, PureNode>, triggers: EndpointViews): void {
  const ns = svc.metadata!.namespace!;
  const name = svc.metadata!.name!;
  const key = `${ns}/${name}`;
  const te = computeTriggerTime(triggers.endpoints, key, svc, pods);
  triggers.endpoints = te.states;
  const want = endpointsFor(svc, pods, te.time === undefined ? {} : { lastChangeTriggerTime: te.time })!;
  const old = store.get("Endpoints", ns, name);
  if (old === undefined) store.create(want, controllerManager, now);
  else if (!endpointsEqual(old, want)) store.update({ ...old, metadata: { ...old.metadata, labels: want.metadata!.labels, annotations: want.metadata!.annotations }, subsets: want.subsets }, controllerManager, now);
  const ts = computeTriggerTime(triggers.slices, key, svc, pods);
  triggers.slices = ts.states;
  const slices = [...store.kind("EndpointSlice").values()].filter((s) => s.metadata.namespace === ns && s.metadata.labels?.["kubernetes.io/service-name"] === name);
  const changes = reconcileSlices(svc, pods, slices, { nodeNamed: (n) => nodes.get(n)?.node });
  const plan = finalizePlan(changes, ts.time);
  for (const w of plan) {
    if (w.action === "create") store.create(w.slice, controllerManager, now);
    else if (w.action === "update") store.update(w.slice, controllerManager, now);
    else store.delete("EndpointSlice", ns, w.slice.metadata!.name!, controllerManager);
  }
  if (plan.length === 0 && triggers.proxy.has(key)) return;
  const own = [...store.kind("EndpointSlice").values()].filter((s) => s.metadata.namespace === ns && s.metadata.labels?.["kubernetes.io/service-name"] === name);
  triggers.proxy.set(key, { svc, slices: own });
  for (const [n, records] of Object.entries(serviceRecords(svc, own).records)) triggers.dns.set(n, records);
}

/** The pure baseline's figures at one size (bench/index.ts's PURE column). */
export function runPureBaseline(nodes: number, pods: number, seed = 1): PureResult {
  return runPure(nodes, pods, seed).result;
}
