// The kubelet's token manager for projected serviceAccountToken sources (pkg/volume/projected
// projected.go collectData, pkg/kubelet/token/token_manager.go): each source is a TokenRequest for
// the pod's service account, bound to the pod, for the source's audience (none: the API server's)
// and expirationSeconds; the token the API server answers is the file's content. A source waits
// for its answer (the pod's volumes are not set up meanwhile); a refusal is the mount's error
// ("failed to fetch token: ..."), asked again after the volume manager's back-off.

import type { Pod, ServiceAccountTokenProjection, Volume } from "kubernetes-types/core/v1";
import type { Fx } from "../common/effects.js";
import { request } from "../common/client.js";
import type { ApiResponse } from "../messages.js";
import type { KubeletContext, PodWorker, ServiceAccountTokenState } from "./types.js";
import { view } from "./view.js";

/** The key of one token source in a pod: its volume and path. */
export function tokenSourceKey(volume: string, path: string): string {
  return `${volume}/${path}`;
}

/** The TokenRequest body projected.go sends for a source: the audience when set, the expiry, the pod as bound object. */
export function tokenRequestBody(pod: Pod, uid: string, source: ServiceAccountTokenProjection): object {
  return {
    apiVersion: "authentication.k8s.io/v1",
    kind: "TokenRequest",
    spec: {
      // auds is nil without an audience: the API server then takes its own (APIAudiences)
      ...(source.audience ? { audiences: [source.audience] } : {}),
      ...(source.expirationSeconds !== undefined ? { expirationSeconds: source.expirationSeconds } : {}),
      boundObjectRef: { apiVersion: "v1", kind: "Pod", name: pod.metadata?.name ?? "", uid },
    },
  };
}

/** Every serviceAccountToken source of the pod's projected volumes, with its volume. */
function tokenSources(pod: Pod): Array<{ volume: Volume; source: ServiceAccountTokenProjection }> {
  const out: Array<{ volume: Volume; source: ServiceAccountTokenProjection }> = [];
  for (const v of pod.spec?.volumes ?? []) for (const s of v.projected?.sources ?? []) if (s.serviceAccountToken) out.push({ volume: v, source: s.serviceAccountToken });
  return out;
}

/**
 * Asks for the tokens the pod's volumes still lack (a refused one again, once its error was
 * reported); true when every one is answered, false while one is in flight.
 */
export function requestTokens(ctx: KubeletContext, w: PodWorker, fx: Fx): boolean {
  const pod = view(w.pod);
  let waiting = false;
  for (const { volume, source } of tokenSources(pod)) {
    const key = tokenSourceKey(volume.name, source.path);
    const got = w.tokens?.[key];
    if (got?.kind === "issued" || (got?.kind === "failed" && !got.reported)) continue;
    waiting = true;
    if (got?.kind === "asked") continue;
    setToken(w, key, { kind: "asked" });
    const sa = pod.spec?.serviceAccountName || "default";
    request(ctx.client, fx, { verb: "create", group: "", resource: "serviceaccounts", namespace: pod.metadata?.namespace ?? "default", name: sa, subresource: "token", body: tokenRequestBody(pod, w.uid, source) }, "service-account-token", { uid: w.uid, key });
  }
  return !waiting;
}

/** What the source's file holds, or the mount's error; undefined while it is being asked. */
export function tokenFile(w: PodWorker, volume: string, path: string): { token: string } | { error: string } | undefined {
  const got = w.tokens?.[tokenSourceKey(volume, path)];
  if (got?.kind === "issued") return { token: got.token };
  if (got?.kind === "failed") return { error: got.message };
  return undefined;
}

/** The refused tokens are asked again at the next sync (after the back-off their FailedMount started). */
export function retryFailedTokens(w: PodWorker): void {
  const tokens = w.tokens;
  if (tokens === undefined || !Object.values(tokens).some((t) => t.kind === "failed")) return;
  const next: Record<string, ServiceAccountTokenState> = {};
  for (const [k, t] of Object.entries(tokens)) next[k] = t.kind === "failed" ? { ...t, reported: true } : t;
  w.tokens = next;
}

/** The API server's answer to a TokenRequest: the token, or token_manager's "failed to fetch token" with the API's message. */
export function onTokenResponse(w: PodWorker, key: string, res: ApiResponse): void {
  if (w.tokens?.[key]?.kind !== "asked") return;
  const token = res.ok ? res.object?.status?.token : undefined;
  if (typeof token === "string" && token !== "") return setToken(w, key, { kind: "issued", token });
  setToken(w, key, { kind: "failed", message: `failed to fetch token: ${res.ok ? "no token in the answer" : (res.status.message ?? "")}`, reported: false });
}

function setToken(w: PodWorker, key: string, value: ServiceAccountTokenState): void {
  w.tokens = { ...(w.tokens ?? {}), [key]: value };
}
