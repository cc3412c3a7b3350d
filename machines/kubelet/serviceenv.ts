// The kubelet's Service environment variables (kubelet_pods.go getServiceEnvVarMap and
// pkg/kubelet/envvars FromServices): the kubelet's service informer (all namespaces) gives, for every
// Service with a cluster IP in the pod's namespace (enableServiceLinks, true by default) and always
// for the default/kubernetes Service, <NAME>_SERVICE_HOST, _SERVICE_PORT(_<PORTNAME>) and the
// Docker-link variables <NAME>_PORT(_<port>_<PROTO>(_PROTO|_PORT|_ADDR)).

import type { Pod, Service } from "kubernetes-types/core/v1";
import type { Fx } from "../common/effects.js";
import { startInformer } from "../common/client.js";
import { serviceWatchId, type KubeletContext } from "./types.js";
import { isStaticPod } from "./status.js";
import { mutant } from "../common/mutation.js";

/** Opens the kubelet's service informer (cluster-wide list and watch of Services). */
export function startServiceInformer(ctx: KubeletContext, fx: Fx): void {
  startInformer(ctx.client, fx, serviceWatchId, { group: "", resource: "services" });
}

/** The Services the kubelet injects as variables for pods of the default namespace even without service links. */
const masterServices = new Set(["kubernetes"]);

/** makeEnvVariableName: upper case, dashes to underscores. */
function envName(name: string): string {
  // the mutant forgets the dashes: MY-SVC_SERVICE_HOST, a name no shell can read
  return (mutant("kubelet.service-env-keeps-dashes") ? name : name.replaceAll("-", "_")).toUpperCase();
}

/** IsServiceIPSet: a cluster IP that is neither empty nor None. */
export function hasServiceIP(svc: Service): boolean {
  const ip = svc.spec?.clusterIP;
  return typeof ip === "string" && ip !== "" && ip !== "None";
}

/** FromServices for one Service: host and port, the named ports, then the Docker-link variables. */
export function variablesOfService(svc: Service): Array<[string, string]> {
  const prefix = envName(svc.metadata?.name ?? "");
  const ip = svc.spec!.clusterIP!;
  const ports = svc.spec?.ports ?? [];
  if (ports.length === 0) return [];
  const out: Array<[string, string]> = [[`${prefix}_SERVICE_HOST`, ip], [`${prefix}_SERVICE_PORT`, String(ports[0]!.port)]];
  for (const p of ports) if (p.name) out.push([`${prefix}_SERVICE_PORT_${envName(p.name)}`, String(p.port)]);
  // net.JoinHostPort brackets an IPv6 address.
  const host = ip.includes(":") ? `[${ip}]` : ip;
  ports.forEach((p, i) => {
    const proto = (p.protocol || "TCP").toUpperCase();
    const url = `${proto.toLowerCase()}://${host}:${p.port}`;
    if (i === 0) out.push([`${prefix}_PORT`, url]);
    const at = `${prefix}_PORT_${p.port}_${proto}`;
    out.push([at, url], [`${at}_PROTO`, proto.toLowerCase()], [`${at}_PORT`, String(p.port)], [`${at}_ADDR`, ip]);
  });
  return out;
}

/** makeEnvironmentVariables' refusal for an API pod before the service informer has listed once. */
export const servicesNotReadMessage = "services have not yet been read at least once, cannot construct envvars";

/**
 * The informer's HasSynced: true from its first list on. A relist after a lost watch does not
 * unsync it (DeltaFIFO stays populated), so only a kubelet that never listed refuses.
 */
function listedOnce(inf: { synced: boolean; resourceVersion: string } | undefined): boolean {
  return inf !== undefined && (inf.synced || Boolean(inf.resourceVersion));
}

/**
 * getServiceEnvVarMap: the variables of the Services the pod sees, or undefined while the service
 * informer has not listed once (the kubelet will not build a pod's environment before that).
 * Services are taken in name order so a run is the same every time (Go's map order is random).
 */
export function serviceEnvFor(ctx: KubeletContext, pod: Pod): Readonly<Record<string, string>> | undefined {
  const inf = ctx.client.informers.get(serviceWatchId);
  // makeEnvironmentVariables refuses before the first list for API pods only: a static pod may be
  // the control plane the list needs, so it takes what the informer holds (nothing before the list).
  if (!listedOnce(inf) && !isStaticPod(pod)) return undefined;
  if (inf === undefined) return noServices;
  const ns = pod.metadata?.namespace ?? "default";
  const links = pod.spec?.enableServiceLinks !== false;
  // The store is a persistent value: the same one until a Service changes, so the variables of
  // its Services are built once per store, namespace and links (every container start asks).
  let byStore = envByStore.get(inf.store);
  if (byStore === undefined) envByStore.set(inf.store, (byStore = new Map()));
  const key = `${links ? "1" : "0"}${ns}`;
  let env = byStore.get(key);
  if (env === undefined) {
    if (byStore.size >= 1024) byStore.clear();
    byStore.set(key, (env = sharedVariables(chosenServices(inf.store.values() as Iterable<Service>, ns, links), key)));
  }
  return env;
}

const noServices: Readonly<Record<string, string>> = Object.freeze({});

const envByStore = new WeakMap<object, Map<string, Readonly<Record<string, string>>>>();

/** The Services whose variables a pod of `ns` gets, by name: its namespace's (with links) and default/kubernetes. */
function chosenServices(services: Iterable<Service>, ns: string, links: boolean): Map<string, Service> {
  const chosen = new Map<string, Service>();
  for (const svc of services) {
    if (!hasServiceIP(svc)) continue;
    const name = svc.metadata?.name ?? "";
    const sns = svc.metadata?.namespace ?? "";
    if (sns === "default" && masterServices.has(name)) {
      if (!chosen.has(name)) chosen.set(name, svc);
    } else if (sns === ns && links) chosen.set(name, svc);
  }
  return chosen;
}

/**
 * Every kubelet's informer holds the same Service objects (one watch event, one object), so kubelets
 * whose stores choose the same Services get one shared frozen record of their variables: built once
 * per set of Services, not once per kubelet and store version (8 variables a Service, with hundreds
 * of Services in a namespace, on thousands of nodes). The few latest sets per namespace are kept,
 * since kubelets see a new Service at different moments.
 */
interface SharedVariables {
  chosen: Map<string, Service>;
  env: Readonly<Record<string, string>>;
}

const recentVariables = new Map<string, SharedVariables[]>();
const recentPerKey = 8;

function sharedVariables(chosen: Map<string, Service>, key: string): Readonly<Record<string, string>> {
  let recent = recentVariables.get(key);
  for (const r of recent ?? []) if (sameServices(r.chosen, chosen)) return r.env;
  const env = Object.freeze(variablesOf(chosen));
  if (recent === undefined) {
    if (recentVariables.size >= 1024) recentVariables.clear();
    recentVariables.set(key, (recent = []));
  }
  recent.unshift({ chosen, env });
  if (recent.length > recentPerKey) recent.pop();
  return env;
}

function sameServices(a: Map<string, Service>, b: Map<string, Service>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, svc] of b) if (a.get(name) !== svc) return false;
  return true;
}

function variablesOf(chosen: Map<string, Service>): Record<string, string> {
  const env: Record<string, string> = Object.create(null);
  for (const name of [...chosen.keys()].sort()) for (const [k, v] of variablesOfService(chosen.get(name)!)) env[k] = v;
  return env;
}
