// Shared types and constants of the kubelet, so its machines and logic never import each other in a circle.

import type { Container, Node, Pod, PodStatus, ResourceRequirements } from "kubernetes-types/core/v1";
import type { ClientState } from "../common/client.js";
import type { ContextFrom, StateValue } from "xstate";
import type { EnvFileRead, ImageSummary, PodSandboxInfo, ProcessUser } from "../cri/messages.js";
import type { containerMachine, WaitingReason } from "./container.machine.js";
import type { imagePullerMachine } from "./imagepuller.machine.js";
import type { podWorkerMachine } from "./podworker.machine.js";
import type { heartbeatMachine } from "./heartbeat.machine.js";
import type { resizeMachine } from "./resize.machine.js";
import type { ProbeContext, ProbeKind } from "./prober.machine.js";
import type { WorkerTable } from "./workertable.js";
import type { UserNamespaceMapping } from "./userns.js";

export { backOffInitialMs, backOffMaxMs, imageBackOffMaxMs } from "./backoff.js";
/** killContainer never gives a container less than this (minimumGracePeriodInSeconds). */
export const minimumGracePeriodSeconds = 2;
/** How soon a pod worker retries after a failed sync step. */
export const syncRetryMs = 1_000;
export const podWatchId = 1;
/** The kubelet's node informer (fieldSelector metadata.name=<node>): tryUpdateNodeStatus reads its Node from it. */
export const nodeWatchId = 2;
/** The kubelet's service informer (all Services): the Service environment variables come from it. */
export const serviceWatchId = 3;

export type { ProbeKind } from "./prober.machine.js";

export type { Terminated } from "./container.machine.js";
/** A lifecycle machine's state as a plain value: its state value and context, nothing of the machine. */
export interface LifeValue<C> {
  readonly value: StateValue;
  readonly context: C;
}
/** A container's lifecycle (container.machine.ts): Waiting with its reason, Running, Terminated. */
export type ContainerSnapshot = LifeValue<ContextFrom<typeof containerMachine>>;
/** An image's pulls in one pod (imagepuller.machine.ts): idle, pulling, imagePullBackOff. */
export type PullSnapshot = LifeValue<ContextFrom<typeof imagePullerMachine>>;
/** A pod worker (podworker.machine.ts): SyncPod, TerminatingPod, TerminatedPod, and its requeue. */
export type PodWorkerSnapshot = LifeValue<ContextFrom<typeof podWorkerMachine>>;

/** A pod's in-place resize (resize.machine.ts): noResize, PodResizePending (deferred, infeasible), PodResizeInProgress. */
export type ResizeSnapshot = LifeValue<ContextFrom<typeof resizeMachine>>;

/** A probe worker (prober.machine.ts): its ticks, and its result Unknown, Success or Failure. */
export type ProbeState = LifeValue<ProbeContext>;

export interface ContainerRecord {
  name: string;
  kind: "init" | "sidecar" | "regular" | "ephemeral";
  spec: Container;
  /** THE container's state, and its id, start and exits (container.machine.ts) */
  lifecycle: ContainerSnapshot;
  attempts: number;
  image?: ImageSummary;
  /** the credentials the runtime gave its process (CRI ContainerStatus.user) */
  user?: ProcessUser;
  /** progress of the current start attempt: replaced whole, never changed in place (a copied worker shares it) */
  step: Readonly<{ checked?: boolean; present?: ImageSummary | null; image?: ImageSummary; /** the env files its fileKeyRefs name, read for this attempt */ envFiles?: readonly EnvFileRead[]; createdId?: string; /** the image volumes it mounts, by volume name: their images, ensured for this attempt (imagevolumes.ts) */ imageVolumes?: Readonly<Record<string, string>> }>;
  started: boolean;
  /** replaced whole, never changed in place (a copied worker shares it) */
  probes: Readonly<Partial<Record<ProbeKind, ProbeState>>>;
  /** killed because its spec changed (its hash): it starts again whatever the restart policy says */
  restartForChange?: boolean;
  /** the cpu and memory the runtime applied to the running container (CreateContainer, then UpdateContainerResources) */
  actuated?: ResourceRequirements;
  /** when a sync last failed on this container's unparsable image name (its events are recorded once a sync) */
  invalidImageSyncAt?: number;
}

export interface PodWorker {
  uid: string;
  pod: Pod;
  /** THE worker's state: SyncPod (sandbox, network, containers), TerminatingPod, TerminatedPod */
  lifecycle: PodWorkerSnapshot;
  op?: number;
  sandboxId?: string;
  /** the user namespace the userns manager gave a hostUsers: false pod (released with the worker) */
  userNamespace?: UserNamespaceMapping;
  sandboxStopped: boolean;
  sandboxRemoved: boolean;
  networkReleased: boolean;
  ip?: string;
  /** a dual-stack node's second address for the sandbox (CNI ADD's IPv6 one) */
  ipV6?: string;
  startTime?: number;
  containers: ContainerRecord[];
  /** each image's pull lifecycle in this pod (the pull back-off is per pod and image): replaced whole, never changed in place */
  pulls: ReadonlyMap<string, PullSnapshot>;
  /**
   * last: the status last written or found written, as a value (the one sent, or the pod's own when
   * found there), compared by its JSON text (sameJSONText) rather than kept as that text (~1.3 KB a pod)
   */
  status: { inFlight: boolean; dirty: boolean; last?: PodStatus; terminalWritten?: boolean; issuedTerminal?: boolean; owned?: any[] };
  gone: boolean;
  deleteSent: boolean;
  failedInit: boolean;
  /** the volume manager's back-off while a volume cannot be set up (a ConfigMap or Secret missing) */
  mountBackOffMs?: number;
  /** the syncs in a row that failed on a claim (WaitForAttachAndMount), until every volume is set up */
  claimRetries?: number;
  /** the hostPath volumes passed the plugin's type check (made where their type says so): true from then on */
  hostPathsChecked?: true;
  /** rebuilt from the runtime after a kubelet restart: the network may hold an IP the worker never saw */
  recovered?: boolean;
  /** when this kubelet first saw the pod (its config.seen annotation); absent for a worker made of a sandbox alone */
  seenAt?: number;
  /** the allocation manager's checkpoint: each resizable container's admitted resources (replaced whole) */
  allocation?: Readonly<Record<string, ResourceRequirements>>;
  /** the pod's in-place resize, absent until one is asked */
  resize?: ResizeSnapshot;
  /** the admit handler's refusal when the pod first came (admission.ts): it never runs, its status says why */
  rejected?: Readonly<{ reason: string; message: string }>;
  /** the image volumes' EnsureImageExists while a container's start resolves them (imagevolumes.ts): replaced whole */
  imageVolumePulls?: Readonly<Record<string, ImageVolumePull>>;
  /** the pod's persistentVolumeClaim volumes as the volume manager resolved them (claims.ts): replaced whole, never changed in place */
  claimVolumes?: Readonly<Record<string, ClaimVolume>>;
  /** the projected serviceAccountToken sources' tokens by "volume/path" (tokens.ts): replaced whole, never changed in place */
  tokens?: Readonly<Record<string, ServiceAccountTokenState>>;
}

/** One image volume's EnsureImageExists in the current start: the runtime's ImageStatus answer, or its outcome. */
export type ImageVolumePull =
  | { kind: "status"; present: ImageSummary | null }
  | { kind: "ready"; image: string }
  | { kind: "failed"; reason: WaitingReason; message: string; retryMs: number };

/** One token source: asked of the API server, its token, or the refusal (reported once in a FailedMount, then asked again). */
export type ServiceAccountTokenState = { kind: "asked" } | { kind: "issued"; token: string } | { kind: "failed"; message: string; reported: boolean };

/** One claim volume: its claim and volume being read, or the node directory it mounts. */
/** A claim volume: being read, mounted, or failed with the populator's error for it (the FailedMount message's part). */
export type ClaimVolume = { kind: "asked" } | { kind: "mounted"; path: string; readOnly: boolean } | { kind: "failed"; error: string };

/** What a runtime call in flight is for. */
export interface RuntimeOp {
  uid: string;
  kind: string;
  container?: string;
  /** the image volume an ImageStatus or PullImage is for (imagevolumes.ts) */
  volume?: string;
  probe?: ProbeKind;
  containerId?: string;
  /** the container resources a CreateContainer or UpdateContainerResources in flight applies */
  resources?: ResourceRequirements;
}

export interface KubeletContext {
  node: string;
  index: number;
  given: Node;
  /** absent when the node IPAM controller had no CIDR left for the node: its network never becomes ready */
  podCIDR?: string;
  /** a dual-stack node's IPv6 podCIDR (node.spec.podCIDRs[1]) */
  podCIDRv6?: string;
  hostIP: string;
  /** a dual-stack node's IPv6 InternalIP (kind's node-ip "ipv4,ipv6"): its pods' second hostIP */
  hostIPv6?: string;
  /** the cluster CA (KubeletInput.rootCA); clusterCACert when absent */
  rootCA?: string;
  /** --cluster-dns when not kubeadm's 10.96.0.10 (KubeletInput.clusterDNS) */
  clusterDNS?: string;
  cri: string;
  cni: string;
  client: ClientState;
  now: number;
  nodeObj?: Node;
  nodeStatusPostedAt: number;
  nodeStatusInFlight: boolean;
  lease?: any;
  leaseInFlight: boolean;
  /** the node's heartbeats (heartbeat.machine.ts): Lease renewal and node status, both `after` */
  heartbeat?: LifeValue<ContextFrom<typeof heartbeatMachine>>;
  /** by pod UID: a value a step copies at its first change (workertable.ts) */
  workers: WorkerTable;
  byContainer: Map<string, { uid: string; name: string }>;
  ops: Map<number, RuntimeOp>;
  opSeq: number;
  /** the ConfigMap and Secret managers' reflectors: resource/namespace/name -> watch id (objects.ts) */
  objectWatches: Map<string, number>;
  nextObjectWatchId: number;
  /** the ListPodSandbox answer, kept until ListContainers answers */
  runtimeSandboxes?: PodSandboxInfo[];
}

/**
 * The kubelet's start-up, as its machine's states: listingPods until the pod informer has listed,
 * listingRuntime until the runtime has listed its sandboxes and containers, then running. No pod
 * worker runs (and no status is written) before.
 */
export type KubeletPhase = "listingPods" | "listingRuntime" | "running";

export interface KubeletInput {
  node: Node;
  index: number;
  /** the node's podCIDR; absent when the cluster CIDR had none left for it (CIDRNotAvailable) */
  podCIDR?: string;
  /** a dual-stack node's IPv6 podCIDR, the node IPAM controller's /64 */
  podCIDRv6?: string;
  /** --cluster-dns: the kube-dns ClusterIP, the service subnet's tenth address (fd00:10:96::a on an IPv6 cluster); 10.96.0.10 when absent */
  clusterDNS?: string;
  token: string;
  /** the clock at start (registration happens before any message is delivered) */
  now?: number;
  /** the cluster CA the kube-root-ca.crt ConfigMap holds, when the cluster was given one */
  rootCA?: string;
}

