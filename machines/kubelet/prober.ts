// prober/: one probe worker per container and probe kind (startup, liveness, readiness).

import type { Container, Probe } from "kubernetes-types/core/v1";
import type { Fx } from "../common/effects.js";
import type { ProbeAction } from "../cri/messages.js";
import type { LifecycleTimer } from "../common/lifecycle.js";
import type { ContainerRecord, PodWorker, ProbeKind, ProbeState } from "./types.js";
import { probeWorkerMachine, type ProbeEvent } from "./prober.machine.js";
import { valueLifecycle } from "./lifecycles.js";
import { view } from "./view.js";
import { mutant } from "../common/mutation.js";

// ---- prober ------------------------------------------------------------------------------

const probeKinds: ProbeKind[] = ["startup", "liveness", "readiness"];

export function probeSpec(c: Container, kind: ProbeKind): Probe | undefined {
  return kind === "startup" ? c.startupProbe : kind === "liveness" ? c.livenessProbe : c.readinessProbe;
}

export function probeKey(w: PodWorker, c: ContainerRecord, kind: ProbeKind): string {
  return `probe/${w.uid}/${c.name}/${kind}`;
}

export const probeLifecycle = valueLifecycle(probeWorkerMachine);

/** A probe worker's delay ended (initialDelaySeconds or periodSeconds): the runtime's clock hands its event back. */
export interface ProbeTimerEvent {
  type: "ProbeTimer";
  uid: string;
  container: string;
  kind: ProbeKind;
  event: { type: string };
}

/**
 * Moves a probe worker by one event and hands its ticks to the outbox. The first readiness and
 * startup probes are pending work (settle waits for a pod's first verdict); every later tick, and
 * liveness, is the steady state of a running pod (background).
 */
function schedule(w: PodWorker, c: ContainerRecord, kind: ProbeKind, step: { timers: LifecycleTimer[]; cancels: string[] }, fx: Fx): void {
  const key = probeKey(w, c, kind);
  for (const id of step.cancels) fx.cancel(`${key}|${id}`);
  for (const t of step.timers) fx.after(`${key}|${t.id}`, t.delayMs, { type: "ProbeTimer", uid: w.uid, container: c.name, kind, event: t.event }, kind === "liveness" || !t.id.includes(".initialDelay."));
}

/** Steps one probe worker of a container; returns what it emitted (Probe: probe now). */
export function stepProbe(w: PodWorker, c: ContainerRecord, kind: ProbeKind, event: ProbeEvent, fx: Fx): Array<{ type: string }> {
  const s = probeLifecycle.step(c.probes[kind]!, event);
  c.probes = { ...c.probes, [kind]: s.snapshot };
  schedule(w, c, kind, s, fx);
  return s.outputs;
}

/** The probe's result as prober/results has it. */
export function probeResult(p: ProbeState): "Unknown" | "Success" | "Failure" {
  return (view(p).value as { worker: { result: "Unknown" | "Success" | "Failure" } }).worker.result;
}

export function startProbes(w: PodWorker, c: ContainerRecord, fx: Fx): void {
  for (const kind of probeKinds) {
    const spec = probeSpec(view(c.spec), kind);
    if (!spec) continue;
    const s = probeLifecycle.start({ kind, spec });
    c.probes = { ...c.probes, [kind]: s.snapshot };
    schedule(w, c, kind, s, fx);
  }
}

export function cancelProbes(w: PodWorker, c: ContainerRecord, fx: Fx): void {
  for (const kind of probeKinds) if (c.probes[kind]) stepProbe(w, c, kind, { type: "Stop" }, fx);
  c.probes = {};
}

/**
 * StopLivenessAndStartup: a container being stopped is no longer probed for liveness or startup,
 * but its readiness worker runs on until it exits, so its readiness stays the prober's verdict
 * (a container not yet Ready never turns Ready by being stopped).
 */
export function stopLivenessAndStartup(w: PodWorker, c: ContainerRecord, fx: Fx): void {
  for (const kind of ["startup", "liveness"] as const) {
    if (!c.probes[kind]) continue;
    stepProbe(w, c, kind, { type: "Stop" }, fx);
    const { [kind]: _stopped, ...rest } = c.probes;
    c.probes = rest;
  }
}

/**
 * probe.ResolveContainerPort: an int port as it is; a string names one of the container's ports,
 * else is parsed as an integer (strconv.Atoi); the result must lie in 1..65535.
 */
export function resolveContainerPort(param: number | string | undefined, c: Container): { port: number } | { port: number; error: string } {
  let port: number;
  if (typeof param === "number") port = param;
  else {
    const named = (c.ports ?? []).find((cp) => cp.name === param);
    if (named !== undefined) port = named.containerPort;
    else if (/^[+-]?\d+$/.test(param ?? "")) port = Number(param);
    else return { port: 0, error: `strconv.Atoi: parsing ${JSON.stringify(param ?? "")}: invalid syntax` };
  }
  return port > 0 && port < 65536 ? { port } : { port, error: `invalid port number: ${port}` };
}

/**
 * The probe's action with ports and host resolved (named ports from the container's ports). A port
 * that does not resolve is the prober's error (NewRequestForHTTPGetAction, the TCP probe's
 * ResolveContainerPort): the probe never reaches the runtime.
 */
export function probeAction(p: Probe, c: Container, podIP: string): ProbeAction | { error: string } | undefined {
  const resolve = (x: number | string | undefined): ReturnType<typeof resolveContainerPort> => (typeof x !== "number" && mutant("kubelet.probe-named-port-unresolved") ? { port: Number(x) } : resolveContainerPort(x, c));
  if (p.exec) return { kind: "exec", command: p.exec.command ?? [] };
  if (p.httpGet) {
    const r = resolve(p.httpGet.port);
    // the mutant probes the pod's IP whatever httpGet.host names
    const host = mutant("kubelet.probe-host-ignored") ? podIP : (p.httpGet.host ?? podIP);
    const headers = (p.httpGet.httpHeaders ?? []).map((h): [string, string] => [h.name, h.value]);
    return "error" in r ? { error: r.error } : { kind: "httpGet", scheme: p.httpGet.scheme ?? "HTTP", host, port: r.port, path: p.httpGet.path ?? "/", ...(headers.length ? { headers } : {}) };
  }
  if (p.tcpSocket) {
    const r = resolve(p.tcpSocket.port);
    return "error" in r ? { error: r.error } : { kind: "tcpSocket", host: p.tcpSocket.host ?? podIP, port: r.port };
  }
  if (p.grpc) return { kind: "grpc", host: podIP, port: p.grpc.port, ...(p.grpc.service ? { service: p.grpc.service } : {}) };
  return undefined;
}


/** prober.probe's event for a probe that errored; doProbe then throws the result away (the counters stay). */
export function probeErroredMessage(kind: ProbeKind, error: string): string {
  return `${kind[0]!.toUpperCase()}${kind.slice(1)} probe errored and resulted in unknown state: ${error}`;
}
