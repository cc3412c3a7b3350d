// prober/: one probe worker per container and probe kind (startup, liveness, readiness).

import type { Container, Probe } from "kubernetes-types/core/v1";
import type { Fx } from "../common/effects.js";
import type { ProbeAction } from "../cri/messages.js";
import type { ContainerRecord, PodWorker, ProbeKind } from "./types.js";

// ---- prober ------------------------------------------------------------------------------

const probeKinds: ProbeKind[] = ["startup", "liveness", "readiness"];

export function probeSpec(c: Container, kind: ProbeKind): Probe | undefined {
  return kind === "startup" ? c.startupProbe : kind === "liveness" ? c.livenessProbe : c.readinessProbe;
}

export function probeKey(w: PodWorker, c: ContainerRecord, kind: ProbeKind): string {
  return `probe/${w.uid}/${c.name}/${kind}`;
}

export function startProbes(w: PodWorker, c: ContainerRecord, fx: Fx): void {
  for (const kind of probeKinds) {
    const spec = probeSpec(c.spec, kind);
    if (!spec) continue;
    // Readiness starts as failure, liveness as success, startup as unknown (prober/results).
    c.probes[kind] = { kind, spec, successes: 0, failures: 0, result: kind === "readiness" ? "failure" : kind === "liveness" ? "success" : "unknown" };
    // The first readiness and startup probes are pending work (settle waits for a pod's first
    // verdict); every later tick, and liveness, is the steady state of a running pod.
    fx.after(probeKey(w, c, kind), (spec.initialDelaySeconds ?? 0) * 1000, { type: "ProbeTick", uid: w.uid, container: c.name, kind }, kind === "liveness");
  }
}

export function cancelProbes(w: PodWorker, c: ContainerRecord, fx: Fx): void {
  for (const kind of probeKinds) if (c.probes[kind]) fx.cancel(probeKey(w, c, kind));
  c.probes = {};
}

/** The probe's action with ports and host resolved (named ports from the container's ports). */
export function probeAction(p: Probe, c: Container, podIP: string): ProbeAction | undefined {
  const port = (x: number | string | undefined) => (typeof x === "number" ? x : Number((c.ports ?? []).find((cp) => cp.name === x)?.containerPort ?? x));
  if (p.exec) return { kind: "exec", command: p.exec.command ?? [] };
  if (p.httpGet) return { kind: "httpGet", scheme: p.httpGet.scheme ?? "HTTP", host: p.httpGet.host ?? podIP, port: port(p.httpGet.port), path: p.httpGet.path ?? "/" };
  if (p.tcpSocket) return { kind: "tcpSocket", host: p.tcpSocket.host ?? podIP, port: port(p.tcpSocket.port) };
  if (p.grpc) return { kind: "grpc", host: podIP, port: p.grpc.port, ...(p.grpc.service ? { service: p.grpc.service } : {}) };
  return undefined;
}

