// Formatting and Events the kubelet records on a pod and its containers.

import type { Pod } from "kubernetes-types/core/v1";
import type { Fx } from "../common/effects.js";
import { recordEvent } from "../common/client.js";
import type { ContainerRecord, KubeletContext, PodWorker } from "./types.js";
import { view } from "./view.js";
import { mutant } from "../common/mutation.js";

// ---- formatting ----------------------------------------------------------------------

/** Go's time.Duration String for whole milliseconds: 10s, 1m20s, 5m0s, 1.234s, 567ms. */
export function goDuration(ms: number): string {
  if (ms === 0) return "0s";
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  const sec = `${Number.isInteger(s) ? s : String(s)}s`;
  if (h > 0) return `${h}h${m}m${sec}`;
  if (m > 0) return `${m}m${sec}`;
  return sec;
}

/** format.Pod: name_namespace(uid). */
export function formatPod(pod: Pod): string {
  return `${pod.metadata!.name}_${pod.metadata!.namespace}(${pod.metadata!.uid})`;
}

// ---- events ------------------------------------------------------------------------------

function fieldPath(c: ContainerRecord): string {
  if (c.kind === "ephemeral") return `spec.ephemeralContainers{${c.name}}`;
  return c.kind === "regular" || mutant("kubelet.event-init-container-field-path") ? `spec.containers{${c.name}}` : `spec.initContainers{${c.name}}`;
}

/** Records an event on the pod (or on one of its containers, with its fieldPath). */
export function podEvent(ctx: KubeletContext, w: PodWorker, c: ContainerRecord | undefined, type: "Normal" | "Warning", reason: string, message: string, fx: Fx): void {
  // recordEvent reads the involved object's kind, apiVersion and metadata: those of a spread of the
  // pod over Pod/v1 defaults, without copying the whole pod
  const pod = view(w.pod);
  const involved = { kind: Object.hasOwn(pod, "kind") ? pod.kind : "Pod", apiVersion: Object.hasOwn(pod, "apiVersion") ? pod.apiVersion : "v1", metadata: pod.metadata };
  recordEvent(ctx.client, fx, involved, type, reason, message, { component: "kubelet", host: ctx.node }, ctx.now, c ? fieldPath(c) : undefined);
}
