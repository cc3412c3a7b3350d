// The kubelet's streaming endpoints (pkg/kubelet/server/server.go getExec, getAttach,
// getPortForward): the pod must be one this kubelet runs, the container one of its running
// containers (findContainer reads the runtime's running pods); then the runtime's streaming
// server takes the request (GetExec returns its URL). The runtime answers the caller directly:
// the stream itself never passes through the kubelet's machine.

import type { Fx } from "../common/effects.js";
import type { CriStreamRequest } from "../cri/messages.js";
import { isRunning } from "./lifecycles.js";
import type { KubeletContext, PodWorker } from "./types.js";

/** A stream asked of the kubelet (the API server's proxy, here the HTTP front end). */
export type KubeletStreamRequest =
  | { type: "GetExec"; id: number; podNamespace: string; podName: string; container: string; cmd: string[]; tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }
  | { type: "GetAttach"; id: number; podNamespace: string; podName: string; container: string; tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }
  | { type: "GetPortForward"; id: number; podNamespace: string; podName: string };

/** The kubelet's refusal: its HTTP code and the text it writes (WriteError's, or streaming.WriteError's). */
export type StreamRefused = { type: "StreamRefused"; id: number; code: number; message: string };

/** GetPodByName: the pod this kubelet knows by namespace and name (not one being forgotten). */
function podByName(ctx: KubeletContext, namespace: string, name: string): PodWorker | undefined {
  for (const w of ctx.workers.values()) {
    if (!w.gone && w.pod.metadata?.namespace === namespace && w.pod.metadata?.name === name) return w;
  }
  return undefined;
}

/** Serves GetExec, GetAttach and GetPortForward: refuses, or hands the request to the runtime's streaming server. */
export function serveStream(ctx: KubeletContext, req: KubeletStreamRequest, from: string, fx: Fx): void {
  const refuse = (code: number, message: string) => fx.send(from, { type: "StreamRefused", id: req.id, code, message } satisfies StreamRefused);
  // getExec and getAttach read remotecommand's NewOptions before the pod: a terminal drops stderr,
  // and no stream left is go-restful's WriteError 400 with the error's text
  if (req.type !== "GetPortForward" && !req.stdin && !req.stdout && !(req.stderr && !req.tty)) return refuse(400, "you must specify at least 1 of stdin, stdout, stderr");
  const w = podByName(ctx, req.podNamespace, req.podName);
  if (!w) return refuse(404, "pod does not exist");
  if (req.type === "GetPortForward") {
    // the sandbox holds the pod's network namespace: no sandbox, nothing to forward to
    if (!w.sandboxId || w.sandboxStopped) return refuse(500, `failed to find sandbox for pod "${req.podName}"`);
    const out: CriStreamRequest = { type: "PortForward", id: req.id, sandboxId: w.sandboxId, replyTo: from };
    return fx.send(ctx.cri, out);
  }
  const c = w.containers.find((x) => x.name === req.container && isRunning(x));
  const containerId = c?.lifecycle.context.id;
  if (!c || containerId === undefined) return refuse(500, `container not found (${JSON.stringify(req.container)})`);
  const out: CriStreamRequest = req.type === "GetExec"
    ? { type: "Exec", id: req.id, containerId, cmd: req.cmd, tty: req.tty, stdin: req.stdin, replyTo: from }
    : { type: "Attach", id: req.id, containerId, tty: req.tty, stdin: req.stdin, replyTo: from };
  fx.send(ctx.cri, out);
}
