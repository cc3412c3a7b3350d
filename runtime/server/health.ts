// kube-apiserver's health endpoints (k8s.io/apiserver/pkg/server/healthz): /healthz, /livez and
// /readyz run their checks in order; `verbose` lists them ("[+]name ok") and ends "<root> check
// passed"; `exclude=name` skips one ("[+]name excluded: ok") and names those it did not match in a
// "warn:" line; a failed check is "[-]name failed: reason withheld" and the answer a 500 ending
// "<root> check failed". Each check also answers alone at /<root>/<name>: "ok", or "internal server
// error: <err>". The names are those a kubeadm (kind) kube-apiserver v1.35 installs; livez and
// healthz have the same checks, readyz adds etcd-readiness, informer-sync and shutdown.

import { goQuote } from "../../machines/apiserver/status.js";

const hooks = [
  "start-apiserver-admission-initializer",
  "generic-apiserver-start-informers",
  "priority-and-fairness-config-consumer",
  "priority-and-fairness-filter",
  "storage-object-count-tracker-hook",
  "start-apiextensions-informers",
  "start-apiextensions-controllers",
  "crd-informer-synced",
  "start-system-namespaces-controller",
  "start-cluster-authentication-info-controller",
  "start-kube-apiserver-identity-lease-controller",
  "start-kube-apiserver-identity-lease-garbage-collector",
  "storage-readiness",
  "start-legacy-token-tracking-controller",
  "start-service-ip-repair-controllers",
  "rbac/bootstrap-roles",
  "scheduling/bootstrap-system-priority-classes",
  "priority-and-fairness-config-producer",
  "bootstrap-controller",
  "start-kubernetes-service-cidr-controller",
  "aggregator-reload-proxy-client-cert",
  "start-kube-aggregator-informers",
  "apiservice-status-local-available-controller",
  "apiservice-status-remote-available-controller",
  "apiservice-registration-controller",
  "apiservice-discovery-controller",
  "kube-apiserver-autoregistration",
].map((h) => `poststarthook/${h}`);
const tail = ["autoregister-completion", "poststarthook/apiservice-openapi-controller", "poststarthook/apiservice-openapiv3-controller"];

export type HealthRoot = "healthz" | "livez" | "readyz";

/** The checks of one endpoint, in the order kube-apiserver runs them. */
export function healthChecks(root: HealthRoot): readonly string[] {
  if (root === "readyz") return ["ping", "log", "etcd", "etcd-readiness", "informer-sync", ...hooks, ...tail, "shutdown"];
  return ["ping", "log", "etcd", ...hooks, ...tail];
}

/** Why a check fails now (etcd's, when etcd does not answer), or undefined when it passes. */
export type CheckFailure = (check: string) => string | undefined;

export interface HealthAnswer {
  code: number;
  body: string;
}

/**
 * The answer to GET /<root>[/<check>]: undefined for a check the endpoint does not have (the
 * server's 404). `query` is the request's query (verbose, exclude).
 */
export function healthAnswer(root: HealthRoot, check: string | undefined, query: URLSearchParams, failure: CheckFailure): HealthAnswer | undefined {
  const checks = healthChecks(root);
  if (check !== undefined) {
    if (!checks.includes(check)) return undefined;
    const why = failure(check);
    // http.Error: the message and a newline
    return why === undefined ? { code: 200, body: "ok" } : { code: 500, body: `internal server error: ${why}\n` };
  }
  // sets.String: each name once, listed sorted in the warning
  const excluded = new Set(query.getAll("exclude"));
  let out = "";
  let failed = false;
  for (const name of checks) {
    if (excluded.has(name)) {
      excluded.delete(name);
      out += `[+]${name} excluded: ok\n`;
      continue;
    }
    if (failure(name) !== undefined) {
      out += `[-]${name} failed: reason withheld\n`;
      failed = true;
    } else out += `[+]${name} ok\n`;
  }
  if (excluded.size > 0) out += `warn: some health checks cannot be excluded: no matches for ${[...excluded].sort().map(goQuote).join(",")}\n`;
  // always verbose on failure (http.Error adds the newline)
  if (failed) return { code: 500, body: `${out}${root} check failed\n` };
  if (!query.has("verbose")) return { code: 200, body: "ok" };
  return { code: 200, body: `${out}${root} check passed\n` };
}
