// Shared types and constants of the kubelet, so its machines and logic never import each other in a circle.

import type { Container, Node, Pod, Probe } from "kubernetes-types/core/v1";
import type { ClientState } from "../common/client.js";
import type { ImageSummary, PodSandboxInfo } from "../cri/messages.js";

/** Container restart back-off (kubelet backOffPeriod and MaxContainerBackOff). */
export const backOffInitialMs = 10_000;
export const backOffMaxMs = 300_000;
/** Pull back-off uses the same bounds (MaxImageBackOff). */
export const imageBackOffMaxMs = 300_000;
/** killContainer never gives a container less than this (minimumGracePeriodInSeconds). */
export const minimumGracePeriodSeconds = 2;
/** How soon a pod worker retries after a failed sync step. */
export const syncRetryMs = 1_000;
export const podWatchId = 1;

export type WorkerState = "SyncPod" | "TerminatingPod" | "TerminatedPod";
export type ProbeKind = "startup" | "liveness" | "readiness";

export interface Terminated {
  exitCode: number;
  reason: string;
  message?: string;
  startedAt: number;
  finishedAt: number;
  containerID: string;
}

export interface ProbeState {
  kind: ProbeKind;
  spec: Probe;
  successes: number;
  failures: number;
  result: "success" | "failure" | "unknown";
}

export interface ContainerRecord {
  name: string;
  kind: "init" | "sidecar" | "regular";
  spec: Container;
  id?: string;
  running: boolean;
  stopping: boolean;
  startedAt?: number;
  terminated?: Terminated;
  last?: Terminated;
  waiting?: { reason: string; message?: string };
  attempts: number;
  image?: ImageSummary;
  /** progress of the current start attempt */
  step: { checked?: boolean; present?: ImageSummary | null; image?: ImageSummary; createdId?: string };
  crash?: { ms: number; lastUpdate: number };
  started: boolean;
  /** a start failed and the runtime's exit report is still on its way */
  pendingExit?: boolean;
  probes: Partial<Record<ProbeKind, ProbeState>>;
}

export interface PodWorker {
  uid: string;
  pod: Pod;
  state: WorkerState;
  op?: number;
  sandboxId?: string;
  sandboxStopped: boolean;
  sandboxRemoved: boolean;
  networkReleased: boolean;
  ip?: string;
  startTime?: number;
  containers: ContainerRecord[];
  pullBackoff: Map<string, { ms: number; lastUpdate: number; prevErr: string }>;
  status: { inFlight: boolean; dirty: boolean; last?: string; terminalWritten?: boolean; issuedTerminal?: boolean; owned?: any[] };
  gone: boolean;
  deleteSent: boolean;
  failedInit: boolean;
  /** rebuilt from the runtime after a kubelet restart: the network may hold an IP the worker never saw */
  recovered?: boolean;
}

/** What a runtime call in flight is for. */
export interface RuntimeOp {
  uid: string;
  kind: string;
  container?: string;
  probe?: ProbeKind;
  containerId?: string;
}

export interface KubeletContext {
  node: string;
  index: number;
  given: Node;
  podCIDR: string;
  hostIP: string;
  cri: string;
  cni: string;
  client: ClientState;
  now: number;
  nodeObj?: Node;
  nodeStatusPostedAt: number;
  nodeStatusInFlight: boolean;
  lease?: any;
  leaseInFlight: boolean;
  workers: Map<string, PodWorker>;
  byContainer: Map<string, { uid: string; name: string }>;
  ops: Map<number, RuntimeOp>;
  opSeq: number;
  /**
   * Start-up: "api" until the pod informer has listed, "cri" until the runtime has listed its
   * sandboxes and containers, then "done". No pod worker runs (and no status is written) before.
   */
  recovery: "api" | "cri" | "done";
  /** the ListPodSandbox answer, kept until ListContainers answers */
  runtimeSandboxes?: PodSandboxInfo[];
}

export interface KubeletInput {
  node: Node;
  index: number;
  podCIDR: string;
  token: string;
  /** the clock at start (registration happens before any message is delivered) */
  now?: number;
}

