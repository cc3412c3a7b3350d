// Image volumes (KEP-4639; ImageVolume beta and on by default in 1.35): kuberuntime_manager.go
// getImageVolumes ensures each `image` volume's image exists (EnsureImageExists with the pod as the
// event's object, so its Pulling/Pulled/Failed/BackOff events carry no container fieldPath), and
// toKubeContainerImageVolumes fails a container's start with the pull error of a volume it mounts
// (its waiting reason ErrImagePull, ImagePullBackOff, ...), before the container's own image is
// pulled. kubernetes#138655 made the pulls lazy: only a sync that starts a container asks, so a
// running pod's resyncs record no "already present" event each time.

import type { Volume } from "kubernetes-types/core/v1";
import type { Fx } from "../common/effects.js";
import type { CriResponse } from "../cri/messages.js";
import { invalidImageNameMessage, pullFailureMessage } from "../cri/registry.js";
import { syncRetryMs, type ContainerRecord, type ImageVolumePull, type KubeletContext, type PodWorker } from "./types.js";
import { goDuration, podEvent } from "./events.js";
import { stepPull } from "./lifecycles.js";
import { view } from "./view.js";


// kubernetes-types predates the image volume source
type ImageVolume = Volume & { image?: { reference?: string; pullPolicy?: string } };

/** The pod's image volumes, in spec order. */
export function imageVolumesOf(w: PodWorker): readonly ImageVolume[] {
  return ((view(w.pod).spec?.volumes ?? []) as ImageVolume[]).filter((v) => v.image !== undefined);
}

/** A volume c mounts could not be had: c waits with this reason and message, and the worker syncs again after retryMs. */
export type ImageVolumeFailure = Extract<ImageVolumePull, { kind: "failed" }>;

/**
 * Before c's start: each of the pod's image volumes resolved (an ImageStatus or PullImage call at a
 * time: "op"), then c either goes on with the references of those it mounts ("ready": c.step
 * holds them for the runtime to mount), or fails with the last failure among them.
 */
export function ensureImageVolumes(ctx: KubeletContext, w: PodWorker, c: ContainerRecord, fx: Fx, call: (msg: { type: "ImageStatus" | "PullImage"; image: string }, volume: string) => void): "op" | "ready" | ImageVolumeFailure {
  if (c.step.imageVolumes !== undefined) return "ready";
  const volumes = imageVolumesOf(w);
  if (volumes.length === 0) return "ready";
  let pulls = w.imageVolumePulls ?? {};
  for (const v of volumes) {
    const got = Object.hasOwn(pulls, v.name) ? pulls[v.name]! : undefined;
    if (got?.kind === "ready" || got?.kind === "failed") continue;
    const next = ensureImage(ctx, w, v, got, fx, (msg) => call(msg, v.name));
    if (next === "op") return "op";
    pulls = { ...pulls, [v.name]: next };
    w.imageVolumePulls = pulls;
  }
  // every volume has its outcome: this start uses it, the next start asks again
  delete w.imageVolumePulls;
  const mounted = new Set((c.spec.volumeMounts ?? []).map((m) => m.name));
  let failure: ImageVolumeFailure | undefined;
  const images: Record<string, string> = {};
  for (const v of volumes) {
    const p = pulls[v.name]!;
    if (!mounted.has(v.name)) continue;
    if (p.kind === "failed") failure = p;
    else if (p.kind === "ready") images[v.name] = p.image;
  }
  if (failure !== undefined) return failure;
  c.step = { ...c.step, imageVolumes: images };
  return "ready";
}

/** EnsureImageExists for one volume: its next outcome, or "op" when the runtime was asked. */
function ensureImage(ctx: KubeletContext, w: PodWorker, v: ImageVolume, got: ImageVolumePull | undefined, fx: Fx, call: (msg: { type: "ImageStatus" | "PullImage"; image: string }) => void): ImageVolumePull | "op" {
  const image = v.image!.reference ?? "";
  const policy = v.image!.pullPolicy ?? "IfNotPresent";
  const invalid = invalidImageNameMessage(image);
  if (invalid !== undefined) {
    podEvent(ctx, w, undefined, "Warning", "InspectFailed", invalid, fx);
    return { kind: "failed", reason: "InvalidImageName", message: invalid, retryMs: 10_000 };
  }
  if (policy !== "Always" && got === undefined) {
    call({ type: "ImageStatus", image });
    return "op";
  }
  if (policy !== "Always" && got?.kind === "status" && got.present !== null) {
    podEvent(ctx, w, undefined, "Normal", "Pulled", `Container image "${image}" already present on machine and can be accessed by the pod`, fx);
    return { kind: "ready", image };
  }
  if (policy === "Never") {
    const msg = `Container image "${image}" is not present with pull policy of Never`;
    podEvent(ctx, w, undefined, "Warning", "ErrImageNeverPull", msg, fx);
    return { kind: "failed", reason: "ErrImageNeverPull", message: msg, retryMs: 10_000 };
  }
  const pull = stepPull(w, image, { type: "Pull", now: ctx.now });
  if (pull.value === "imagePullBackOff") {
    const b = pull.context.backOff!;
    const msg = `Back-off pulling image "${image}"`;
    podEvent(ctx, w, undefined, "Normal", "BackOff", msg, fx);
    return { kind: "failed", reason: "ImagePullBackOff", message: `${msg}: ${pull.context.lastError}`, retryMs: b.lastUpdate + b.ms - ctx.now };
  }
  podEvent(ctx, w, undefined, "Normal", "Pulling", `Pulling image "${image}"`, fx);
  call({ type: "PullImage", image });
  return "op";
}

/** The runtime's answer for one image volume (ImageStatus or PullImage): recorded for the next step of the start. */
export function onImageVolumeAnswer(ctx: KubeletContext, w: PodWorker, volume: string, msg: Extract<CriResponse, { type: "ImageStatusResult" | "PullImageResult" }>, fx: Fx): void {
  const set = (p: ImageVolumePull) => void (w.imageVolumePulls = { ...(w.imageVolumePulls ?? {}), [volume]: p });
  if (msg.type === "ImageStatusResult") return set({ kind: "status", present: msg.present });
  if (msg.ok) {
    stepPull(w, msg.image, { type: "Pulled" });
    podEvent(ctx, w, undefined, "Normal", "Pulled", `Successfully pulled image "${msg.image}" in ${goDuration(msg.durationMs)} (${goDuration(msg.durationMs)} including waiting). Image size: ${msg.pulled.sizeBytes} bytes.`, fx);
    return set({ kind: "ready", image: msg.image });
  }
  if (msg.failure.reason === "InvalidImageName") {
    stepPull(w, msg.image, { type: "PullRefused" });
    podEvent(ctx, w, undefined, "Warning", "InspectFailed", msg.failure.message, fx);
    return set({ kind: "failed", reason: "InvalidImageName", message: msg.failure.message, retryMs: 10_000 });
  }
  const full = pullFailureMessage(msg.image, msg.failure);
  const rpc = full.slice(`Failed to pull image "${msg.image}": `.length);
  stepPull(w, msg.image, { type: "PullFailed", now: ctx.now, error: rpc });
  podEvent(ctx, w, undefined, "Warning", "Failed", full, fx);
  set({ kind: "failed", reason: "ErrImagePull", message: rpc, retryMs: syncRetryMs });
}
