// The pure baseline: the same scheduling and pod-start semantics as plain function calls in one
// loop (schedulePod over NodeInfos, IPAM allocate, the kubelet's podPhase and podConditions), with
// no actors, channels, API server or etcd in between.

import type { Pod } from "kubernetes-types/core/v1";
import { addPodToNodeInfo, newNodeInfo } from "../machines/scheduler/framework.js";
import { schedulePod } from "../machines/scheduler/semantics.js";
import { allocate, newIPAM, type IPAMState } from "../machines/cni/ipam.js";
import { podConditions, podPhase } from "../machines/kubelet/status.js";
import { Rng } from "../machines/common/prng.js";
import { benchNodes, benchPodSpec, replicasPerDeployment } from "./workload.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface PureResult {
  nodes: number;
  pods: number;
  wallSeconds: number;
  podsPerSecond: number;
  running: number;
}

/** Schedules and "starts" P pods on N nodes by direct calls; returns how long it took. */
export function runPureBaseline(nodes: number, pods: number, seed = 1): PureResult {
  const ns = benchNodes(nodes);
  const infos = ns.map((n) => newNodeInfo(n, []));
  const ipam = new Map<string, IPAMState>(ns.map((n) => [n.metadata!.name!, newIPAM(n.spec!.podCIDR!)]));
  const byName = new Map(infos.map((ni) => [ni.node.metadata!.name!, ni]));
  const rng = new Rng(seed);
  const rand = () => rng.next();
  let start = 0;
  let running = 0;
  const t0 = performance.now();
  for (let i = 0; i < pods; i++) {
    const app = `web-${Math.floor(i / replicasPerDeployment)}`;
    const tpl = benchPodSpec(app);
    const pod: Mutable<Pod> = { apiVersion: "v1", kind: "Pod", metadata: { name: `${app}-${i}`, namespace: "default", uid: `uid-${i}`, labels: tpl.metadata.labels }, spec: { ...tpl.spec } };
    const r = schedulePod(pod, infos, start, rand);
    start = r.nextStartIndex;
    if (r.kind !== "scheduled") throw new Error(`pure baseline: ${pod.metadata!.name} did not fit`);
    (pod.spec as Mutable<NonNullable<Pod["spec"]>>).nodeName = r.nodeName;
    addPodToNodeInfo(byName.get(r.nodeName)!, pod);
    const a = allocate(ipam.get(r.nodeName)!, `sandbox-${i}`);
    if (!a.ok) throw new Error(a.error);
    ipam.set(r.nodeName, a.state);
    const status: Mutable<NonNullable<Pod["status"]>> = {
      podIP: a.ip,
      containerStatuses: [{ name: "nginx", image: "nginx:1.27", imageID: "", ready: true, restartCount: 0, started: true, state: { running: { startedAt: "2026-01-01T00:00:01Z" } } }],
    };
    pod.status = status;
    status.phase = podPhase(pod);
    status.conditions = podConditions(pod, { sandboxReady: true, now: "2026-01-01T00:00:01Z" });
    if (status.phase === "Running") running++;
  }
  const wall = (performance.now() - t0) / 1000;
  return { nodes, pods, wallSeconds: wall, podsPerSecond: pods / wall, running };
}
