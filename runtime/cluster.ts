// createCluster: the public facade over the runtime. It starts etcd, the API server and the
// components, bootstraps what a fresh cluster has (namespaces, the kubernetes Service), and
// speaks to the API server as kubectl does, through the same channels as every component.

import { randomBytes } from "node:crypto";
import type { Status } from "kubernetes-types/meta/v1";
import type { Node } from "kubernetes-types/core/v1";
import { componentStatuses } from "../machines/apiserver/componentstatus.js";
import { apiServices, metricsServerAPIService } from "../machines/apiserver/apiservices.js";
import { flowSchemas, priorityLevelConfigurations } from "../machines/apiserver/flowcontrol.js";
import { defaultServiceCIDRName } from "../machines/apiserver/servicecidr.js";
import { csiNodes } from "../machines/apiserver/csinode.js";
import { rfc3339 } from "../machines/common/time.js";
import { servedVersions } from "../machines/apiserver/conversion.js";
import { etcdMachine } from "../machines/etcd/etcd.machine.js";
import type { EtcdRestore } from "../machines/etcd/etcd.logic.js";
import { apiServerMachine } from "../machines/apiserver/apiserver.machine.js";
import { systemPriorityClassObjects } from "../machines/apiserver/admission/index.js";
import type { ApiRequest, ApiResponse, EtcdRequest, EtcdResponse, CallWebhook, SignCertificate, SignToken } from "../machines/messages.js";
import type { ConnectMsg, ConnectResult } from "../machines/cri/messages.js";
import { internalIPv6For } from "../machines/kubelet/node.js";
import { joinHostPort } from "../machines/common/ip.js";
import { aggregatedGroups, apiVersionOf, resourceForKind, resourceForKindAt, resources, type ResourceInfo } from "../machines/apiserver/resources.js";
import { customRegistry, resourceAtVersion, resourceForKindIn, resourceIn, type HasCRDs } from "../machines/apiserver/crds.js";
import { lookupStored, type ApiServerContext } from "../machines/apiserver/apiserver.logic.js";
import { issuedToken, serviceAccountUser, tokenKey } from "../machines/apiserver/auth/tokenrequest.js";
import { isLegacyClaims, legacyTokenUser } from "../machines/common/legacytoken.js";
import { candidates, matches, objectFields } from "../machines/apiserver/cache.js";
import { parseFieldSelector, parseSelector } from "../machines/common/labels.js";
import type { UserInfo } from "../machines/apiserver/auth/index.js";
import { seedFor } from "../machines/common/prng.js";
import { bootstrapClusterRoleBindings, bootstrapClusterRoles, bootstrapRoleBindings, bootstrapRoles } from "../machines/apiserver/auth/bootstrap.js";
import { adminMarks, clusterInfoConfigMap, clusterInfoRBAC, markRegisteredNodes } from "./kubeadm.js";
import { Runtime } from "./runtime.js";
import type { Interpreter } from "./fastpath.js";
import { etcdPolicy } from "./policy.js";
import { TokenSigner } from "./tokensigner.js";
import { callWebhook } from "./webhookclient.js";
import { CertificateSigner } from "./certsigner.js";
import { ApiError, conversionOf, decodeApplied, parseManifests, precheck } from "./manifests.js";
import { components, type ComponentSet } from "./components.js";
import { clusterNetworking, ipFamilyModes, isIPv6Primary, serviceIPAt, type ClusterNetworking, type IPFamilyMode } from "./ipfamily.js";
import { isPolicyWrite, POLICY_AGENT, startPolicyAgent } from "./policyagent.js";
import { isPolicyStored, startPolicyStatusController } from "./vapstatus.js";
// networking views
import { Rng } from "../machines/common/prng.js";
import { guardRegexBacktracking } from "./regexguard.js";
import { pickBackend, rulesFor, type ProxyRule } from "../machines/kube-proxy/kube-proxy.logic.js";
import { resolveName as answerName, type DNSAnswer } from "../machines/dns/dns.logic.js";

export interface ClusterOptions {
  /**
   * The cluster CA's certificate (PEM): the kube-root-ca.crt ConfigMaps and every pod's ca.crt hold it.
   * `podflow serve` gives the CA its serving certificate chains to; without one, a placeholder.
   */
  rootCA?: string;
  /** a count of nodes, or v1 Node objects (labels, taints, allocatable, podCIDR) */
  nodes?: number | Node[];
  seed?: number;
  clock?: "simulated" | "live";
  /** live clock only: simulated ms per wall ms */
  speed?: number;
  trace?: boolean;
  /** extra image repositories and their tags, for the simulated registry */
  registry?: Record<string, string[]>;
  /** the AppArmor profiles loaded on every node (the docs' tutorial's k8s-apparmor-example-deny-write by default) */
  appArmorProfiles?: readonly string[];
  /** kube-controller-manager's --terminated-pod-gc-threshold: PodGC deletes terminated pods above it (12500 by default, 0 never) */
  terminatedPodGCThreshold?: number;
  /** start without the controllers/kubelets (foundation tests) */
  only?: Array<"etcd" | "apiserver">;
  /**
   * How bearer tokens are made. "random" (the default on the live clock): fresh from node:crypto at
   * every start, so no token can be computed from the seed. "seeded" (the default on the simulated
   * clock): derived from the seed, so a run and its replay hold the same contexts, byte for byte.
   */
  tokens?: "random" | "seeded";
  /** the admin user's bearer token, instead of a made one (podflow serve --token) */
  adminToken?: string;
  /** more users, each given a bearer token made as the admin's (podflow serve --user NAME:GROUPS); Cluster.userTokens names them */
  users?: ReadonlyArray<{ name: string; groups: readonly string[] }>;
  /** deep-freeze every actor's context (or the value machines', or those the predicate names) before each transition: a test that contexts are values */
  freezeSnapshots?: boolean | "values" | ((address: string) => boolean);
  /** what steps the value machines: the fast path or XState's interpreter (RuntimeOptions.interpreter) */
  interpreter?: Interpreter;
  /**
   * A real etcd behind the etcd machine (podflow serve --etcd): the machine starts on the key space
   * it holds, and `attach` sees the runtime before anything is written, to write every revision through.
   */
  etcdStore?: { readonly restore: EtcdRestore; attach(rt: Runtime): void };
  /** etcd's --quota-backend-bytes (2 GiB by default): past it etcd raises NOSPACE and refuses writes */
  etcdQuotaBackendBytes?: number;
  /**
   * kubeadm's addons as pods in kube-system: the coredns Deployment (two replicas, so the kube-dns
   * Service has endpoints) and the kube-proxy DaemonSet, with their ConfigMaps and ServiceAccounts
   * (podflow serve's default). Off by default: the pods would shift every seeded run.
   */
  addons?: boolean;
  /**
   * The control plane's Leases in kube-system: kube-controller-manager's and kube-scheduler's leader
   * election and kube-apiserver's identity Lease, held on the first node (kind's control plane) and
   * renewed every 2 s and 10 s (podflow serve's default). Off by default: the renewals would shift
   * every seeded run.
   */
  leases?: boolean;
  /**
   * kind's networking.ipFamily: "ipv4" (the default), "ipv6" or "dual" (IPv4 first), with kind's default pod
   * and service subnets for it (podflow serve --ip-family).
   */
  ipFamily?: IPFamilyMode;
}

/** What an operator's etcdctl asks of etcd: `alarm list` / `alarm disarm`, `defrag`, `endpoint status`, `compact REV`. */
export type EtcdctlRequest =
  | { type: "Alarm"; action: "get" | "deactivate"; alarm?: "NOSPACE" }
  | { type: "Defragment" }
  | { type: "Status" }
  | { type: "Compact"; revision: number };

export interface ApplyResult {
  kind: string;
  name: string;
  namespace?: string;
  action: "created" | "configured" | "unchanged";
  object: any;
  /** the Warning headers of the create or patch, which kubectl prints before its line */
  warnings?: string[];
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export const lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

/** How a live cluster runs (Cluster.setPace). */
export type Pace = { mode: "live"; speed: number } | { mode: "paced"; perSecond: number } | { mode: "paused" };

/** Wall-clock ms the live cluster works before it yields to I/O. */
export const liveSliceMs = 10;


export class Cluster {
  readonly runtime: Runtime;
  readonly seed: number;
  readonly tokens: Map<string, UserInfo>;
  readonly adminToken: string;
  /** user name -> bearer token of the users ClusterOptions.users asked for */
  readonly userTokens = new Map<string, string>();
  /** the CA the csrsigning controller's approved requests are signed by (serve gives it its serving CA) */
  readonly certificateSigner: CertificateSigner;
  /** the service account token signer; its public keys are the issuer's /openid/v1/jwks */
  readonly tokenSigner: TokenSigner;
  /**
   * kube-apiserver's secure port as pods reach it (the control-plane node's address, port 6443):
   * `podflow serve` attaches its HTTPS front end here; a cluster without one refuses the connection.
   */
  private securePort: ((msg: ConnectMsg) => Promise<Omit<ConnectResult, "type" | "id">>) | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, (r: ApiResponse) => void>();
  private readonly responses = new Map<number, ApiResponse>();
  private readonly watchHandlers = new Map<number, (ev: any) => void>();
  private readonly etcdAnswers = new Map<number, EtcdResponse>();
  private readonly etcdWaiting = new Map<number, (r: EtcdResponse) => void>();
  private liveTimer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private stopped = false;
  /** errors that escaped a live slice (reported on stderr; the cluster goes on) */
  liveErrors = 0;
  readonly live: boolean;
  readonly set: ComponentSet;
  /** the pod and service subnets of the cluster's IP family (kind's networking) */
  readonly networking: ClusterNetworking;
  /** when the API server started (RFC 3339): the aggregator's autoregister controller writes its APIServices then */
  private startedAt = "";
  /** API Priority and Fairness' bootstrap configuration: fixed for the run, each object with its own uid */
  private apf: { flowSchemas: any[]; priorityLevels: any[] } = { flowSchemas: [], priorityLevels: [] };
  /** the seed the computed objects' uids are drawn from (a live start's nonce mixed in) */
  private computedUidSeed = 0;
  private pacing: Pace;
  private wall = 0;
  private carry = 0;
  private target = 0;

  constructor(opts: ClusterOptions = {}) {
    this.seed = opts.seed ?? 1;
    this.live = opts.clock === "live";
    if (opts.ipFamily !== undefined && !ipFamilyModes.includes(opts.ipFamily)) throw new Error(`createCluster: ipFamily must be one of ${ipFamilyModes.join(", ")}`);
    this.networking = clusterNetworking(opts.ipFamily);
    this.pacing = { mode: "live", speed: opts.speed ?? 1 };
    // A live cluster's clock starts at the wall time, so ages kubectl computes itself are right.
    const startTime = this.live ? Math.floor(Date.now() / 1000) * 1000 : undefined;
    this.runtime = new Runtime({ seed: this.seed, trace: opts.trace ?? !this.live, policy: etcdPolicy, ...(opts.freezeSnapshots !== undefined ? { freezeSnapshots: opts.freezeSnapshots } : {}), ...(opts.interpreter !== undefined ? { interpreter: opts.interpreter } : {}), ...(startTime !== undefined ? { startTime } : {}) });
    this.startedAt = rfc3339(this.runtime.now);
    const nodes = normalizeNodes(opts.nodes ?? 1);
    const random = (opts.tokens ?? (this.live ? "random" : "seeded")) === "random";
    this.adminToken = opts.adminToken ?? (random ? randomToken() : token(this.seed, "admin"));
    this.tokens = new Map([[this.adminToken, { name: "admin", groups: ["system:masters", "system:authenticated"] }]]);
    this.set = components(nodes, this.seed, opts, random ? randomToken : (address) => componentToken(this.seed, address));
    if (new Set([...this.set.identities.map((i) => i.token), this.adminToken]).size !== this.set.identities.length + 1) throw new Error("createCluster: the admin token is a component's token");
    for (const c of this.set.identities) this.tokens.set(c.token, c.user);
    // the token authenticator adds system:authenticated to every user it names
    for (const u of opts.users ?? []) {
      const t = random ? randomToken() : token(this.seed, `user-${u.name}`);
      this.tokens.set(t, { name: u.name, groups: [...u.groups.filter((g) => g !== "system:authenticated"), "system:authenticated"] });
      this.userTokens.set(u.name, t);
    }
    this.runtime.external("kubectl", (msg) => this.onMessage(msg));
    this.runtime.external("etcdctl", (msg) => this.onEtcdAnswer(msg as EtcdResponse));
    const signer = new TokenSigner(random ? { random: true } : { random: false, seed: this.seed });
    this.tokenSigner = signer;
    // The signers answer on the runtime that asked: an explored fork's requests get their answers in the fork.
    this.runtime.external("token-signer", (msg, from, rt) => {
      if (msg.type !== "SignToken") return;
      const signed = signer.sign(msg as SignToken);
      // A secret-based token (the token controller's): the API server learns it first, as holding
      // the public key it can verify it, then the requester gets it.
      if (isLegacyClaims((msg as SignToken).claims)) rt.send("token-signer", "apiserver", { type: "LegacyTokenSigned", token: signed.token, claims: (msg as SignToken).claims });
      rt.send("token-signer", from, signed);
    });
    // the cluster CA kube-controller-manager signs approved CSRs with; the key stays out of the machines
    this.certificateSigner = new CertificateSigner(random ? { random: true } : { random: false, seed: this.seed }, () => this.runtime.now);
    this.runtime.external("csr-signer", (msg, from, rt) => {
      if (msg.type !== "SignCertificate") return;
      rt.send("csr-signer", from, this.certificateSigner.sign(msg as SignCertificate));
    });
    // kube-apiserver's client of admission webhooks: the HTTPS call is made here, its outcome comes back as a message
    this.runtime.external("admission-webhooks", (msg, from, rt) => {
      if (msg.type !== "CallWebhook") return;
      void callWebhook(msg as CallWebhook).then((answer) => {
        if (!this.stopped) rt.send("admission-webhooks", from, answer);
      });
    });
    this.runtime.external("kube-apiserver", (msg, _from, rt) => {
      if (msg.type !== "Connect") return;
      const c = msg as ConnectMsg;
      const answer = (r: Omit<ConnectResult, "type" | "id">) => rt.send("kube-apiserver", c.replyTo, { type: "ConnectResult", id: c.id, ...r });
      if (this.securePort === undefined || this.stopped) return answer({ error: "connection refused" });
      this.securePort(c).then(answer, () => answer({ error: "connection refused" }));
    });
    const quota = opts.etcdQuotaBackendBytes !== undefined ? { quotaBackendBytes: opts.etcdQuotaBackendBytes } : {};
    this.runtime.spawn("etcd", etcdMachine, opts.etcdStore ? { restore: opts.etcdStore.restore, ...quota } : opts.etcdQuotaBackendBytes !== undefined ? quota : undefined);
    opts.etcdStore?.attach(this.runtime);
    // A live cluster's uids differ from every other start's; a simulated one replays them per seed.
    const nonce = this.live ? randomBytes(4).readUInt32LE(0) : undefined;
    // --service-cluster-ip-range: named only when it is not the default single-stack one
    const serviceCIDRs = this.networking.ipFamily === "ipv4" ? {} : { serviceCIDRs: this.networking.serviceSubnets };
    this.runtime.spawn("apiserver", apiServerMachine, { tokens: this.tokens, seed: seedFor(this.seed, "apiserver"), ...(nonce !== undefined ? { nonce } : {}), ...serviceCIDRs });
    // its uids are drawn per object from the run's seed (and a live start's nonce), so no other draw moves
    const uidOf = (kind: string, name: string) => new Rng(seedFor((this.seed ^ (nonce ?? 0)) >>> 0, `flowcontrol/${kind}/${name}`)).uuid();
    this.apf = { flowSchemas: flowSchemas({ createdAt: this.startedAt, uidOf }), priorityLevels: priorityLevelConfigurations({ createdAt: this.startedAt, uidOf }) };
    this.computedUidSeed = (this.seed ^ (nonce ?? 0)) >>> 0;
    this.bootstrap(opts.only !== undefined, opts.addons === true && opts.only === undefined);
    if (!opts.only) {
      this.markNodes();
      this.set.start(this.runtime);
      this.watchForPolicies();
      this.watchForAdmissionPolicies();
    }
    if (this.live) this.startLive();
    else this.runtime.drainMessages();
  }

  /** `withoutControllers`: no service-account controller will run, so the bootstrap writes each namespace's default account itself. */
  private bootstrap(withoutControllers: boolean, addons: boolean): void {
    // As kube-apiserver's bootstrap controllers: look first and create only what is missing (a
    // restarted --etcd cluster has them all; a create of a taken name would fail on its ClusterIP).
    // One list per resource stands for their Get per object: the same answer, far fewer requests.
    const existing = new Map<string, Set<string>>();
    // Their writes are recorded for the manager their client's User-Agent names: kube-apiserver's
    // loopback client for its own objects, kubeadm and kind's kubectl apply for the addons.
    const ensure = (req: Omit<ApiRequest, "type" | "id">, fieldManager = "kube-apiserver") => {
      const resource = `${req.resource}.${req.group}`;
      let names = existing.get(resource);
      if (!names) {
        const list = this.requestSync({ verb: "list", group: req.group, resource: req.resource });
        if (!list.ok) throw new ApiError(list.status);
        names = new Set((list.object.items as any[]).map((o) => `${o.metadata.namespace ?? ""}/${o.metadata.name}`));
        existing.set(resource, names);
      }
      if (names.has(`${req.namespace ?? ""}/${req.body.metadata.name}`)) return;
      const r = this.requestSync({ ...req, fieldManager });
      if (!r.ok && r.status.reason !== "AlreadyExists") throw new ApiError(r.status);
    };
    const ensureDefaultServiceCIDR = () => {
      ensure({ verb: "create", group: "networking.k8s.io", resource: "servicecidrs", body: { apiVersion: "networking.k8s.io/v1", kind: "ServiceCIDR", metadata: { name: defaultServiceCIDRName }, spec: { cidrs: [...this.networking.serviceSubnets] } } });
      const sc = this.requestSync({ verb: "get", group: "networking.k8s.io", resource: "servicecidrs", name: defaultServiceCIDRName });
      if (!sc.ok) throw new ApiError(sc.status);
      // syncStatus: only a ServiceCIDR without a Ready condition (or an Unknown one) is marked Ready
      const ready = (sc.object.status?.conditions ?? []).find((c: any) => c.type === "Ready");
      if (ready !== undefined && ready.status !== "Unknown") return;
      // the apply configuration sets no reason (metav1.Condition's, not omitempty, is stored as "")
      const condition = { type: "Ready", status: "True", message: "Kubernetes default Service CIDR is ready", lastTransitionTime: rfc3339(this.runtime.now) };
      const body = { apiVersion: "networking.k8s.io/v1", kind: "ServiceCIDR", metadata: { name: defaultServiceCIDRName }, status: { conditions: [condition] } };
      const r = this.requestSync({ verb: "patch", group: "networking.k8s.io", resource: "servicecidrs", name: defaultServiceCIDRName, subresource: "status", patchType: "apply", force: true, fieldManager: "kubernetes-service-cidr-controller", body });
      if (!r.ok) throw new ApiError(r.status);
    };
    for (const ns of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
      ensure({ verb: "create", group: "", resource: "namespaces", body: { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } } });
      // ServiceAccount admission refuses pods without it (after its lookups), as a cluster without a controller manager does.
      if (withoutControllers) ensure({ verb: "create", group: "", resource: "serviceaccounts", namespace: ns, body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default" } } });
    }
    // The rbac/bootstrap-roles post-start hook stores the bootstrap policy the authorizer then reads.
    for (const role of bootstrapClusterRoles()) ensure({ verb: "create", group: "rbac.authorization.k8s.io", resource: "clusterroles", body: role });
    for (const binding of bootstrapClusterRoleBindings()) ensure({ verb: "create", group: "rbac.authorization.k8s.io", resource: "clusterrolebindings", body: binding });
    for (const role of bootstrapRoles()) ensure({ verb: "create", group: "rbac.authorization.k8s.io", resource: "roles", namespace: role.metadata.namespace, body: role });
    for (const binding of bootstrapRoleBindings()) ensure({ verb: "create", group: "rbac.authorization.k8s.io", resource: "rolebindings", namespace: binding.metadata.namespace, body: binding });
    // The scheduling REST storage's post-start hook creates the system priority classes.
    for (const pc of systemPriorityClassObjects()) ensure({ verb: "create", group: "scheduling.k8s.io", resource: "priorityclasses", body: pc });
    // kind's default StorageClass (its storage addon): local-path volumes, bound once a pod is scheduled.
    const standard = { apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { annotations: { "storageclass.kubernetes.io/is-default-class": "true" }, name: "standard" }, provisioner: "rancher.io/local-path", reclaimPolicy: "Delete", volumeBindingMode: "WaitForFirstConsumer" };
    // kind applies it with `kubectl apply -f -`: client-side apply keeps what it applied in an
    // annotation, JSON with its keys sorted (as json.Marshal writes a map)
    const appliedStandard = { ...standard, metadata: { ...standard.metadata, annotations: { ...standard.metadata.annotations, [lastAppliedAnnotation]: JSON.stringify(standard) + "\n" } } };
    ensure({ verb: "create", group: "storage.k8s.io", resource: "storageclasses", body: appliedStandard }, "kubectl-client-side-apply");
    // The legacy-token-tracking controller's ConfigMap (pkg/controlplane/controller/legacytokentracking):
    // the day the API server began labelling the Secrets of the legacy tokens it accepts with their
    // last use; the legacy token cleaner judges a token unused only since then.
    ensure({
      verb: "create", group: "", resource: "configmaps", namespace: "kube-system",
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "kube-apiserver-legacy-service-account-token-tracking" }, data: { since: new Date(this.runtime.now).toISOString().slice(0, 10) } },
    });
    // The kubernetes-service-cidr-controller (pkg/controlplane/controller/defaultservicecidr) blocks
    // start-up until the default ServiceCIDR exists, then applies its Ready condition: the ClusterIP
    // allocator hands out addresses of ready ServiceCIDRs only.
    ensureDefaultServiceCIDR();
    // The API server's own Service: the first address of the service CIDR.
    ensure({
      verb: "create", group: "", resource: "services", namespace: "default",
      body: { apiVersion: "v1", kind: "Service", metadata: { name: "kubernetes", labels: { component: "apiserver", provider: "kubernetes" } }, spec: { clusterIP: serviceIPAt(this.networking, 1), ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }] } },
    });
    // kubeadm's CoreDNS addon (as kind installs it): the kube-dns Service at the service CIDR's tenth
    // address, the nameserver every ClusterFirst pod's resolv.conf names.
    ensure({ verb: "create", group: "", resource: "services", namespace: "kube-system", body: kubeDnsService(serviceIPAt(this.networking, 10)) }, "kubeadm");
    // The endpoint reconciler's first pass (pkg/controlplane/reconcilers, lease reconciler): the
    // Endpoints and EndpointSlice of that Service list the API server's address and secure port.
    for (const r of apiServerEndpoints(isIPv6Primary(this.networking))) ensure(r);
    // kubeadm's addon phases: CoreDNS's ServiceAccount, ConfigMap and Deployment, kube-proxy's and its
    // DaemonSet (the ClusterRoles and bindings are in the bootstrap policy above)
    if (addons) for (const body of [...coreDnsAddon(), ...kubeProxyAddon(this.networking)]) ensure({ verb: "create", group: body.apiVersion === "apps/v1" ? "apps" : "", resource: `${body.kind.toLowerCase()}s`, namespace: "kube-system", body }, "kubeadm");
    // kubeadm init's bootstrap-token phase: kube-public/cluster-info, readable by system:anonymous.
    ensure({ verb: "create", group: "", resource: "configmaps", namespace: "kube-public", body: clusterInfoConfigMap(apiServerURL(this.networking)) }, "kubeadm");
    const { role, binding } = clusterInfoRBAC();
    ensure({ verb: "create", group: "rbac.authorization.k8s.io", resource: "roles", namespace: "kube-public", body: role }, "kubeadm");
    ensure({ verb: "create", group: "rbac.authorization.k8s.io", resource: "rolebindings", namespace: "kube-public", body: binding }, "kubeadm");
  }

  /** Starts kindnet's policy agent with the first write of a NetworkPolicy (runtime/policyagent.ts). */
  private watchForPolicies(): void {
    const agent = this.set.identities.find((i) => i.address === POLICY_AGENT);
    if (agent === undefined) return;
    let started = false;
    this.runtime.deliveryHooks.push((_from, to, msg) => {
      if (started || !isPolicyWrite(to, msg)) return;
      started = true;
      startPolicyAgent(this.runtime, agent.token, (req, then) => {
        const id = this.nextId++;
        this.waiting.set(id, then);
        this.runtime.send("kubectl", "apiserver", { type: "ApiRequest", id, token: this.adminToken, ...req });
      });
    });
  }

  /** kubeadm's and the admin's writes to each node its kubelet registered (runtime/kubeadm.ts), as kubeadm on kind's control-plane node. */
  private markNodes(): void {
    if (!this.set.nodes.some((n) => adminMarks(n) !== undefined)) return;
    this.runtime.external("kubeadm", (msg) => this.onMessage(msg));
    markRegisteredNodes(this.runtime, this.set.nodes, (req, then) => {
      const id = this.nextId++;
      this.waiting.set(id, then);
      this.runtime.send("kubeadm", "apiserver", { type: "ApiRequest", id, token: this.adminToken, ...req });
    });
  }

  /** Starts the ValidatingAdmissionPolicy status controller with the first policy stored (runtime/vapstatus.ts). */
  private watchForAdmissionPolicies(): void {
    const token = this.set.identities.find((i) => i.address === "controller-manager")?.token;
    if (token === undefined) return;
    let started = false;
    this.runtime.deliveryHooks.push((_from, to, msg) => {
      if (started || !isPolicyStored(to, msg)) return;
      started = true;
      startPolicyStatusController(this.runtime, token);
    });
  }

  private onMessage(msg: any): void {
    if (msg.type === "ApiResponse") {
      const w = this.waiting.get(msg.id);
      if (w) {
        this.waiting.delete(msg.id);
        w(msg);
      } else this.responses.set(msg.id, msg);
    } else if (msg.type === "WatchEvent") {
      this.watchHandlers.get(msg.watchId)?.(msg);
    }
  }

  private onEtcdAnswer(msg: EtcdResponse): void {
    if (!("id" in msg)) return;
    const w = this.etcdWaiting.get(msg.id);
    if (w) {
      this.etcdWaiting.delete(msg.id);
      w(msg);
    } else this.etcdAnswers.set(msg.id, msg);
  }

  /**
   * etcdctl on a control-plane node: the maintenance an operator runs against etcd itself (alarm
   * list, alarm disarm, defrag, endpoint status, compact). Resolves with etcd's answer.
   */
  etcdctl(req: EtcdctlRequest): Promise<EtcdResponse> {
    const id = this.nextId++;
    const msg = { ...req, id } as EtcdRequest;
    if (!this.live) {
      this.runtime.send("etcdctl", "etcd", msg);
      this.runtime.runUntil(() => this.etcdAnswers.has(id), `etcd's answer to etcdctl ${req.type}`);
      const r = this.etcdAnswers.get(id)!;
      this.etcdAnswers.delete(id);
      return Promise.resolve(r);
    }
    return new Promise((resolve) => {
      this.etcdWaiting.set(id, resolve);
      this.runtime.send("etcdctl", "etcd", msg);
    });
  }

  /** Serves the connections pods make to kube-apiserver's address through `serve` (podflow serve's HTTPS front end). */
  serveSecurePort(serve: ((msg: ConnectMsg) => Promise<Omit<ConnectResult, "type" | "id">>) | undefined): void {
    this.securePort = serve;
  }

  /** The user a bearer token names, or undefined: lets the HTTP front end authenticate before it reads a body. */
  authenticate(token: string): UserInfo | undefined {
    return this.tokens.get(token) ?? this.serviceAccountToken(token);
  }

  /** The account a token issued by TokenRequest names while it is valid (the API server's own judgment, read from its snapshot). */
  private serviceAccountToken(token: string): UserInfo | undefined {
    const ctx = this.runtime.snapshot("apiserver")?.context as ApiServerContext | undefined;
    if (!ctx) return undefined;
    const issued = issuedToken(ctx.issuedTokens, token);
    const lookup = (resource: string, namespace: string | undefined, name: string) => lookupStored(ctx, resource, namespace, name);
    if (!issued) return legacyTokenUser(ctx.legacyTokens.get(tokenKey(token)), token, lookup);
    return serviceAccountUser(issued, this.runtime.now, lookup);
  }

  /** Sends a request as the admin user; on the simulated clock it runs the system until the answer arrives. */
  requestSync(req: Omit<ApiRequest, "type" | "id">): ApiResponse {
    const id = this.nextId++;
    this.runtime.send("kubectl", "apiserver", { type: "ApiRequest", id, token: this.adminToken, ...req });
    this.runtime.runUntil(() => this.responses.has(id), `the response to ${req.verb} ${req.resource}`);
    const r = this.responses.get(id)!;
    this.responses.delete(id);
    return r;
  }

  /** Sends a request with any token (the HTTP front end); resolves when the API server answers. */
  request(req: Omit<ApiRequest, "type" | "id">): Promise<ApiResponse> {
    if (!this.live) return Promise.resolve(this.requestSync({ token: this.adminToken, ...req }));
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.runtime.send("kubectl", "apiserver", { type: "ApiRequest", id, token: this.adminToken, ...req });
    });
  }

  /** Opens a watch for the HTTP front end; returns a function that closes it. */
  watch(req: Omit<ApiRequest, "type" | "id" | "watchId" | "verb">, onEvent: (ev: any) => void): () => void {
    const watchId = this.nextId++;
    this.watchHandlers.set(watchId, onEvent);
    this.runtime.send("kubectl", "apiserver", { type: "ApiRequest", id: this.nextId++, token: this.adminToken, verb: "watch", watchId, ...req });
    return () => {
      this.watchHandlers.delete(watchId);
      this.runtime.send("kubectl", "apiserver", { type: "ApiRequest", id: this.nextId++, token: this.adminToken, verb: "unwatch", group: req.group, resource: req.resource, watchId });
    };
  }

  /**
   * The live clock: the cluster runs in slices of about liveSliceMs and yields to I/O between
   * them (setImmediate while it is behind, a 5 ms timer once it has caught up), so a burst of
   * work (thousands of pods) never keeps the HTTP server from answering. The pace (live, paced,
   * paused) is the live view's control; see setPace.
   */
  private startLive(): void {
    const tick = () => {
      this.liveTimer = undefined;
      if (this.stopped) return;
      const t = performance.now();
      const elapsed = t - this.wall;
      this.wall = t;
      let caughtUp = true;
      try {
        if (this.pacing.mode === "live") {
          // whole milliseconds only: the simulated clock stays an integer; the fraction carries over
          const exact = elapsed * this.pacing.speed + this.carry;
          const ms = Math.floor(exact);
          this.carry = exact - ms;
          this.target += ms;
          caughtUp = this.runtime.runSlice(this.target, liveSliceMs);
        } else if (this.pacing.mode === "paced") {
          // so many deliveries per wall second, each the simulated clock's next one
          const exact = (elapsed * this.pacing.perSecond) / 1000 + this.carry;
          let n = Math.floor(exact);
          this.carry = exact - n;
          const end = t + liveSliceMs;
          while (n-- > 0 && this.runtime.stepOne() !== undefined && performance.now() < end);
        }
      } catch (e) {
        // Faults in machines are isolated per event; what still escapes (a bound exceeded) is
        // reported, and the server goes on.
        this.liveErrors++;
        console.error(`podflow: the live cluster hit an error and goes on: ${(e as Error)?.stack ?? e}`);
      }
      this.liveTimer = caughtUp ? setTimeout(tick, 5) : setImmediate(tick);
    };
    this.wall = performance.now();
    this.target = this.runtime.now;
    this.liveTimer = setTimeout(tick, 5);
  }

  /** How the live cluster runs: see setPace. */
  get pace(): Pace {
    return this.pacing;
  }

  /**
   * The live view's pace: `live` follows the wall clock times `speed`; `paced` delivers
   * `perSecond` messages per wall second, each the one the simulated clock would deliver next
   * (the clock jumps to the next timer when nothing is in flight: the simulated clock's run,
   * slowed down to be watched); `paused` delivers nothing until step() or another pace.
   */
  setPace(p: Pace): void {
    if (!this.live) throw new Error("setPace: only a live cluster has a pace");
    this.pacing = { ...p };
    // the new pace starts from now: no catching up on the time spent paused or paced
    this.wall = performance.now();
    this.carry = 0;
    this.target = this.runtime.now;
  }

  /** Delivers one message (or fires the next timer) while paused or paced; what it did, or undefined when nothing is pending. */
  stepOne(): "message" | "timer" | undefined {
    const did = this.runtime.stepOne();
    this.target = this.runtime.now;
    return did;
  }

  /** Like kubectl apply: creates what is missing, patches what changed since the last apply. */
  async apply(input: string | object | object[], source = "<input>"): Promise<ApplyResult[]> {
    const objs = typeof input === "string" ? parseManifests(input, source) : Array.isArray(input) ? input : [input];
    const rs = precheck(objs, source, true, (kind, apiVersion) => (typeof apiVersion === "string" ? customRegistry(this.cache()).byKind.get(`${apiVersion}/${kind}`) : undefined) ?? resourceForKindAt(kind, apiVersion) ?? resourceForKindIn(this.cache(), kind, typeof apiVersion === "string" ? apiVersion : undefined));
    const results: ApplyResult[] = [];
    const errors: ApiError[] = [];
    for (const [i, obj] of objs.entries()) {
      try {
        results.push(await this.applyOne(obj as any, rs[i]!));
      } catch (e) {
        if (e instanceof ApiError) errors.push(e);
        else throw e;
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new ApiError({ ...errors[0]!.status, message: errors.map((e) => e.message).join("\n") }, errors.flatMap((e) => e.warnings));
    return results;
  }

  private async applyOne(obj: any, r: ResourceInfo): Promise<ApplyResult> {
    const decoded = decodeApplied(obj, r);
    if ("error" in decoded) throw decoded.error;
    const namespace = r.namespaced ? obj.metadata?.namespace ?? "default" : undefined;
    const desired = structuredClone(obj);
    const lastApplied = JSON.stringify(desired);
    const annotate = (o: any) => ({ ...o, metadata: { ...o.metadata, annotations: { ...(o.metadata?.annotations ?? {}), [lastAppliedAnnotation]: lastApplied + "\n" } } });
    const annotated = annotate(desired);
    // written at another served version (autoscaling/v1): the API server converts it to the stored one
    const conv = conversionOf(obj, r);
    const hub = (o: any) => (conv ? conv.toHub(o) : o);
    const name = obj.metadata?.name;
    const base = { group: r.group, resource: r.resource, ...(r.custom ? { version: r.version } : {}), ...(namespace ? { namespace } : {}) };
    const live = name ? await this.request({ ...base, verb: "get", name }) : undefined;
    if (!live || !live.ok) {
      if (live && !live.ok && live.code !== 404) throw new ApiError(live.status);
      // a create stores what the server decoded the body to (canonical quantities); a patch is
      // decoded by the API server itself once merged (schema/patched.ts)
      const res = await this.request({ ...base, verb: "create", body: hub(decoded.value === obj ? annotated : annotate(decoded.value)) });
      if (!res.ok) throw new ApiError(res.status, res.warnings);
      return { kind: r.kind, name: res.object.metadata.name, ...(namespace ? { namespace } : {}), action: "created", object: res.object, ...(res.warnings ? { warnings: res.warnings } : {}) };
    }
    const previous = live.object.metadata.annotations?.[lastAppliedAnnotation];
    if (previous && previous.trim() === lastApplied) return { kind: r.kind, name, ...(namespace ? { namespace } : {}), action: "unchanged", object: live.object };
    const patch = threeWayPatch(previous ? hub(JSON.parse(previous)) : {}, hub(annotated));
    // a custom resource takes no strategic merge patch: kubectl sends it a JSON merge patch
    const res = await this.request({ ...base, verb: "patch", name, patchType: r.custom ? "merge" : "strategic", body: patch });
    if (!res.ok) throw new ApiError(res.status, res.warnings);
    return { kind: r.kind, name, ...(namespace ? { namespace } : {}), action: "configured", object: res.object, ...(res.warnings ? { warnings: res.warnings } : {}) };
  }

  /** Deletes an object (gracefully for pods, as kubectl delete does). */
  async delete(kind: string, name: string, namespace?: string, opts: { gracePeriodSeconds?: number; propagationPolicy?: "Orphan" | "Background" | "Foreground" } = {}): Promise<any> {
    const r = mustResource(kind, this.cache());
    const res = await this.request({ verb: "delete", group: r.group, resource: r.resource, name, ...(r.namespaced ? { namespace: namespace ?? "default" } : {}), ...opts });
    if (!res.ok) throw new ApiError(res.status);
    return res.object;
  }

  /** Runs until nothing is pending: no message in flight and no work timer (heartbeats and running workloads don't count). */
  async settle(): Promise<void> {
    this.runtime.settle();
  }

  /** Moves the simulated clock forward by ms, running everything due on the way. */
  advance(ms: number): void {
    this.runtime.advance(ms);
  }

  /** A v1 object as stored (with its resourceVersion), or undefined. */
  get(kind: string, name: string, namespace?: string): any {
    const r = mustResource(kind, this.cache());
    const cache = this.cache();
    // ComponentStatus is no stored kind: its registry answers from the servers' probes
    if (r.kind === "ComponentStatus") return this.componentStatuses().find((c) => c.metadata.name === name);
    if (r.kind === "APIService") return this.apiServices().find((a) => a.metadata.name === name);
    if (r.kind === "FlowSchema" || r.kind === "PriorityLevelConfiguration") return this.flowControl(r.kind).find((a) => a.metadata.name === name);
    if (r.kind === "CSINode") return this.csiNodes().find((a) => a.metadata.name === name);
    for (const obj of candidates(cache, r)) {
      if (obj.metadata.name === name && (!r.namespaced || obj.metadata.namespace === (namespace ?? "default"))) return obj;
    }
    return undefined;
  }

  /** Objects of a kind, filtered like kubectl get -l / --field-selector, in etcd key order. */
  list(kind: string, opts: ListOptions = {}): any[] {
    const r = mustResource(kind, this.cache());
    const scope: any = { r, namespace: r.namespaced ? opts.namespace : undefined };
    if (opts.labelSelector) {
      const p = parseSelector(opts.labelSelector);
      if ("error" in p) throw new ApiError({ kind: "Status", apiVersion: "v1", status: "Failure", metadata: {}, code: 400, reason: "BadRequest", message: p.error });
      scope.labelReqs = p;
    }
    if (opts.fieldSelector) {
      const p = parseFieldSelector(opts.fieldSelector);
      if ("error" in p) throw new ApiError({ kind: "Status", apiVersion: "v1", status: "Failure", metadata: {}, code: 400, reason: "BadRequest", message: p.error });
      scope.fieldReqs = p;
    }
    const out = [...(r.kind === "ComponentStatus" ? this.componentStatuses() : r.kind === "APIService" ? this.apiServices() : r.kind === "FlowSchema" || r.kind === "PriorityLevelConfiguration" ? this.flowControl(r.kind) : r.kind === "CSINode" ? this.csiNodes() : candidates(this.cache(), r))].filter((o) => matches(scope, o));
    return out.sort((a, b) => {
      const ka = `${a.metadata.namespace ?? ""}/${a.metadata.name}`;
      const kb = `${b.metadata.namespace ?? ""}/${b.metadata.name}`;
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
  }

  /** v1 Events, oldest first, like kubectl get events --sort-by=lastTimestamp. */
  events(opts: ListOptions = {}): any[] {
    return this.list("Event", opts).sort((a, b) => (a.lastTimestamp ?? "").localeCompare(b.lastTimestamp ?? "") || a.metadata.name.localeCompare(b.metadata.name));
  }

  /** The recorded trace. */
  trace() {
    return this.runtime.trace();
  }

  /** Simulated time now (ms since the epoch). */
  now(): number {
    return this.runtime.now;
  }

  private cache() {
    return this.runtime.snapshot("apiserver").context.cache;
  }

  /**
   * The ComponentStatus objects kube-apiserver's probes would give now: etcd and the scheduler are
   * up while their actors run; kube-controller-manager while every controller it runs does.
   */
  componentStatuses(): any[] {
    const cmToken = this.set.identities.find((i) => i.address === "controller-manager")?.token;
    const controllers = cmToken === undefined ? [] : this.runtime.spawnedWithToken(cmToken);
    return componentStatuses({
      controllerManager: controllers.length > 0 && controllers.every((a) => this.runtime.has(a)),
      scheduler: this.runtime.has("scheduler"),
      etcd: this.runtime.has("etcd"),
    });
  }

  /** Every Node's CSINode, as its kubelet creates it (uids per node name from the run's seed). */
  csiNodes(): any[] {
    const uidOf = (name: string) => new Rng(seedFor(this.computedUidSeed, `csinode/${name}`)).uuid();
    return csiNodes([...candidates(this.cache(), mustResource("Node", this.cache()))], uidOf);
  }

  /** API Priority and Fairness' FlowSchemas or PriorityLevelConfigurations, as bootstrapped. */
  flowControl(kind: "FlowSchema" | "PriorityLevelConfiguration"): any[] {
    return kind === "FlowSchema" ? this.apf.flowSchemas : this.apf.priorityLevels;
  }

  /**
   * The APIServices kube-aggregator holds now: one local APIService per group version the API server
   * serves, one per version a stored CRD serves, and metrics-server's, installed with the cluster.
   */
  apiServices(): any[] {
    const served = new Map<string, { group: string; version: string }>();
    for (const r of resources) {
      if (aggregatedGroups.has(r.group)) continue;
      for (const version of servedVersions(r)) served.set(`${r.group}/${version}`, { group: r.group, version });
    }
    const crds = [...candidates(this.cache(), mustResource("CustomResourceDefinition", this.cache()))];
    return apiServices({ served: [...served.values()], startedAt: this.startedAt, crds, remote: [metricsServerAPIService(this.startedAt)] });
  }

  /**
   * Why one of kube-apiserver's health checks fails now, or undefined when it passes: etcd's two
   * checks fail while etcd is down (the prober's Get of /registry/health times out); the API
   * server's own checks pass while it serves.
   */
  healthCheckFailure(check: string): string | undefined {
    if ((check === "etcd" || check === "etcd-readiness") && !this.runtime.has("etcd")) return "error getting data from etcd: context deadline exceeded";
    return undefined;
  }

  /** The resource served at group/resource now: a built-in one, or one an established CRD serves. */
  resourceFor(group: string, resource: string, version?: string): ResourceInfo | undefined {
    return version !== undefined ? resourceAtVersion(this.cache(), group, version, resource) : resourceIn(this.cache(), group, resource);
  }

  /** Every custom resource served now (one entry per served version). */
  customResources(): readonly ResourceInfo[] {
    return customRegistry(this.cache()).all;
  }

  /**
   * How many objects each storage of the API server holds (its apiserver_storage_objects gauges):
   * one entry per group/resource with a REST store, built-in or custom. ComponentStatus, the
   * create-only reviews and an aggregated group have no storage here, so no entry.
   */
  storedObjectCounts(): { group: string; resource: string; count: number }[] {
    const counts = new Map<string, { group: string; resource: string; count: number }>();
    for (const r of [...resources, ...this.customResources()]) {
      const key = `${r.group}/${r.resource}`;
      // an aggregated group (metrics.k8s.io) is another server's, stored nowhere here
      if (counts.has(key) || r.kind === "ComponentStatus" || !r.verbs.includes("list") || aggregatedGroups.has(r.group)) continue;
      const synthesized = r.kind === "APIService" ? this.apiServices() : r.kind === "FlowSchema" || r.kind === "PriorityLevelConfiguration" ? this.flowControl(r.kind) : r.kind === "CSINode" ? this.csiNodes() : undefined;
      const count = synthesized?.length ?? [...candidates(this.cache(), r)].length;
      counts.set(key, { group: r.group, resource: r.resource, count });
    }
    return [...counts.values()];
  }

  /** The revision the API server's watch cache has reached. */
  cacheRevision(): number {
    return this.cache().revision;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.liveTimer) {
      clearTimeout(this.liveTimer as NodeJS.Timeout);
      clearImmediate(this.liveTimer as NodeJS.Immediate);
    }
    this.runtime.stopAll();
  }

  /** The fields a field selector sees on an object (for tools that filter like the API server). */
  static fields(obj: any): Record<string, string> {
    return objectFields(obj);
  }

  // networking views
  /** One seeded generator per node's kube-proxy, so backend draws replay with the cluster's seed. */
  private readonly proxyDraws = new Map<string, Rng>();

  /** The load-balancing rules kube-proxy on this node has programmed (empty before its first sync). */
  proxyRules(node: string): ProxyRule[] {
    const ctx = this.runtime.snapshot("kube-proxy")?.context;
    return ctx ? rulesFor(ctx, node) : [];
  }

  /**
   * Where a connection from this node to "10.96.x.y:port" (TCP unless "/UDP" or "/SCTP" is given)
   * goes: a backend "ip:port" picked as the node's rules pick, or undefined when the Service has no
   * endpoints or no rule matches (the connection is refused).
   */
  resolve(node: string, address: string): string | undefined {
    const frontend = /\/(TCP|UDP|SCTP)$/.test(address) ? address : `${address}/TCP`;
    const rule = this.proxyRules(node).find((r) => r.frontend === frontend);
    if (!rule) return undefined;
    let rng = this.proxyDraws.get(node);
    if (!rng) {
      rng = new Rng(seedFor(this.seed, `kube-proxy/${node}/draws`));
      this.proxyDraws.set(node, rng);
    }
    const draw = rng;
    return pickBackend(rule, () => draw.next());
  }

  /** Cluster DNS's answer for a name: fully qualified, or searched as a pod in `namespace` would (ndots:5). */
  resolveName(name: string, namespace?: string): DNSAnswer {
    const zone = this.runtime.snapshot("coredns")?.context.zone ?? { domain: "cluster.local", records: {} };
    return answerName(zone, name, namespace);
  }
}

function mustResource(kind: string, cache?: HasCRDs): ResourceInfo {
  // "Event.example.com": a kind qualified by its group (a custom kind named like a built-in)
  const dot = kind.indexOf(".");
  const qualified = cache && dot > 0 ? customRegistry(cache).all.find((r) => r.kind === kind.slice(0, dot) && r.group === kind.slice(dot + 1)) : undefined;
  const r = qualified ?? (cache ? resourceForKindIn(cache, kind) : resourceForKind(kind));
  if (!r) throw new ApiError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code: 404, reason: "NotFound", message: `the server doesn't have a resource type "${kind}"` });
  return r;
}

/** A token derived from the seed: simulated runs only (anyone who knows the seed knows it). */
function token(seed: number, who: string): string {
  return `podflow-${who}-${seedFor(seed, who).toString(16).padStart(8, "0")}`;
}

/** A component's seeded token (as before random tokens existed, so simulated contexts are unchanged). */
function componentToken(seed: number, address: string): string {
  return `podflow-${address.replace("/", "-")}-${seedFor(seed, address).toString(16)}`;
}

/** 256 random bits from node:crypto, base64url: a token nobody can compute. */
function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

/** A patch that sets what the new configuration says and deletes what the last applied one set and the new one dropped. */
export function threeWayPatch(last: any, desired: any): any {
  const patch: any = {};
  for (const [k, v] of Object.entries(desired)) {
    const lv = last?.[k];
    if (isPlain(v) && isPlain(lv)) patch[k] = threeWayPatch(lv, v);
    else patch[k] = v;
  }
  if (isPlain(last)) for (const k of Object.keys(last)) if (!(k in desired)) patch[k] = null;
  return patch;
}

function isPlain(v: unknown): v is Record<string, any> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Nodes from a count (node-1..node-N, 4 cpu, 16Gi, 110 pods) or from given objects. */
export function normalizeNodes(nodes: number | Node[]): Node[] {
  if (Array.isArray(nodes)) return nodes;
  const out: Node[] = [];
  for (let i = 1; i <= nodes; i++) {
    // A kind-sized worker: 4 cpu, 16Gi, 110 pods (the kubelet's default maxPods).
    const capacity = { cpu: "4", memory: "16Gi", pods: "110", "ephemeral-storage": "100Gi" };
    out.push({
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: `node-${i}`, labels: { "kubernetes.io/hostname": `node-${i}`, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64" } },
      status: { capacity, allocatable: capacity },
    });
  }
  return out;
}

/** Creates a cluster. See the README for the contract. */
export function createCluster(opts: ClusterOptions = {}): Cluster {
  guardRegexBacktracking();
  return new Cluster(opts);
}

export { apiVersionOf, ApiError };
export type { Status };

/** The API server's address (kind's control-plane node, the first node's InternalIP) and secure port. */
export const apiServerAddress = "172.18.0.2";
export const apiServerSecurePort = 6443;

/**
 * The API server's URL as kubeadm writes it for in-cluster clients (cluster-info, kube-proxy's
 * kubeconfig): the control-plane node's address, an IPv6 cluster's bracketed.
 */
function apiServerURL(networking: ClusterNetworking): string {
  return `https://${joinHostPort(isIPv6Primary(networking) ? internalIPv6For(0) : apiServerAddress, apiServerSecurePort)}`;
}

/** kubeadm's CoreDNSService manifest (cmd/kubeadm/app/phases/addons/dns/manifests.go) with DNSIP the service subnet's tenth address. */
function kubeDnsService(dnsIP: string): any {
  return {
    apiVersion: "v1", kind: "Service",
    metadata: {
      name: "kube-dns", namespace: "kube-system",
      labels: { "k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS" },
      annotations: { "prometheus.io/port": "9153", "prometheus.io/scrape": "true" },
    },
    spec: {
      clusterIP: dnsIP,
      ports: [
        { name: "dns", port: 53, protocol: "UDP", targetPort: 53 },
        { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: 53 },
        { name: "metrics", port: 9153, protocol: "TCP", targetPort: 9153 },
      ],
      selector: { "k8s-app": "kube-dns" },
    },
  };
}

/** kubeadm's CoreDNS ServiceAccount, ConfigMap and Deployment (cmd/kubeadm/app/phases/addons/dns/manifests.go) for cluster.local, CoreDNS v1.13.1. */
function coreDnsAddon(): any[] {
  const corefile = [
    ".:53 {", "    errors", "    health {", "       lameduck 5s", "    }", "    ready",
    "    kubernetes cluster.local in-addr.arpa ip6.arpa {", "       pods insecure", "       fallthrough in-addr.arpa ip6.arpa", "       ttl 30", "    }",
    "    prometheus :9153", "    forward . /etc/resolv.conf {", "       max_concurrent 1000", "    }",
    "    cache 30 {", "       disable success cluster.local", "       disable denial cluster.local", "    }",
    "    loop", "    reload", "    loadbalance", "}", "",
  ].join("\n");
  const port = (name: string, containerPort: number, protocol = "TCP") => ({ containerPort, name, protocol });
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "coredns", namespace: "kube-system" } },
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "coredns", namespace: "kube-system" }, data: { Corefile: corefile } },
    {
      apiVersion: "apps/v1", kind: "Deployment",
      metadata: { name: "coredns", namespace: "kube-system", labels: { "k8s-app": "kube-dns" } },
      spec: {
        replicas: 2,
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
        selector: { matchLabels: { "k8s-app": "kube-dns" } },
        template: {
          metadata: { labels: { "k8s-app": "kube-dns" } },
          spec: {
            priorityClassName: "system-cluster-critical",
            serviceAccountName: "coredns",
            affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchExpressions: [{ key: "k8s-app", operator: "In", values: ["kube-dns"] }] }, topologyKey: "kubernetes.io/hostname" } }] } },
            tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists" }, { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }],
            nodeSelector: { "kubernetes.io/os": "linux" },
            containers: [{
              name: "coredns", image: "registry.k8s.io/coredns/coredns:v1.13.1", imagePullPolicy: "IfNotPresent",
              resources: { limits: { memory: "170Mi" }, requests: { cpu: "100m", memory: "70Mi" } },
              args: ["-conf", "/etc/coredns/Corefile"],
              volumeMounts: [{ name: "config-volume", mountPath: "/etc/coredns", readOnly: true }],
              ports: [port("dns", 53, "UDP"), port("dns-tcp", 53), port("metrics", 9153), port("liveness-probe", 8080), port("readiness-probe", 8181)],
              livenessProbe: { httpGet: { path: "/health", port: "liveness-probe", scheme: "HTTP" }, initialDelaySeconds: 60, timeoutSeconds: 5, successThreshold: 1, failureThreshold: 5 },
              readinessProbe: { httpGet: { path: "/ready", port: "readiness-probe", scheme: "HTTP" } },
              securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ["NET_BIND_SERVICE"], drop: ["ALL"] }, readOnlyRootFilesystem: true },
            }],
            dnsPolicy: "Default",
            volumes: [{ name: "config-volume", configMap: { name: "coredns", items: [{ key: "Corefile", path: "Corefile" }] } }],
          },
        },
      },
    },
  ];
}

/** kubeadm's kube-proxy ServiceAccount, ConfigMap and DaemonSet (cmd/kubeadm/app/phases/addons/proxy/manifests.go), iptables mode. */
function kubeProxyAddon(networking: ClusterNetworking): any[] {
  const kubeconfig = [
    "apiVersion: v1", "kind: Config", "clusters:", "- cluster:", "    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
    `    server: ${apiServerURL(networking)}`, "  name: default", "contexts:", "- context:", "    cluster: default", "    namespace: default",
    "    user: default", "  name: default", "current-context: default", "users:", "- name: default", "  user:", "    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token",
  ].join("\n");
  // the KubeProxyConfiguration kubeadm writes (its defaults, mode left empty: kube-proxy picks iptables)
  const config = [
    "apiVersion: kubeproxy.config.k8s.io/v1alpha1", `bindAddress: ${isIPv6Primary(networking) ? "'::'" : "0.0.0.0"}`, "clientConnection:", "  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf",
    `clusterCIDR: ${networking.podSubnets.join(",")}`, "kind: KubeProxyConfiguration", "mode: \"\"",
  ].join("\n");
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "kube-proxy", namespace: "kube-system" } },
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "kube-proxy", namespace: "kube-system", labels: { app: "kube-proxy" } }, data: { "kubeconfig.conf": kubeconfig, "config.conf": config } },
    {
      apiVersion: "apps/v1", kind: "DaemonSet",
      metadata: { name: "kube-proxy", namespace: "kube-system", labels: { "k8s-app": "kube-proxy" } },
      spec: {
        selector: { matchLabels: { "k8s-app": "kube-proxy" } },
        updateStrategy: { type: "RollingUpdate" },
        template: {
          metadata: { labels: { "k8s-app": "kube-proxy" } },
          spec: {
            priorityClassName: "system-node-critical",
            containers: [{
              name: "kube-proxy", image: "registry.k8s.io/kube-proxy:v1.35.0", imagePullPolicy: "IfNotPresent",
              command: ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf", "--hostname-override=$(NODE_NAME)"],
              securityContext: { privileged: true },
              volumeMounts: [{ mountPath: "/var/lib/kube-proxy", name: "kube-proxy" }, { mountPath: "/run/xtables.lock", name: "xtables-lock", readOnly: false }, { mountPath: "/lib/modules", name: "lib-modules", readOnly: true }],
              env: [{ name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
            }],
            hostNetwork: true,
            serviceAccountName: "kube-proxy",
            volumes: [
              { name: "kube-proxy", configMap: { name: "kube-proxy" } },
              { name: "xtables-lock", hostPath: { path: "/run/xtables.lock", type: "FileOrCreate" } },
              { name: "lib-modules", hostPath: { path: "/lib/modules" } },
            ],
            tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists" }, { operator: "Exists" }],
            nodeSelector: { "kubernetes.io/os": "linux" },
          },
        },
      },
    },
  ];
}

/**
 * What the endpoint reconciler writes for default/kubernetes: Endpoints (labelled skip-mirror, so the
 * mirroring controller leaves them) and the EndpointSlice the EndpointsAdapter makes from them
 * (named like the Service, with its service-name label and no managed-by label).
 */
function apiServerEndpoints(ipv6: boolean): Array<Omit<ApiRequest, "type" | "id">> {
  const port = { name: "https", port: apiServerSecurePort, protocol: "TCP" };
  // an IPv6 cluster's kube-apiserver advertises its node's IPv6 address (kind's node-ip)
  const address = ipv6 ? internalIPv6For(0) : apiServerAddress;
  return [
    {
      verb: "create", group: "", resource: "endpoints", namespace: "default",
      body: { apiVersion: "v1", kind: "Endpoints", metadata: { name: "kubernetes", labels: { "endpointslice.kubernetes.io/skip-mirror": "true" } }, subsets: [{ addresses: [{ ip: address }], ports: [port] }] },
    },
    {
      verb: "create", group: "discovery.k8s.io", resource: "endpointslices", namespace: "default",
      body: {
        apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: { name: "kubernetes", labels: { "kubernetes.io/service-name": "kubernetes" } },
        addressType: ipv6 ? "IPv6" : "IPv4", endpoints: [{ addresses: [address], conditions: { ready: true } }], ports: [port],
      },
    },
  ];
}
