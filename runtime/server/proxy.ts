// The proxy subresources (pods/proxy, services/proxy): kube-apiserver's ResourceLocation
// (pkg/registry/core/pod/strategy.go, pkg/registry/core/service/storage/storage.go) finds the pod
// address the request goes to, and the API server proxies the HTTP request there. Here the request
// reaches the simulated server in the pod through its node's runtime (the port-forward path of the
// streaming server), and its answer is passed back.

import type { Status } from "kubernetes-types/meta/v1";
import type { Cluster } from "../cluster.js";
import type { StreamOutput } from "../../machines/cri/messages.js";
import { resourceFor } from "../../machines/apiserver/resources.js";
import * as S from "../../machines/apiserver/status.js";
import { openSession, type Session } from "./stream.js";
import { goCleanPath } from "../../machines/common/gopath.js";

/** How long the pod has to answer a proxied request. */
export const proxyTimeoutMs = 10_000;

/** Where a proxied request goes: the pod (its node runs it) and the port. */
export interface ProxyTarget {
  node: string;
  podNamespace: string;
  podName: string;
  ip: string;
  port: number;
  /** the scheme the API server dials with: "https" speaks TLS to the pod's port */
  scheme?: string;
}

/** What the proxy answers: the upstream's status and body, the API server's Status, or its redirect of a root path. */
export type ProxyAnswer = { status: number; body: string } | { error: Status } | { redirect: string };

function serviceUnavailable(message: string): Status {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "ServiceUnavailable", code: 503 };
}

/** utilnet.SplitSchemeNamePort: "name", "name:port" or "scheme:name:port", the scheme http, https or empty. */
export function splitSchemeNamePort(id: string): { scheme: string; name: string; port: string } | undefined {
  const parts = id.split(":");
  let scheme = "", name = "", port = "";
  if (parts.length === 1) name = parts[0]!;
  else if (parts.length === 2) [name, port] = parts as [string, string];
  else if (parts.length === 3) [scheme, name, port] = parts as [string, string, string];
  else return undefined;
  return name !== "" && (scheme === "" || scheme === "http" || scheme === "https") ? { scheme, name, port } : undefined;
}

/** A port text as a TCP port number, or undefined. */
function portNumber(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : undefined;
}

async function getObject(cluster: Cluster, resource: "pods" | "services" | "endpoints", namespace: string, name: string): Promise<any | Status> {
  const r = await cluster.request({ verb: "get", group: "", resource, namespace, name });
  return r.ok ? r.object : r.status;
}

const isStatus = (x: any): x is Status => x?.kind === "Status";

/** The pod's ResourceLocation: the port given, else the first declared container port, else 80; the pod must have an address. */
export async function podTarget(cluster: Cluster, namespace: string, id: string): Promise<ProxyTarget | Status> {
  const parts = splitSchemeNamePort(id);
  if (!parts) return S.badRequest(`invalid pod request "${id}"`);
  const pod = await getObject(cluster, "pods", namespace, parts.name);
  if (isStatus(pod)) return pod;
  let port = parts.port;
  if (port === "") port = String((pod.spec?.containers ?? []).find((c: any) => (c.ports ?? []).length > 0)?.ports[0].containerPort ?? "");
  const ip: string | undefined = pod.status?.podIP;
  if (!ip || !pod.spec?.nodeName) return S.badRequest("address not allowed");
  const n = port === "" ? 80 : portNumber(port);
  if (n === undefined) return serviceUnavailable(`error trying to reach service: dial tcp: lookup tcp/${port}: unknown port`);
  return { node: pod.spec.nodeName, podNamespace: namespace, podName: parts.name, ip, port: n, scheme: parts.scheme };
}

/**
 * The service's ResourceLocation: a port number is mapped to the Service port's name; the first
 * subset with that port and a ready address isValidAddress accepts gives the pod (Kubernetes picks
 * at random among them; the first keeps a run repeatable).
 */
export async function serviceTarget(cluster: Cluster, namespace: string, id: string): Promise<ProxyTarget | Status> {
  const parts = splitSchemeNamePort(id);
  if (!parts) return S.badRequest(`invalid service request "${id}"`);
  let portName = parts.port;
  if (/^\d+$/.test(portName)) {
    const svc = await getObject(cluster, "services", namespace, parts.name);
    if (isStatus(svc)) return svc;
    const p = (svc.spec?.ports ?? []).find((x: any) => String(x.port) === String(Number(portName)));
    if (!p) return serviceUnavailable(`no service port ${Number(portName)} found for service "${parts.name}"`);
    portName = p.name ?? "";
  }
  const eps = await getObject(cluster, "endpoints", namespace, parts.name);
  if (isStatus(eps)) return eps;
  if ((eps.subsets ?? []).length === 0) return serviceUnavailable(`no endpoints available for service "${parts.name}"`);
  for (const ss of eps.subsets) {
    const port = (ss.ports ?? []).find((p: any) => (p.name ?? "") === portName);
    for (const a of port ? ss.addresses ?? [] : []) {
      const pod = await validAddressPod(cluster, namespace, a);
      if (pod === undefined) continue;
      return { node: pod.spec.nodeName, podNamespace: namespace, podName: pod.metadata.name, ip: a.ip, port: port.port, scheme: parts.scheme };
    }
  }
  return serviceUnavailable(`no endpoints available for service "${id}"`);
}

/**
 * isValidAddress (pkg/registry/core/service/storage): an address is dialled only when its targetRef
 * names a pod of the request's namespace that holds the address's IP; any other address is skipped,
 * so an Endpoints written by hand reaches no pod of another namespace and no IP no pod of its own holds.
 */
async function validAddressPod(cluster: Cluster, namespace: string, a: any): Promise<any | undefined> {
  const ref = a?.targetRef;
  if (ref === null || typeof ref !== "object" || ref.namespace !== namespace || typeof ref.name !== "string" || typeof a.ip !== "string") return undefined;
  const pod = await getObject(cluster, "pods", namespace, ref.name);
  if (isStatus(pod) || typeof pod?.spec?.nodeName !== "string" || pod.spec.nodeName === "") return undefined;
  const ips: unknown[] = Array.isArray(pod.status?.podIPs) ? pod.status.podIPs.map((p: any) => p?.ip) : [];
  return ips.includes(a.ip) ? pod : undefined;
}

/** Sends one HTTP request to the pod's port through its node's runtime and waits for the answer. */
export async function proxyTo(cluster: Cluster, t: ProxyTarget, method: string, path: string): Promise<ProxyAnswer> {
  const refused = (): ProxyAnswer => ({ error: serviceUnavailable(`error trying to reach service: dial tcp ${t.ip}:${t.port}: connect: connection refused`) });
  const s = await openSession(cluster, t.node, { type: "GetPortForward", podNamespace: t.podNamespace, podName: t.podName });
  if (!("id" in s)) return { error: serviceUnavailable(`error trying to reach service: ${s.message}`) };
  try {
    if (t.scheme === "https") return await dialTls(s, t, refused);
    const answer = await new Promise<Extract<StreamOutput, { type: "PortForwardHttpResult" }> | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), proxyTimeoutMs);
      timer.unref();
      s.onOutput((o) => {
        if (o.type !== "PortForwardHttpResult") return;
        clearTimeout(timer);
        resolve(o);
      });
      s.send({ type: "PortForwardHttp", requestId: 1, port: t.port, method, path });
    });
    if (!answer) return { error: serviceUnavailable(`error trying to reach service: dial tcp ${t.ip}:${t.port}: i/o timeout`) };
    if (answer.error !== undefined) return refused();
    return { status: answer.status ?? 200, body: answer.body ?? "" };
  } finally {
    s.close();
  }
}

/**
 * An https: proxy URL: the API server's transport dials the port and starts a TLS handshake. The
 * simulated servers all speak plain HTTP, so a port that takes the connection answers the
 * ClientHello with an HTTP error, which crypto/tls reports as below (proxy.Transport's RoundTrip
 * wraps it as `error trying to reach service: %v`). The server's own log line for the garbage
 * (nginx's `"\x16\x03\x01..." 400`) is not written here.
 */
async function dialTls(s: Session, t: ProxyTarget, refused: () => ProxyAnswer): Promise<ProxyAnswer> {
  const dialed = await new Promise<Extract<StreamOutput, { type: "PortForwardDialed" }> | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), proxyTimeoutMs);
    timer.unref();
    s.onOutput((o) => {
      if (o.type !== "PortForwardDialed") return;
      clearTimeout(timer);
      resolve(o);
    });
    s.send({ type: "PortForwardDial", requestId: 1, port: t.port });
  });
  if (!dialed) return { error: serviceUnavailable(`error trying to reach service: dial tcp ${t.ip}:${t.port}: i/o timeout`) };
  if (dialed.error !== undefined) return refused();
  return { error: serviceUnavailable("error trying to reach service: tls: first record does not look like a TLS handshake") };
}

/**
 * The proxied path as getRequestOptions (handlers/rest.go) makes it: the RequestInfo parts after
 * <resource>/<name>/proxy, read from the unescaped path, with a leading "/" when not empty and the
 * request's trailing one; "" when the request ends at .../proxy.
 */
function proxiedSubpath(decodedPath: string): string {
  const trimmed = decodedPath.replace(/^\/+|\/+$/g, "");
  let parts = trimmed === "" ? [] : trimmed.split("/");
  parts = parts.slice(parts[0] === "apis" ? 3 : 2);
  if (parts[0] === "namespaces" && parts.length > 2) parts = parts.slice(2);
  let sub = parts.slice(3).join("/");
  if (sub.length > 0 && !sub.startsWith("/")) sub = `/${sub}`;
  if (decodedPath.endsWith("/") && !sub.endsWith("/")) sub += "/";
  return sub;
}

/**
 * The path the upstream gets, as kube-apiserver makes it: the proxy REST's Connect sets the
 * location's path with net.JoinPreservingTrailingSlash, a path.Join, so "." and ".." segments never
 * leave the target's root; the upstream request carries it escaped as url.URL.EscapedPath does (at
 * least "/" here) and the client's raw query unchanged (UpgradeAwareHandler: loc.RawQuery = req.URL.RawQuery).
 */
export function upstreamPath(decodedPath: string, rawQuery: string): string {
  const sub = proxiedSubpath(decodedPath);
  const joined = sub === "" ? "/" : goCleanPath(sub) + (sub.endsWith("/") && goCleanPath(sub) !== "/" ? "/" : "");
  const escaped = goEscapePath(joined);
  return rawQuery ? `${escaped}?${rawQuery}` : escaped;
}

/**
 * Where kube's proxy redirects a GET or HEAD whose proxied path is empty (.../proxy without a
 * trailing slash): 301 to the request's path and "/" (proxyRedirectsforRootPath in
 * apimachinery's proxy/upgradeaware.go, the hack for kubernetes#4958); undefined when it proxies.
 */
export function rootPathRedirect(decodedPath: string, rawQuery: string, method: string): string | undefined {
  if (proxiedSubpath(decodedPath) !== "" || (method !== "GET" && method !== "HEAD")) return undefined;
  // Go writes the header's bytes as they are but for CR and LF; Node takes only visible latin1 here
  const bytes = Buffer.from(`${decodedPath}/${rawQuery ? `?${rawQuery}` : ""}`, "utf8").toString("latin1").replace(/[\r\n]/g, " ");
  return bytes.replace(/[^\t\x20-\x7e\x80-\xff]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

/** url.escape(path, encodePath): unreserved bytes and $&+,/:;=@ kept, every other byte %XX. */
function goEscapePath(p: string): string {
  let out = "";
  for (const b of Buffer.from(p, "utf8")) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-_.~$&+,/:;=@]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** The resources whose proxy subresource is served here. */
export function proxyResource(resource: string): "pods" | "services" | undefined {
  return resource === "pods" || resource === "services" ? resource : undefined;
}

/** Resolves and proxies one request; the caller has authorized get (or the method's verb) on <resource>/proxy. */
export async function proxyRequest(cluster: Cluster, resource: "pods" | "services", namespace: string, id: string, method: string, path: string, redirect?: string): Promise<ProxyAnswer> {
  const target = resource === "pods" ? await podTarget(cluster, namespace, id) : await serviceTarget(cluster, namespace, id);
  if (isStatus(target)) return { error: target.code === 404 && target.reason === "NotFound" ? S.notFound(resourceFor("", resource)!, splitSchemeNamePort(id)?.name ?? id) : target };
  // Connect found the location; the handler redirects a root path before it dials
  if (redirect !== undefined) return { redirect };
  return proxyTo(cluster, target, method, path);
}
