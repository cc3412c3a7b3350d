// kube-controller-manager's csrcleaner (pkg/controller/certificates/cleaner): an informer on
// CertificateSigningRequests and, once its cache has synced, a pass over every request each hour
// (wait.Until(worker, pollingInterval)) deleting those its criteria name (csrcleaner.logic.ts).
// It has no work queue. The context is a value: these steps run on a draft.

import type { Fx } from "../common/effects.js";
import { newClient, request, startInformer, type ClientState } from "../common/client.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import * as I from "../common/informer.js";
import * as L from "./csrcleaner.logic.js";

export const controllerName = "csrcleaner";
const CSRS = 1;

export interface CSRCleanerContext {
  self: string;
  client: ClientState;
}

export interface CSRCleanerInput {
  token: string;
  address?: string;
}

export type CSRCleanerEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp)
  | ({ type: "CleanTick" } & Stamp);

/** A fresh cleaner. */
export function initialCSRCleaner(input: CSRCleanerInput): CSRCleanerContext {
  return { self: input.address ?? controllerName, client: newClient(input.token) };
}

/** An informer on CertificateSigningRequests. */
export function startInformers(ctx: CSRCleanerContext, fx: Fx): void {
  startInformer(ctx.client, fx, CSRS, { group: "certificates.k8s.io", resource: "certificatesigningrequests" });
}

/** worker, then the next pass an hour later (a watchdog timer: it does not hold settle up). */
export function cleanAndSchedule(ctx: CSRCleanerContext, now: number, fx: Fx): void {
  for (const csr of ctx.client.informers.get(CSRS)!.store.values()) {
    // a failed delete is logged and left for the next pass, as handle's error is
    if (L.shouldClean(csr, now)) request(ctx.client, fx, { verb: "delete", group: "certificates.k8s.io", resource: "certificatesigningrequests", name: csr.metadata.name }, "delete-csr");
  }
  fx.after("csrcleaner", L.pollingIntervalMs, { type: "CleanTick" }, true);
}

/** Handles a watch event: the cache only. */
export function onWatch(ctx: CSRCleanerContext, ev: WatchEvent & Stamp, fx: Fx): void {
  I.handleWatchEvent(ctx.client, fx, ev, () => undefined);
}

/** Handles an API response: the list and the deletions. */
export function onResponse(ctx: CSRCleanerContext, res: ApiResponse & Stamp, fx: Fx): void {
  I.handleResponse(ctx.client, fx, res, () => undefined);
}
