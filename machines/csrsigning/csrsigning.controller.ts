// kube-controller-manager's csrsigning controller (pkg/controller/certificates/signer, run by the
// certificate controller of pkg/controller/certificates): an informer on
// CertificateSigningRequests queues every added or changed request; the sync of an approved,
// unfailed request without a certificate, for a signer this controller runs, either fails it
// (a Failed condition, SignerValidationFailure) or asks the runtime's CA to sign it and writes the
// certificate through /status. The CA key never enters a machine. The context is a value.

import { Map as IMap } from "immutable";
import type { Fx } from "../common/effects.js";
import { newClient, request, startInformer, type ClientState, type InformerDelta, type PendingRequest } from "../common/client.js";
import { parseCSR } from "../common/csr.js";
import { rfc3339 } from "../common/time.js";
import type { ApiResponse, CertificateSigned, Stamp, WatchEvent } from "../messages.js";
import * as W from "../common/workqueue.js";
import * as C from "../common/controller.js";
import * as I from "../common/informer.js";
import * as L from "./csrsigning.logic.js";

export const controllerName = "csrsigning-controller";
const CSRS = 1;

export interface CSRSigningContext {
  self: string;
  client: ClientState;
  q: W.WorkQueue;
  /** SignCertificate id -> the request's key, whose sync waits for the certificate */
  signing: IMap<number, string>;
  nextSignId: number;
}

export interface CSRSigningInput {
  token: string;
  address?: string;
}

export type CSRSigningEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "ProcessNext" } & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp)
  | (CertificateSigned & Stamp);

/** A fresh controller. */
export function initialCSRSigning(input: CSRSigningInput): CSRSigningContext {
  return { self: input.address ?? controllerName, client: newClient(input.token), q: W.newWorkQueue(), signing: IMap(), nextSignId: 1 };
}

/** An informer on CertificateSigningRequests. */
export function startInformers(ctx: CSRSigningContext, fx: Fx): void {
  startInformer(ctx.client, fx, CSRS, { group: "certificates.k8s.io", resource: "certificatesigningrequests" });
}

/** The certificate controller's handlers: every add, update and delete queues the request's name. */
export function onDelta(ctx: CSRSigningContext, d: InformerDelta): void {
  const name = d.object?.metadata?.name;
  if (typeof name === "string") W.add(ctx.q, name);
}

/** processNextWorkItem: syncFunc for the next key. */
export function processNext(ctx: CSRSigningContext, now: number, fx: Fx): void {
  const key = C.takeNext(ctx);
  if (key !== undefined) sync(ctx, key, now, fx);
  C.kickWhenSynced(ctx, fx);
}

/** syncFunc then signer.handle. */
function sync(ctx: CSRSigningContext, key: string, now: number, fx: Fx): void {
  const csr = ctx.client.informers.get(CSRS)!.store.get(key);
  if (csr === undefined || L.hasCertificate(csr) || !L.isApproved(csr) || L.hasFailed(csr)) {
    W.forget(ctx.q, key);
    return W.doneIfIdle(ctx.q, key);
  }
  const usages: string[] = Array.isArray(csr.spec?.usages) ? csr.spec.usages : [];
  const parsed = parseCSR(new Uint8Array(Buffer.from(typeof csr.spec?.request === "string" ? csr.spec.request : "", "base64")));
  // a request this controller cannot read is an error: retried with back-off, as handleErr does
  if ("error" in parsed) {
    W.addRateLimited(ctx.q, fx, key, now);
    return W.doneIfIdle(ctx.q, key);
  }
  const verdict = L.signerVerdict(csr.spec?.signerName ?? "", usages, parsed);
  if (verdict === undefined) {
    W.forget(ctx.q, key);
    return W.doneIfIdle(ctx.q, key);
  }
  W.track(ctx.q, key);
  if (verdict !== "") {
    const failed = { type: "Failed", status: "True", reason: "SignerValidationFailure", message: verdict, lastUpdateTime: rfc3339(now) };
    const body = { ...csr, status: { ...(csr.status ?? {}), conditions: [...(csr.status?.conditions ?? []), failed] } };
    request(ctx.client, fx, { verb: "update", group: "certificates.k8s.io", resource: "certificatesigningrequests", name: key, subresource: "status", body }, "fail-csr", { key });
    return W.doneIfIdle(ctx.q, key);
  }
  const id = ctx.nextSignId++;
  ctx.signing = ctx.signing.set(id, key);
  fx.send("csr-signer", { type: "SignCertificate", id, request: csr.spec.request, usages, ttlMs: L.certificateTTLMs(csr.spec?.expirationSeconds) });
  W.doneIfIdle(ctx.q, key);
}

/** The CA's answer: status.certificate written through /status (UpdateStatus), or the key retried. */
export function onCertificateSigned(ctx: CSRSigningContext, ev: CertificateSigned & Stamp, fx: Fx): void {
  const key = ctx.signing.get(ev.id);
  if (key === undefined) return;
  ctx.signing = ctx.signing.delete(ev.id);
  const csr = ctx.client.informers.get(CSRS)!.store.get(key);
  if ("error" in ev || csr === undefined) {
    if ("error" in ev) W.addRateLimited(ctx.q, fx, key, ev.now);
    W.untrack(ctx.q, key);
    return C.kickWhenSynced(ctx, fx);
  }
  const body = { ...csr, status: { ...(csr.status ?? {}), certificate: ev.certificate } };
  request(ctx.client, fx, { verb: "update", group: "certificates.k8s.io", resource: "certificatesigningrequests", name: key, subresource: "status", body }, "sign-csr", { key });
}

/** Handles a watch event. */
export function onWatch(ctx: CSRSigningContext, ev: WatchEvent & Stamp, fx: Fx): void {
  I.handleWatchEvent(ctx.client, fx, ev, (_w, d) => onDelta(ctx, d));
  C.kickWhenSynced(ctx, fx);
}

/** Handles an API response: the list and the status writes. */
export function onResponse(ctx: CSRSigningContext, res: ApiResponse & Stamp, fx: Fx): void {
  const p = I.handleResponse(ctx.client, fx, res, (_w, d) => onDelta(ctx, d));
  if (p) onOwnResponse(ctx, p, res, fx);
  C.kickWhenSynced(ctx, fx);
}

function onOwnResponse(ctx: CSRSigningContext, p: PendingRequest, res: ApiResponse & Stamp, fx: Fx): void {
  const key: string | undefined = p.data?.key;
  if (key === undefined) return;
  // handleErr: a failed write is retried with back-off (a Conflict's update event queues it too); a gone request is forgotten
  if (res.ok || res.status.code === 404) W.forget(ctx.q, key);
  else W.addRateLimited(ctx.q, fx, key, res.now);
  W.untrack(ctx.q, key);
}
