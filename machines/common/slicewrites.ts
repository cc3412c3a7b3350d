// The EndpointSlice reconcilers' finalize, shared by the EndpointSlice and mirroring controllers:
// one key's slice writes go out one at a time (creates, updates, deletes), each awaiting its
// answer; the first error fails the sync, which handleErr retries with the queue's back-off.

import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { ApiResponse } from "../messages.js";
import type { Fx } from "./effects.js";
import { request, type ClientState, type PendingRequest } from "./client.js";
import { retryOrForget } from "./controller.js";
import * as W from "./workqueue.js";

/** One write of a finalize plan. */
export interface SliceWrite {
  action: "create" | "update" | "delete";
  slice: EndpointSlice;
}

/** The key being synced: the writes still to send, and whether one is awaiting its answer. */
export interface SliceSync {
  readonly key: string;
  readonly plan: readonly SliceWrite[];
  readonly awaiting: boolean;
  readonly failed: boolean;
}

/** A controller that writes slices one key at a time. */
export interface SliceWriter {
  client: ClientState;
  queue: W.WorkQueue;
  sync?: SliceSync;
}

/** Sends the next write of the key in flight (purpose "write", data { key, write }). */
export function sendNextWrite(ctx: SliceWriter, fx: Fx): void {
  const s = ctx.sync!;
  const [w, ...rest] = s.plan;
  if (!w) return;
  const base = { group: "discovery.k8s.io", resource: "endpointslices", namespace: w.slice.metadata?.namespace ?? "default" };
  const data = { key: s.key, write: w };
  if (w.action === "create") request(ctx.client, fx, { ...base, verb: "create", body: w.slice }, "write", data);
  else if (w.action === "update") request(ctx.client, fx, { ...base, verb: "update", name: w.slice.metadata?.name, body: w.slice }, "write", data);
  else request(ctx.client, fx, { ...base, verb: "delete", name: w.slice.metadata?.name }, "write", data);
  ctx.sync = { ...s, plan: rest, awaiting: true };
}

/** True when the key in flight has nothing left to write or wait for. */
export function isSyncFinished(ctx: SliceWriter): boolean {
  const s = ctx.sync;
  return s !== undefined && !s.awaiting && (s.failed || s.plan.length === 0);
}

/** handleErr then Done. */
export function finishKey(ctx: SliceWriter, now: number, fx: Fx, maxRetries: number): void {
  const s = ctx.sync;
  if (!s) return;
  ctx.sync = undefined;
  retryOrForget(ctx.queue, fx, s.key, s.failed, now, maxRetries);
  W.done(ctx.queue, s.key);
}

/**
 * The answer to one write of the key in flight: the next write goes out; a create that a terminating
 * namespace refuses ends the sync quietly (it would fail for good); any other error fails the sync.
 * Returns the failed write, for the controller's own event, or undefined.
 */
export function writeAnswered(ctx: SliceWriter, p: PendingRequest, res: ApiResponse, fx: Fx): { key: string; write: SliceWrite; message: string } | undefined {
  const data = p.data as { key: string; write: SliceWrite };
  const s = ctx.sync;
  if (!s || s.key !== data.key) return undefined;
  if (res.ok) {
    ctx.sync = { ...s, awaiting: false };
    return void sendNextWrite(ctx, fx);
  }
  if (data.write.action === "create" && res.status.details?.causes?.some((c) => c.reason === "NamespaceTerminating")) {
    ctx.sync = { ...s, awaiting: false, plan: [] };
    return undefined;
  }
  ctx.sync = { ...s, awaiting: false, failed: true };
  return { ...data, message: res.status.message ?? "" };
}
