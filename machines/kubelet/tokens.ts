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
import { mutant } from "../common/mutation.js";

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
      ...(source.audience && !mutant("kubelet.token-audience-dropped") ? { audiences: [source.audience] } : {}),
      ...(source.expirationSeconds !== undefined && !mutant("kubelet.token-expiration-dropped") ? { expirationSeconds: source.expirationSeconds } : {}),
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

type Tokens = Readonly<Record<string, ServiceAccountTokenState>>;

/**
 * Asks for the tokens the pod's volumes still lack (a refused one again, once its error was
 * reported): the worker's next tokens (those asked marked so), and whether every one is answered.
 */
export function requestTokens(ctx: KubeletContext, w: PodWorker, fx: Fx): { ready: boolean; tokens: Tokens | undefined } {
  const pod = view(w.pod);
  let waiting = false;
  let tokens = w.tokens;
  for (const { volume, source } of tokenSources(pod)) {
    const key = tokenSourceKey(volume.name, source.path);
    const got = tokens?.[key];
    if (got?.kind === "issued" || (got?.kind === "failed" && !got.reported)) continue;
    waiting = true;
    if (got?.kind === "asked") continue;
    tokens = withToken(tokens, key, { kind: "asked" });
    const sa = pod.spec?.serviceAccountName || "default";
    request(ctx.client, fx, { verb: "create", group: "", resource: "serviceaccounts", namespace: pod.metadata?.namespace ?? "default", name: sa, subresource: "token", body: tokenRequestBody(pod, w.uid, source) }, "service-account-token", { uid: w.uid, key });
  }
  return { ready: !waiting, tokens };
}

/** What the source's file holds, or the mount's error; undefined while it is being asked. */
export function tokenFile(w: PodWorker, volume: string, path: string): { token: string } | { error: string } | undefined {
  const got = w.tokens?.[tokenSourceKey(volume, path)];
  if (got?.kind === "issued") return { token: got.token };
  if (got?.kind === "failed") return { error: got.message };
  return undefined;
}

/** The refused tokens are asked again at the next sync (after the back-off their FailedMount started). */
export function retryFailedTokens(tokens: Tokens | undefined): Tokens | undefined {
  if (tokens === undefined || !Object.values(tokens).some((t) => t.kind === "failed")) return tokens;
  return Object.fromEntries(Object.entries(tokens).map(([k, t]) => [k, t.kind === "failed" ? { ...t, reported: true } : t]));
}

/** The API server's answer to a TokenRequest: the token, or token_manager's "failed to fetch token" with the API's message. */
export function onTokenResponse(tokens: Tokens | undefined, key: string, res: ApiResponse): Tokens | undefined {
  if (tokens?.[key]?.kind !== "asked") return tokens;
  const token = res.ok ? res.object?.status?.token : undefined;
  if (typeof token === "string" && token !== "") return withToken(tokens, key, { kind: "issued", token });
  return withToken(tokens, key, { kind: "failed", message: `failed to fetch token: ${res.ok ? "no token in the answer" : (res.status.message ?? "")}`, reported: false });
}

function withToken(tokens: Tokens | undefined, key: string, value: ServiceAccountTokenState): Tokens {
  return { ...(tokens ?? {}), [key]: value };
}
