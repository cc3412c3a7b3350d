import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import { kubeletMachine } from "./kubelet.machine.js";
import type { KubeletContext, PodWorker } from "./kubelet.logic.js";
import { podConditions, podPhase } from "./status.js";
import { containerState, isRunning, workerState } from "./lifecycles.js";
import { rfc3339 } from "../common/time.js";
import { covered, modelFor, replay, serializeBy, transitionPaths } from "../../test/support/model.js";

// The kubelet's peers, played by the test: the API server (the pod informer, status writes; node
// registration stays unanswered, it does not touch the pod), the CRI (runtime list, sandbox, image, container) and the CNI (pod network).
const NOW = 1_700_000_000_000;
const api = { from: "apiserver", now: NOW };
const cri = { from: "cri/node-1", now: NOW };
const cni = { from: "cni/node-1", now: NOW };
const givenNode = { apiVersion: "v1", kind: "Node", metadata: { name: "node-1" } };
const input = { node: givenNode, index: 0, podCIDR: "10.244.1.0/24", token: "node-1-token", now: NOW };
// restartPolicy Never: the container's exit ends the pod, so every path is finite.
const pod: Pod = {
  apiVersion: "v1", kind: "Pod",
  metadata: { name: "web", namespace: "default", uid: "pod-uid", resourceVersion: "5", generation: 1 },
  spec: { nodeName: "node-1", restartPolicy: "Never", terminationGracePeriodSeconds: 30, containers: [{ name: "web", image: "nginx:1.27", imagePullPolicy: "IfNotPresent" }] },
  status: { phase: "Pending", conditions: [{ type: "PodScheduled", status: "True", lastTransitionTime: rfc3339(NOW - 1000) }] },
};
const image = { ref: "docker.io/library/nginx:1.27", imageID: "docker.io/library/nginx@sha256:aaa", id: "sha256:aaa", sizeBytes: 72_000_000, repoTags: ["docker.io/library/nginx:1.27"] };
const deleting = (rv: string) => ({ ...pod, metadata: { ...pod.metadata, resourceVersion: rv, deletionTimestamp: rfc3339(NOW + 30_000), deletionGracePeriodSeconds: 30 } });

const worker = (ctx: KubeletContext): PodWorker | undefined => ctx.workers.get("pod-uid");
const stored = (ctx: KubeletContext): any => ctx.client.informers.get(1)?.store.get("default/web");

/** The CRI's or CNI's answer to a runtime call in flight (and, for a few, the failure it may give instead). */
function runtimeAnswers(id: number, kind: string, w: PodWorker): any[] {
  switch (kind) {
    case "RunPodSandbox": return [{ type: "RunPodSandboxResult", id, sandboxId: "sb-1", ...cri }];
    case "CniAdd": return [
      { type: "CniAddResult", id, sandboxId: "sb-1", ok: true, ip: "10.244.1.2", cidr: "10.244.1.0/24", gateway: "10.244.1.1", ...cni },
      { type: "CniAddResult", id, sandboxId: "sb-1", ok: false, error: "failed to allocate for range 0: no IP addresses available in range set: 10.244.1.1-10.244.1.254", ...cni },
    ];
    case "ImageStatus": return [{ type: "ImageStatusResult", id, image: "nginx:1.27", present: null, ...cri }, { type: "ImageStatusResult", id, image: "nginx:1.27", present: image, ...cri }];
    case "PullImage": return [{ type: "PullImageResult", id, image: "nginx:1.27", ok: true, pulled: image, durationMs: 1500, ...cri }];
    case "CreateContainer": return [{ type: "CreateContainerResult", id, ok: true, containerId: "ctr-1", image, ...cri }];
    case "StartContainer": return [{ type: "StartContainerResult", id, containerId: "ctr-1", ok: true, startedAt: NOW, ...cri }];
    case "StopContainer": return [{ type: "StopContainerResult", id, containerId: "ctr-1", ...cri }];
    case "StopPodSandbox": return [{ type: "StopPodSandboxResult", id, sandboxId: "sb-1", ...cri }];
    case "CniDel": return [{ type: "CniDelResult", id, sandboxId: "sb-1", ...cni }];
    case "RemovePodSandbox": return [{ type: "RemovePodSandboxResult", id, sandboxId: "sb-1", ...cri }];
  }
  throw new Error(`no answer for ${kind} of ${w.uid}`);
}

/** Everything the kubelet's peers could send next, built from the requests it has in flight. */
function nextEvents(ctx: KubeletContext, state: string): any[] {
  const out: any[] = [];
  for (const [id, p] of ctx.client.pending) {
    if (p.purpose === "informer-list") out.push({ type: "ApiResponse", id, ok: true, code: 200, object: { kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "10" }, items: [pod] }, ...api });
    else if (p.purpose === "pod-status") {
      const rv = String(Number(p.req.body.metadata.resourceVersion) + 1);
      out.push({ type: "ApiResponse", id, ok: true, code: 200, object: { ...p.req.body, metadata: { ...p.req.body.metadata, resourceVersion: rv } }, ...api });
    } else if (p.purpose === "pod-reread") out.push({ type: "ApiResponse", id, ok: true, code: 200, object: stored(ctx), ...api });
    else if (p.purpose === "pod-delete") out.push({ type: "ApiResponse", id, ok: true, code: 200, object: stored(ctx), ...api });
  }
  const runtimeList = [...ctx.client.pending.values()].some((p) => p.purpose === "informer-list");
  if (!runtimeList && state === "listingRuntime") {
    if (!ctx.runtimeSandboxes) out.push({ type: "ListPodSandboxResult", id: 1, sandboxes: [], ...cri });
    else out.push({ type: "ListContainersResult", id: 2, containers: [], inFlightMaxId: 0, ...cri });
  }
  const w = worker(ctx);
  if (!w) return out;
  for (const [id, op] of ctx.ops) out.push(...runtimeAnswers(id, op.kind, w));
  const c = w.containers[0]!;
  // PLEG: the container's process ends (nginx exits 0 on its own or on SIGTERM).
  if (isRunning(c)) out.push({ type: "ContainerExited", containerId: "ctr-1", exitCode: 0, reason: "Completed", startedAt: NOW, finishedAt: NOW + 5000, ...cri });
  // A network setup failure is retried when the worker's resync timer fires.
  if (w.sandboxId && !w.ip && w.op === undefined) out.push({ type: "PodWorkerTimer", uid: w.uid, event: { type: "xstate.after.requeueDelay.podWorker.worker.workQueue.queued" }, from: "kubelet/node-1", now: NOW + 10_000 });
  const s = stored(ctx);
  // kubectl delete, while the container runs: the informer sees the deletion mark.
  if (s && !s.metadata.deletionTimestamp && isRunning(c) && w.op === undefined) out.push({ type: "WatchEvent", watchId: 1, eventType: "MODIFIED", object: deleting("40"), ...api });
  if (w.deleteSent) out.push({ type: "WatchEvent", watchId: 1, eventType: "DELETED", object: deleting("41"), ...api });
  return out;
}

const abstract = (ctx: KubeletContext) => {
  const w = worker(ctx);
  const c = w?.containers[0];
  return {
    sandboxesListed: ctx.runtimeSandboxes !== undefined,
    pending: [...ctx.client.pending.values()].filter((p) => p.purpose !== "event").map((p) => p.purpose).sort(),
    ops: [...ctx.ops.values()].map((o) => o.kind).sort(),
    deleting: !!stored(ctx)?.metadata.deletionTimestamp,
    worker: w && [JSON.stringify(w.lifecycle.value), w.sandboxId ?? null, w.ip ?? null, w.sandboxStopped, w.networkReleased, w.sandboxRemoved, w.gone, w.deleteSent, w.status.inFlight, w.status.issuedTerminal ?? false, w.status.terminalWritten ?? false],
    container: c && [containerState(c), c.lifecycle.context.terminated?.exitCode ?? null, !!c.step.checked, c.step.present === undefined ? null : !!c.step.present, !!c.step.image, c.step.createdId ?? null, c.lifecycle.context.message ?? null],
  };
};

const statusWrites = (emitted: any[]) => emitted.flatMap((e) => e.send).map((s: any) => s.msg).filter((m: any) => m.type === "ApiRequest" && m.subresource === "status" && m.resource === "pods");
const rank = { Pending: 0, Running: 1, Succeeded: 2, Failed: 2 } as const;

describe("kubelet machine paths (model-based)", () => {
  const model = modelFor(kubeletMachine, input, (s: any) => nextEvents(s.context, s.value), abstract);
  const paths = transitionPaths(model, serializeBy(abstract));

  it("on a path through every transition each pod status the kubelet writes has podPhase's phase and podConditions' conditions for its container statuses", () => {
    expect(covered(paths, serializeBy(abstract)).size).toBe(Object.keys(model.getAdjacencyMap()).length);
    expect(paths.length).toBeGreaterThan(30);
    const phases = new Set<string>();
    let deletes = 0;
    for (const path of paths) {
      let lastPhase = "Pending";
      let runtimeListed = false;
      replay(kubeletMachine, input, path, abstract, (ev, ctx: KubeletContext, emitted) => {
        if (ev.type === "ListContainersResult") runtimeListed = true;
        const writes = statusWrites(emitted);
        // One status write in flight per pod: a second change waits for the answer.
        expect(writes.length).toBeLessThanOrEqual(1);
        const w = worker(ctx);
        for (const write of writes) {
          const status = write.body.status;
          const written = { ...write.body, status } as Pod;
          const c = w!.containers[0]!;
          const terminal = workerState(w!) === "TerminatedPod";
          expect(status.phase).toBe(podPhase(written, { podIsTerminal: terminal, podHasInitialized: isRunning(c) || c.lifecycle.context.terminated !== undefined }));
          // The conditions are podConditions' for what was written: regenerating them changes nothing.
          const sandboxReady = w!.ip !== undefined && !w!.sandboxStopped;
          expect(status.conditions).toEqual(podConditions(written, { sandboxReady, now: rfc3339(NOW) }));
          // PodScheduled comes last (the kubelet's order), True since the time the scheduler set it.
          const scheduled = status.conditions[status.conditions.length - 1];
          expect([scheduled.type, scheduled.status, scheduled.lastTransitionTime]).toEqual(["PodScheduled", "True", pod.status!.conditions![0]!.lastTransitionTime]);
          const ready = status.conditions.find((x: any) => x.type === "Ready");
          // Ready while the container runs, a stopping one included (prober's UpdatePodStatus: no
          // readiness probe, ready when running): a terminating pod reads 1/1 until its container exits.
          expect(ready.status).toBe(isRunning(c) ? "True" : "False");
          // Phases only move forward.
          expect(rank[status.phase as keyof typeof rank]).toBeGreaterThanOrEqual(rank[lastPhase as keyof typeof rank]);
          lastPhase = status.phase;
          phases.add(status.phase);
        }
        // The kubelet finishes a deletion only once the pod's final status is written and its sandbox is gone.
        for (const m of emitted.flatMap((e) => e.send).map((x: any) => x.msg).filter((m: any) => m.verb === "delete")) {
          deletes++;
          expect(m).toMatchObject({ resource: "pods", name: "web", gracePeriodSeconds: 0, body: { preconditions: { uid: "pod-uid" } } });
          expect([w!.status.terminalWritten, w!.sandboxStopped, w!.networkReleased, w!.sandboxRemoved]).toEqual([true, true, true, true]);
        }
        // No pod worker runs before the runtime has been listed.
        if (!runtimeListed) expect(ctx.workers.size).toBe(0);
      });
    }
    expect([...phases].sort()).toEqual(["Pending", "Running", "Succeeded"]);
    expect(deletes).toBeGreaterThan(0);
  });

  it("a container that exits 0 under restartPolicy Never leaves the pod Succeeded with Ready=False reason PodCompleted", () => {
    const exited = paths.filter((p) => p.steps.some((s) => s.event.type === "ContainerExited") && !p.steps.some((s) => s.event.type === "WatchEvent"));
    expect(exited.length).toBeGreaterThan(0);
    let last: any;
    for (const path of exited) {
      replay(kubeletMachine, input, path, abstract, (_ev, _ctx, emitted) => {
        for (const w of statusWrites(emitted)) if (w.body.status.phase === "Succeeded") last = w.body.status;
      });
    }
    expect(last).toBeDefined();
    expect(last.phase).toBe("Succeeded");
    expect(last.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: "Completed" });
    expect(last.conditions.find((x: any) => x.type === "Ready")).toMatchObject({ status: "False", reason: "PodCompleted" });
  });
});
